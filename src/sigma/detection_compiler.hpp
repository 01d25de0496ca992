// sigma/detection_compiler.hpp - a rule's `detection` YAML -> selections + condition.
//
// Values go through their modifiers in the order written, as in pySigma: encoders and
// `windash` rewrite or multiply the value, `contains`/`startswith`/`endswith` add wildcards,
// type modifiers (re, cidr, lt.., exists, fieldref, time parts) choose the predicate. Errors
// carry the YAML line of the offending item. Tests of fields the event source never has are
// folded to their constant value (absent_fields.hpp). Internal to the sigma library.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/result.hpp"
#include "sigma/absent_fields.hpp"
#include "sigma/condition.hpp"
#include "sigma/detection.hpp"
#include "sigma/field_mapping.hpp"
#include "sigma/placeholders.hpp"

namespace vigie::sigma {

struct CompiledDetection {
    std::vector<Selection> selections;
    Condition condition;
    /// Per selection (like `selections`): its tests of fields the source never has.
    std::vector<AbsentFieldUse> absent;
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
