// app/rules_command.hpp - `vigie rules check`: which rules load, which do not and why.
#pragma once

#include <string>
#include <vector>

namespace vigie::app {

struct RulesCheckOptions {
    std::vector<std::string> paths;
    std::vector<std::string> filters;  ///< folders or files of Sigma filters only
    std::string placeholders;          ///< YAML file of placeholder values (optional)
    bool rejected_only = false;
};

/// Exit status: 0 when every rule loaded, 1 when some were rejected, 2 on error.
int run_rules_check(const RulesCheckOptions& options);

}  // namespace vigie::app
