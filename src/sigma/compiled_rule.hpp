// sigma/compiled_rule.hpp - one runnable form of a rule for one event source.
//
// Most rules compile to one CompiledRule; `process_creation` rules compile to two (Sysmon 1 and
// Security 4688). All forms of a rule share its RuleInfo.
#pragma once

#include <memory>
#include <vector>

#include "sigma/condition.hpp"
#include "sigma/detection.hpp"
#include "sigma/filter.hpp"
#include "sigma/logsource.hpp"
#include "sigma/rule.hpp"

namespace vigie::sigma {

struct CompiledRule {
    std::shared_ptr<const RuleInfo> info;
    std::uint32_t index = 0;        ///< position in RuleSet::rules()
    bool keyword_literals = false;  ///< has keyword predicates with prefilter literals
    /// The event IDs it can match (from its log source or its detection); empty: any.
    std::vector<std::int64_t> event_ids;
    std::string target;  ///< log source target ("sysmon-1", "security-4688", "security", ...)
    FieldMappingKind mapping = FieldMappingKind::kNone;
    EventFilter filter;
    std::vector<Selection> selections;
    Condition condition;
    /// Sigma filters (meta filters, filter.hpp) naming the rule: a match stands only when none of
    /// them holds.
    std::vector<RuleFilter> meta_filters;

    /// The detection alone (the caller has checked the filter). `memo` is scratch space.
    bool evaluate(EventFields& ev, std::vector<signed char>& memo) const {
        memo.assign(selections.size(), -1);
        return condition.evaluate([&](std::uint32_t s) {
            if (memo[s] < 0) memo[s] = selections[s].evaluate(ev) ? 1 : 0;
            return memo[s] == 1;
        });
    }
};

}  // namespace vigie::sigma
