// hunt/event_matcher.hpp - one event in, its detections out: the per-thread matching step
// shared by `vigie hunt` (files) and `vigie watch` (live inputs).
//
//   hunt::MatchPlan plan(rules, sigma::Level::kInformational);   // once, shared by threads
//   hunt::EventMatcher matcher(plan);                            // one per thread
//   matcher.process(event, source, order, detections);           // appends Detections
//
// The plan holds what is worked out once per rule form: the key fields a person needs to
// judge a detection (plus those the correlations group by), and whether correlations read the
// rule (then its detections are kept whatever their level: the level filter applies again
// after correlation). The matcher holds the per-thread state: the rule matcher's scratch and
// the counts of events by (channel, event ID) for the coverage summary.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "hunt/detection.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::hunt {

/// (channel, event ID) -> number of events, for the coverage part of the summary.
using EventTypeCounts = std::map<std::pair<std::string, std::int64_t>, std::uint64_t>;

class MatchPlan {
  public:
    MatchPlan(const sigma::RuleSet& rules, sigma::Level min_level);

    const sigma::RuleSet& rules() const noexcept { return rules_; }
    sigma::Level min_level() const noexcept { return min_level_; }
    const std::vector<std::string>& key_fields(std::uint32_t rule) const {
        return key_fields_[rule];
    }
    bool correlated(std::uint32_t rule) const { return correlated_[rule] != 0; }

  private:
    const sigma::RuleSet& rules_;
    sigma::Level min_level_;
    std::vector<std::vector<std::string>> key_fields_;  // per rule form
    std::vector<char> correlated_;                      // per rule form: read by a correlation
};

class EventMatcher {
  public:
    explicit EventMatcher(const MatchPlan& plan) : plan_(plan), matcher_(plan.rules()) {}

    /// Matches one event; appends its detections to `out`. `source` and `order` are copied
    /// into each detection (Detection::file and Detection::order).
    void process(const core::Event& e, std::uint32_t source, std::uint64_t order,
                 std::vector<Detection>& out);

    /// Adds the (channel, event ID) counts seen so far to `counts` and forgets them.
    void take_event_types(EventTypeCounts& counts);
    /// Adds the detections each Sigma filter removed so far to `counts` (indexed like
    /// RuleSet::filters()) and forgets them. A removal counts when the detection would have
    /// been kept: its rule is at the minimum level or read by a correlation.
    void take_filter_removals(std::vector<std::uint64_t>& counts);
    std::uint64_t rule_evaluations() const noexcept { return matcher_.evaluations(); }

  private:
    void count_type(std::int64_t event_id);
    bool kept(const sigma::CompiledRule& rule) const {
        return rule.info->level >= plan_.min_level() || plan_.correlated(rule.index);
    }

    const MatchPlan& plan_;
    sigma::RuleMatcher matcher_;
    std::vector<const sigma::CompiledRule*> hits_;
    std::string channel_;
    std::string key_;
    std::unordered_map<std::string, std::uint64_t> types_;
    // Events of one type come in runs: they are counted here and added to types_ when the type
    // changes (or types_ is taken).
    void flush_run();
    std::string run_channel_;
    std::int64_t run_event_id_ = 0;
    std::uint64_t run_ = 0;
    std::vector<std::uint64_t> filter_removals_;
};

}  // namespace vigie::hunt
