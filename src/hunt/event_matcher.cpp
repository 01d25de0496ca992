#include "hunt/event_matcher.hpp"

#include <algorithm>

#include "hunt/correlator.hpp"
#include "hunt/key_fields.hpp"

namespace vigie::hunt {

MatchPlan::MatchPlan(const sigma::RuleSet& rules, sigma::Level min_level)
    : rules_(rules), min_level_(min_level) {
    for (const auto& rule : rules.rules()) {
        std::vector<std::string> names = key_field_names(*rule, rules.field_names());
        for (std::string& extra : correlation_field_names(rules, rule->index)) {
            if (std::find(names.begin(), names.end(), extra) == names.end())
                names.push_back(std::move(extra));
        }
        key_fields_.push_back(std::move(names));
        correlated_.push_back(rules.correlation_uses(rule->index).empty() ? 0 : 1);
    }
}

void EventMatcher::process(const core::Event& e, std::uint32_t source, std::uint64_t order,
                           std::vector<Detection>& out) {
    channel_.clear();
    const core::Value* channel = e.field("Channel");
    if (channel != nullptr) channel->append_text(channel_);
    std::int64_t event_id = -1;
    if (const core::Value* id = e.field("EventID")) event_id = id->to_int().value_or(-1);
    count_type(event_id);
    matcher_.match(e, channel_, event_id, hits_);
    for (const sigma::FilterRemoval& removal : matcher_.removed()) {
        if (!kept(*plan_.rules().rules()[removal.rule])) continue;
        if (filter_removals_.size() <= removal.filter) filter_removals_.resize(removal.filter + 1);
        ++filter_removals_[removal.filter];
    }
    for (const sigma::CompiledRule* rule : hits_) {
        // Correlations read a rule's detections whatever the level shown.
        if (!kept(*rule)) continue;
        Detection d;
        d.timestamp = e.timestamp;
        // EventRecordID as Windows shows it; the EVTX record header's number only when the
        // event has none (files cut out of larger logs renumber their headers).
        d.record_id = e.record_id;
        if (const core::Value* id = e.field("EventRecordID")) {
            if (auto n = id->to_int(); n && *n >= 0) d.record_id = static_cast<std::uint64_t>(*n);
        }
        d.event_id = event_id;
        d.rule = rule->index;
        d.file = source;
        d.order = order;
        d.channel = channel_;
        if (const core::Value* computer = e.field("Computer")) d.computer = computer->text();
        extract_key_fields(e, plan_.key_fields(rule->index), d.fields);
        out.push_back(std::move(d));
    }
}

void EventMatcher::take_event_types(EventTypeCounts& counts) {
    flush_run();
    for (auto& [key, count] : types_) {
        const std::size_t sep = key.rfind('\0');
        const std::int64_t id = std::stoll(key.substr(sep + 1));
        counts[{key.substr(0, sep), id}] += count;
    }
    types_.clear();
}

void EventMatcher::take_filter_removals(std::vector<std::uint64_t>& counts) {
    if (counts.size() < filter_removals_.size()) counts.resize(filter_removals_.size());
    for (std::size_t i = 0; i < filter_removals_.size(); ++i) counts[i] += filter_removals_[i];
    filter_removals_.assign(filter_removals_.size(), 0);
}

void EventMatcher::count_type(std::int64_t event_id) {
    if (run_ > 0 && event_id == run_event_id_ && channel_ == run_channel_) {
        ++run_;
        return;
    }
    flush_run();
    run_channel_ = channel_;
    run_event_id_ = event_id;
    run_ = 1;
}

void EventMatcher::flush_run() {
    if (run_ == 0) return;
    key_.assign(run_channel_);
    key_.push_back('\0');
    key_.append(std::to_string(run_event_id_));
    types_[key_] += run_;
    run_ = 0;
}

}  // namespace vigie::hunt
