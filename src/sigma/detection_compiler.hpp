// sigma/detection_compiler.hpp - a rule's `detection` YAML -> selections + condition.
//
// Values go through their modifiers in the order written, as in pySigma: encoders and
// `windash` rewrite or multiply the value, `contains`/`startswith`/`endswith` add wildcards,
// type modifiers (re, cidr, lt.., exists, fieldref, time parts) choose the predicate. Errors
// carry the YAML line of the offending item. Internal to the sigma library.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/result.hpp"
#include "sigma/condition.hpp"
#include "sigma/detection.hpp"
#include "sigma/field_mapping.hpp"
#include "sigma/placeholders.hpp"

namespace vigie::sigma {

struct CompiledDetection {
    std::vector<Selection> selections;
    Condition condition;
};

struct DetectionContext {
    FieldNames* names = nullptr;
    FieldMappingKind mapping = FieldMappingKind::kNone;
    const Placeholders* placeholders = nullptr;  ///< null: `expand` rejects the rule
};

/// Errors have their location's line set (1-based) when it is known.
core::Result<CompiledDetection> compile_detection(const YAML::Node& detection,
                                                  const DetectionContext& context);

}  // namespace vigie::sigma
