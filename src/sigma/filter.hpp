// sigma/filter.hpp - Sigma filters (specification v2.1, "meta filters"): a site's "this is normal
// here", written once for many published rules without editing them.
//
//   title: Backup account at night is normal
//   logsource: {product: windows, category: process_creation}
//   filter:
//     rules: [6f3e2987-db24-4c78-a860-b4f4095a7095, some_rule_name]   # ids or names
//     selection: {User|startswith: 'svc_backup'}
//     condition: selection
//
// A filter document is recognised by its structure (a `filter` map and no `detection`), in any
// rule folder or in folders given as filters only. Each rule it names (by `id` or `name`) keeps
// a detection only when the filter's condition does not hold on the event: the rule's condition
// becomes `rule_condition and not filter_condition`. The specification's example states the
// normal activity in the condition (`condition: selection` for the administrators' accounts),
// which is what is removed. pySigma and rsigma instead add the condition as written (their
// filters say `condition: not selection`); such a condition would keep only what it names here,
// so a condition that is a bare negation is loaded with a warning that says so.
//
// A filter applies to a rule only when every log source attribute it gives (product, category,
// service) is the rule's too: a filter for `product: windows` covers every Windows rule, one for
// `category: process_creation` only process creation rules. A filter naming a rule that is not
// loaded, a correlation, or a rule of another log source is a warning in the load report, never
// an error: the rules still run, unfiltered where the filter could not apply.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sigma/condition.hpp"
#include "sigma/detection.hpp"
#include "sigma/logsource.hpp"
#include "sigma/rule.hpp"

namespace vigie::sigma {

/// What a filter document says about itself.
struct FilterInfo {
    std::string id;
    std::string title;
    std::string description;
    LogSource logsource;
    std::vector<std::string> rules;  ///< the ids or names of the rules it applies to
    std::string file;
    std::uint32_t line = 0;  ///< 1-based line of the document in `file`

    std::string label() const { return id.empty() ? title : id; }
};

/// A filter's search identifiers and condition, compiled for one field mapping.
struct FilterDetection {
    std::vector<Selection> selections;
    Condition condition;
};

/// A loaded filter document.
struct Filter {
    std::shared_ptr<const FilterInfo> info;
    /// Per FieldMappingKind: the compiled detection, or empty with `not_compiled` saying why
    /// (a field that the mapping cannot give, for instance).
    std::array<std::optional<FilterDetection>, 2> detections;
    std::array<std::string, 2> not_compiled;
    std::uint32_t rule_forms = 0;  ///< rule forms it was applied to (RuleSet::finalize)
};

/// A filter as applied to one rule form.
struct RuleFilter {
    std::uint32_t filter = 0;  ///< index into RuleSet::filters()
    std::vector<Selection> selections;
    Condition condition;

    /// Whether the filter's condition holds on the event: then the detection is removed.
    /// `memo` is scratch space.
    bool holds(EventFields& ev, std::vector<signed char>& memo) const {
        memo.assign(selections.size(), -1);
        return condition.evaluate([&](std::uint32_t s) {
            if (memo[s] < 0) memo[s] = selections[s].evaluate(ev) ? 1 : 0;
            return memo[s] == 1;
        });
    }
};

/// A detection a filter removed: rule form and filter (both indexes).
struct FilterRemoval {
    std::uint32_t rule = 0;
    std::uint32_t filter = 0;
};

/// Whether a filter with log source `filter` applies to a rule with log source `rule`: every
/// attribute the filter gives is the rule's too (ASCII case-insensitively).
bool filter_covers(const LogSource& filter, const LogSource& rule) noexcept;

}  // namespace vigie::sigma
