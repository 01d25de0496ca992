// app/rule_loading.hpp - rules and their placeholder values, loaded the same way for every command.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sigma/placeholders.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::app {

/// A finalized rule set and the placeholder values it points to (kept alive together).
struct LoadedRules {
    sigma::Placeholders placeholders;
    std::unique_ptr<sigma::RuleSet> rules;
};

/// Loads every rule under `paths` (rules, correlations and Sigma filters) and every filter
/// under `filter_paths` (with `placeholders_path`, a YAML file, when not empty). Rules that do
/// not load are in the report; errors are for unreadable paths and files.
core::Result<std::unique_ptr<LoadedRules>> load_rules(const std::vector<std::string>& paths,
                                                      const std::vector<std::string>& filter_paths,
                                                      const std::string& placeholders_path);

/// The rules a hunting command runs: those under `paths`, or the built-in pack when none is
/// given, with the filters under `filter_paths` and those among the rules. Problems, and
/// filters that cannot apply as written, are printed on standard error; nullptr when nothing
/// could be loaded.
std::unique_ptr<LoadedRules> load_hunting_rules(const std::vector<std::string>& paths,
                                                const std::vector<std::string>& filter_paths,
                                                const std::string& placeholders_path);

}  // namespace vigie::app
