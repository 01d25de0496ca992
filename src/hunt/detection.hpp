// hunt/detection.hpp - one rule hit on one event, self-contained (it outlives the event).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace vigie::hunt {

struct Detection {
    core::FileTimeTicks timestamp = 0;
    std::uint64_t record_id = 0;
    std::int64_t event_id = -1;
    std::uint32_t rule = 0;   ///< index into RuleSet::rules() (the rule form that matched)
    std::uint32_t file = 0;   ///< index into the hunt's input list
    std::uint64_t order = 0;  ///< position of the event in its file: keeps equal times stable
    std::string computer;
    std::string channel;
    std::vector<std::pair<std::string, std::string>> fields;  ///< key fields, name -> text

    /// Timeline order: time, then file, then position in the file, then rule.
    friend bool operator<(const Detection& a, const Detection& b) {
        if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
        if (a.file != b.file) return a.file < b.file;
        if (a.order != b.order) return a.order < b.order;
        return a.rule < b.rule;
    }
};

/// Field names (and short words such as account names) as the engine compares them: ASCII
/// letters without regard to case.
inline bool same_name(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

/// A key field's value by name (same_name), or empty.
inline std::string_view key_field(const Detection& d, std::string_view name) noexcept {
    for (const auto& [field, value] : d.fields) {
        if (same_name(field, name)) return value;
    }
    return {};
}

}  // namespace vigie::hunt
