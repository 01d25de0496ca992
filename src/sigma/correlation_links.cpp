// sigma/correlation_links.cpp - tying correlation rules to the rules they name.
//
// A correlation names rules by `id` or `name`: base rules (each of their forms) or other
// correlations. A correlation whose names cannot all be found, or that reaches itself through
// other correlations, is rejected with its file and line; correlations built on a rejected one
// follow it. What remains is a graph without cycles, so a detection can be fed up the chain at
// once.
#include <functional>
#include <unordered_map>

#include "sigma/rule_set.hpp"

namespace vigie::sigma {

const RuleInfo& RuleSet::rule_info(std::uint32_t index) const {
    if (index < rules_.size()) return *rules_[index]->info;
    return *correlations_.at(index - rules_.size()).spec.info;
}

const CorrelationRule* RuleSet::correlation(std::uint32_t index) const noexcept {
    if (index < rules_.size() || index - rules_.size() >= correlations_.size()) return nullptr;
    return &correlations_[index - rules_.size()];
}

const std::vector<CorrelationUse>& RuleSet::correlation_uses(std::uint32_t index) const {
    static const std::vector<CorrelationUse> kNone;
    return index < uses_.size() ? uses_[index] : kNone;
}

bool RuleSet::shown(std::uint32_t index) const noexcept {
    return index >= shown_.size() || shown_[index];
}

void RuleSet::link_correlations() {
    const auto base = static_cast<std::uint32_t>(rules_.size());
    std::unordered_map<std::string, std::vector<std::uint32_t>> base_by_name;
    for (std::uint32_t i = 0; i < base; ++i) {
        const RuleInfo& info = *rules_[i]->info;
        if (!info.id.empty()) base_by_name[info.id].push_back(i);
        if (!info.name.empty() && info.name != info.id) base_by_name[info.name].push_back(i);
    }
    const std::size_t n = correlations_.size();
    std::vector<bool> alive(n, true);
    auto reject = [&](std::size_t k, std::string reason) {
        const RuleInfo& info = *correlations_[k].spec.info;
        report_.rejected.push_back({info.file, info.line, !info.id.empty() ? info.id : info.title,
                                    core::ErrorCode::kInvalidArgument, std::move(reason)});
        alive[k] = false;
        --report_.loaded;
    };
    // Names of the correlations still standing -> their position in correlations_.
    auto correlation_names = [&] {
        std::unordered_map<std::string, std::size_t> names;
        for (std::size_t k = 0; k < n; ++k) {
            if (!alive[k]) continue;
            const RuleInfo& info = *correlations_[k].spec.info;
            if (!info.id.empty()) names.emplace(info.id, k);
            if (!info.name.empty()) names.emplace(info.name, k);
        }
        return names;
    };

    // Unknown names, repeated until no rejection makes another.
    for (bool changed = true; changed;) {
        changed = false;
        const auto names = correlation_names();
        for (std::size_t k = 0; k < n; ++k) {
            if (!alive[k]) continue;
            for (const std::string& ref : correlations_[k].spec.rules) {
                if (base_by_name.count(ref) == 0 && names.count(ref) == 0) {
                    reject(k, "correlation refers to '" + ref +
                                  "', which is no loaded rule's id or name");
                    changed = true;
                    break;
                }
            }
        }
        if (changed) continue;
        // Cycles: depth-first search, 1 = on the current path, 2 = done.
        std::vector<int> state(n, 0);
        std::function<bool(std::size_t)> cyclic = [&](std::size_t k) {
            if (state[k] == 1) return true;
            if (state[k] == 2) return false;
            state[k] = 1;
            for (const std::string& ref : correlations_[k].spec.rules) {
                const auto c = names.find(ref);
                if (c != names.end() && base_by_name.count(ref) == 0 && cyclic(c->second))
                    return true;
            }
            state[k] = 2;
            return false;
        };
        for (std::size_t k = 0; k < n; ++k) {
            if (alive[k] && cyclic(k)) {
                reject(k, "correlation rules refer to each other in a cycle");
                changed = true;
                break;
            }
        }
    }

    // Keep the survivors, number them after the base forms, resolve their sources.
    std::vector<CorrelationRule> kept;
    for (std::size_t k = 0; k < n; ++k) {
        if (alive[k]) kept.push_back(std::move(correlations_[k]));
    }
    correlations_ = std::move(kept);
    std::unordered_map<std::string, std::uint32_t> correlation_index;
    for (std::uint32_t k = 0; k < correlations_.size(); ++k) {
        correlations_[k].index = base + k;
        const RuleInfo& info = *correlations_[k].spec.info;
        if (!info.id.empty()) correlation_index.emplace(info.id, base + k);
        if (!info.name.empty()) correlation_index.emplace(info.name, base + k);
    }
    uses_.assign(detection_rule_count(), {});
    shown_.assign(detection_rule_count(), true);
    std::vector<bool> generated(detection_rule_count(), false);
    for (std::uint32_t k = 0; k < correlations_.size(); ++k) {
        CorrelationRule& c = correlations_[k];
        c.sources.clear();
        for (std::uint32_t ref = 0; ref < c.spec.rules.size(); ++ref) {
            const std::string& name = c.spec.rules[ref];
            std::vector<std::uint32_t> sources;
            if (const auto b = base_by_name.find(name); b != base_by_name.end()) {
                sources = b->second;
            } else {
                sources.push_back(correlation_index.at(name));
            }
            for (const std::uint32_t s : sources) {
                uses_[s].push_back({k, ref});
                shown_[s] = false;
                if (c.spec.generate) generated[s] = true;
            }
            c.sources.push_back(std::move(sources));
        }
    }
    for (std::uint32_t i = 0; i < shown_.size(); ++i) {
        if (generated[i]) shown_[i] = true;
    }
}

}  // namespace vigie::sigma
