// hunt/key_fields.hpp - which fields of an event a person needs to judge a detection.
//
// For each rule form, in order: the fields the rule's author lists (`fields:`), the fields
// well known for its event type (process start: image, command line, parent, user; logon:
// account, type, source address; service install: name, path, account), then the fields the
// detection itself tests. At most kMaxKeyFields are kept, each value cut to kMaxValueBytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "sigma/compiled_rule.hpp"
#include "sigma/event_fields.hpp"

namespace vigie::hunt {

inline constexpr std::size_t kMaxKeyFields = 8;
inline constexpr std::size_t kMaxValueBytes = 512;

/// The key field names of a rule form (computed once per rule).
std::vector<std::string> key_field_names(const sigma::CompiledRule& rule,
                                         const sigma::FieldNames& names);

/// Appends name/value pairs for the names present in `event`.
void extract_key_fields(const core::Event& event, const std::vector<std::string>& names,
                        std::vector<std::pair<std::string, std::string>>& out);

}  // namespace vigie::hunt
