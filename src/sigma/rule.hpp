// sigma/rule.hpp - what a Sigma rule says about itself (everything but its detection logic).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::sigma {

enum class Level : unsigned char { kInformational, kLow, kMedium, kHigh, kCritical };

const char* level_name(Level level) noexcept;
std::optional<Level> parse_level(std::string_view text) noexcept;

struct LogSource {
    std::string product;
    std::string category;
    std::string service;
    std::string to_string() const;  ///< "product: windows, category: process_creation"
};

struct RuleInfo {
    std::string id;
    std::string name;  ///< optional `name`, used by correlations
    std::string title;
    std::string status;
    std::string description;
    std::string author;
    std::string date;
    Level level = Level::kMedium;
    bool level_given = false;
    std::vector<std::string> tags;
    std::vector<std::string> fields;  ///< fields the author suggests to show
    std::vector<std::string> falsepositives;
    LogSource logsource;
    std::string file;
    std::uint32_t line = 0;  ///< 1-based line of the rule's document in `file`

    /// ATT&CK tags ("attack.t1059.001", "attack.execution") in their published form.
    std::vector<std::string> attack_tags() const;
};

}  // namespace vigie::sigma
