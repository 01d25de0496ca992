#include "app/rule_loading.hpp"

#include "sigma/automaton_cache.hpp"

namespace vigie::app {

core::Result<std::unique_ptr<LoadedRules>> load_rules(const std::vector<std::string>& paths,
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
    loaded->rules->finalize();
    return loaded;
}

}  // namespace vigie::app
