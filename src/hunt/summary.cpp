#include "hunt/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "hunt/writers.hpp"

namespace vigie::hunt {
namespace {

template <typename... Args>
void append_line(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
    out += '\n';
}

// Each filter and the detections it removed (a detection two filters hold on counts for both).
void render_filters(std::string& out, const HuntStats& stats, const sigma::RuleSet& rules) {
    const std::vector<sigma::Filter>& filters = rules.filters();
    const std::size_t warnings = rules.report().warnings.size();
    if (filters.empty() && warnings == 0) return;
    append_line(out, "filters    {} loaded{}; detections removed by each:", filters.size(),
                warnings == 0 ? std::string()
                              : fmt::format(" ({} warning{}: see `vigie rules check`)", warnings,
                                            warnings == 1 ? "" : "s"));
    for (std::size_t i = 0; i < filters.size(); ++i) {
        const sigma::FilterInfo& info = *filters[i].info;
        const std::uint64_t removed =
            i < stats.filter_removals.size() ? stats.filter_removals[i] : 0;
        append_line(out, "  {:>7}  {}  ({}:{}{})", removed, info.title, info.file, info.line,
                    filters[i].rule_forms == 0 ? ", applies to no loaded rule" : "");
    }
}

}  // namespace

void Summary::add(const Detection& d, const sigma::RuleSet& rules) {
    const auto level = static_cast<std::size_t>(rules.rule_info(d.rule).level);
    ++detections_;
    ++by_level_[level];
    ++by_rule_form_[d.rule];
}

std::string Summary::render(const HuntStats& stats, const sigma::RuleSet& rules,
                            double elapsed_seconds, std::uint64_t input_bytes,
                            std::size_t skipped_inputs) const {
    std::string out;
    std::uint64_t failed = 0, chunks_skipped = 0, records_failed = 0, objects_skipped = 0;
    std::uint64_t records_partial = 0;
    std::map<std::string, std::uint64_t> constructs_skipped;
    for (const FileReport& f : stats.files) {
        failed += f.error.has_value();
        chunks_skipped += f.chunks_skipped;
        records_failed += f.records_failed;
        objects_skipped += f.objects_skipped;
        records_partial += f.records_partial;
        for (const auto& [what, count] : f.constructs_skipped) constructs_skipped[what] += count;
    }
    const double mb = static_cast<double>(input_bytes) / 1e6;
    append_line(out, "== vigie hunt summary");
    append_line(
        out,
        "input      {} files read, {} failed, {} other files skipped; {:.1f} MB in {:.2f} s "
        "({:.1f} MB/s)",
        stats.files.size() - failed, failed, skipped_inputs, mb, elapsed_seconds,
        elapsed_seconds > 0 ? mb / elapsed_seconds : 0.0);
    append_line(out,
                "events     {} read{}; EVTX chunks skipped {}, records unreadable {}; JSON objects "
                "skipped {}",
                stats.events,
                stats.events_outside_range > 0
                    ? fmt::format(" ({} outside --from/--to)", stats.events_outside_range)
                    : std::string(),
                chunks_skipped, records_failed, objects_skipped);
    if (records_partial > 0) {
        append_line(out, "skipped    {} EVTX records read without constructs vigie does not know:",
                    records_partial);
        for (const auto& [what, count] : constructs_skipped) {
            append_line(out, "  {:>7}  {}", count, what);
        }
    }
    for (const FileReport& f : stats.files) {
        if (f.error) append_line(out, "  error    {}", f.error->to_string());
    }
    const sigma::LoadReport& report = rules.report();
    append_line(out, "rules      {} loaded ({} rule forms), {} rejected (see `vigie rules check`)",
                report.loaded, rules.rules().size(), report.rejected.size());
    append_line(
        out,
        "matching   {:.1f} rule evaluations per event (after the channel, event ID and "
        "literal prefilters)",
        stats.events > 0 ? static_cast<double>(stats.rule_evaluations) / stats.events : 0.0);
    append_line(out, "detections {}: critical {}, high {}, medium {}, low {}, informational {}",
                detections_, by_level_[4], by_level_[3], by_level_[2], by_level_[1], by_level_[0]);

    render_filters(out, stats, rules);

    if (!by_rule_form_.empty()) {
        std::map<const sigma::RuleInfo*, std::uint64_t> per_rule;
        for (const auto& [form, count] : by_rule_form_) per_rule[&rules.rule_info(form)] += count;
        std::vector<std::pair<const sigma::RuleInfo*, std::uint64_t>> top(per_rule.begin(),
                                                                          per_rule.end());
        std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
            if (a.second != b.second) return a.second > b.second;
            return a.first->title < b.first->title;
        });
        append_line(out, "top rules");
        for (std::size_t i = 0; i < top.size() && i < 15; ++i) {
            append_line(out, "  {:>7}  {:<13}  {}", top[i].second,
                        sigma::level_name(top[i].first->level), top[i].first->title);
        }
    }
    // Event types present in the data that no loaded rule looks at.
    std::vector<std::pair<std::uint64_t, std::pair<std::string, std::int64_t>>> uncovered;
    for (const auto& [key, count] : stats.event_types) {
        std::string lower = key.first;
        for (char& c : lower) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
        const auto c = rules.candidates(lower, key.second);
        if (c.by_id == nullptr && c.any_id == nullptr && c.any_channel == nullptr) {
            uncovered.push_back({count, key});
        }
    }
    std::sort(uncovered.rbegin(), uncovered.rend());
    if (!uncovered.empty()) {
        append_line(
            out, "coverage   {} (channel, event ID) pairs in the data have no rule; most frequent:",
            uncovered.size());
        for (std::size_t i = 0; i < uncovered.size() && i < 15; ++i) {
            append_line(
                out, "  {:>7}  {} {}", uncovered[i].first,
                uncovered[i].second.first.empty() ? "(no channel)" : uncovered[i].second.first,
                uncovered[i].second.second);
        }
    }
    return out;
}

}  // namespace vigie::hunt
