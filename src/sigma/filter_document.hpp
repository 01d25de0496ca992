// sigma/filter_document.hpp - a Sigma filter's YAML document -> Filter. Internal to the sigma
// library (RuleLoader calls it; filter.hpp says what a filter is).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "core/result.hpp"
#include "sigma/detection_compiler.hpp"
#include "sigma/filter.hpp"

namespace vigie::sigma {

/// Whether a document has the structure of a filter: a `filter` map and no `detection`.
bool is_filter_document(const YAML::Node& doc);

/// Reads and compiles a filter document (every field mapping). Errors carry the YAML line of
/// the offending part when it is known; field names are interned into `names`.
core::Result<Filter> read_filter_document(const YAML::Node& doc, const std::string& file,
                                          std::uint32_t line, FieldNames& names,
                                          const Placeholders* placeholders);

}  // namespace vigie::sigma
