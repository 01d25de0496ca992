#include "sigma/rule.hpp"

namespace vigie::sigma {

const char* level_name(Level level) noexcept {
    switch (level) {
        case Level::kInformational:
            return "informational";
        case Level::kLow:
            return "low";
        case Level::kMedium:
            return "medium";
        case Level::kHigh:
            return "high";
        case Level::kCritical:
            return "critical";
    }
    return "unknown";
}

std::optional<Level> parse_level(std::string_view text) noexcept {
    if (text == "informational" || text == "info") return Level::kInformational;
    if (text == "low") return Level::kLow;
    if (text == "medium") return Level::kMedium;
    if (text == "high") return Level::kHigh;
    if (text == "critical" || text == "crit") return Level::kCritical;
    return std::nullopt;
}

std::string LogSource::to_string() const {
    std::string out;
    auto add = [&](const char* key, const std::string& v) {
        if (v.empty()) return;
        if (!out.empty()) out += ", ";
        out += key;
        out += ": ";
        out += v;
    };
    add("product", product);
    add("category", category);
    add("service", service);
    return out.empty() ? "(none)" : out;
}

std::vector<std::string> RuleInfo::attack_tags() const {
    std::vector<std::string> out;
    for (const std::string& t : tags) {
        if (t.starts_with("attack.")) out.push_back(t);
    }
    return out;
}

}  // namespace vigie::sigma
