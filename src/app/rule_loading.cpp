#include "app/rule_loading.hpp"

#include <fmt/format.h>

#include "sigma/automaton_cache.hpp"

#ifndef VIGIE_DEFAULT_RULES
#define VIGIE_DEFAULT_RULES ""
#endif

namespace vigie::app {

core::Result<std::unique_ptr<LoadedRules>> load_rules(const std::vector<std::string>& paths,
                                                      const std::vector<std::string>& filter_paths,
                                                      const std::string& placeholders_path) {
    auto loaded = std::make_unique<LoadedRules>();
    sigma::RuleSetOptions options;
    options.automaton_cache_dir = sigma::default_automaton_cache_dir();
    if (!placeholders_path.empty()) {
        auto p = sigma::load_placeholders(placeholders_path);
        if (!p) return p.error();
        loaded->placeholders = std::move(*p);
        options.placeholders = &loaded->placeholders;
    }
    loaded->rules = std::make_unique<sigma::RuleSet>(options);
    for (const std::string& path : paths) {
        if (auto r = loaded->rules->load_path(path); !r) return r.error();
    }
    for (const std::string& path : filter_paths) {
        if (auto r = loaded->rules->load_path(path, sigma::DocumentKinds::kFiltersOnly); !r)
            return r.error();
    }
    loaded->rules->finalize();
    return loaded;
}

std::unique_ptr<LoadedRules> load_hunting_rules(const std::vector<std::string>& paths,
                                                const std::vector<std::string>& filter_paths,
                                                const std::string& placeholders_path) {
    std::vector<std::string> rule_paths = paths;
    if (rule_paths.empty()) {
        if (std::string(VIGIE_DEFAULT_RULES).empty()) {
            fmt::print(stderr, "vigie: no rules given (use --rules DIR)\n");
            return nullptr;
        }
        rule_paths.push_back(VIGIE_DEFAULT_RULES);
    }
    auto loaded = load_rules(rule_paths, filter_paths, placeholders_path);
    if (!loaded) {
        fmt::print(stderr, "vigie: {}\n", loaded.error().to_string());
        return nullptr;
    }
    // A filter that does not apply leaves detections a site meant to silence: said at once.
    const sigma::LoadReport& report = (*loaded)->rules->report();
    for (const sigma::RuleProblem& p : report.rejected) {
        const bool unreadable = p.reason.rfind("filter: ", 0) == 0;
        if (unreadable || p.reason.find("given as filters") != std::string::npos) {
            fmt::print(stderr, "vigie: warning: {}:{}: '{}' not loaded as a filter: {}\n", p.file,
                       p.line, p.rule, unreadable ? p.reason.substr(8) : p.reason);
        }
    }
    for (const sigma::RuleProblem& p : report.warnings) {
        fmt::print(stderr, "vigie: warning: {}:{}: filter '{}' {}\n", p.file, p.line, p.rule,
                   p.reason);
    }
    if ((*loaded)->rules->rules().empty()) {
        fmt::print(stderr, "vigie: no rule could be loaded from the given paths\n");
        return nullptr;
    }
    return std::move(*loaded);
}

}  // namespace vigie::app
