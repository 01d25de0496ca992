#include "hunt/correlator.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/time.hpp"

namespace vigie::hunt {
namespace {

bool carried_by_detection(std::string_view name) {
    return same_name(name, "Computer") || same_name(name, "Channel") || same_name(name, "EventID");
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
    if (name.empty() || carried_by_detection(name)) return;
    for (const std::string& n : names) {
        if (same_name(n, name)) return;
    }
    names.push_back(name);
}

std::string format_measure(double x) {
    if (x == static_cast<double>(static_cast<long long>(x))) {
        return std::to_string(static_cast<long long>(x));
    }
    return fmt::format("{:.2f}", x);
}

}  // namespace

std::string_view detection_field(const Detection& d, std::string_view name, std::string& scratch) {
    if (same_name(name, "Computer")) return d.computer;
    if (same_name(name, "Channel")) return d.channel;
    if (same_name(name, "EventID")) {
        scratch = d.event_id >= 0 ? std::to_string(d.event_id) : std::string();
        return scratch;
    }
    return key_field(d, name);
}

std::vector<std::string> correlation_field_names(const sigma::RuleSet& rules, std::uint32_t rule) {
    std::vector<std::string> names;
    for (const sigma::CorrelationUse& use : rules.correlation_uses(rule)) {
        const sigma::CorrelationSpec& spec = rules.correlations()[use.correlation].spec;
        const std::string& ref = spec.rules[use.ref];
        for (std::size_t g = 0; g < spec.group_by.size(); ++g) {
            add_unique(names, spec.group_field(g, ref));
        }
        add_unique(names, spec.field);
    }
    return names;
}

Correlator::Correlator(const sigma::RuleSet& rules) : rules_(rules) {
    windows_.reserve(rules.correlations().size());
    for (const sigma::CorrelationRule& c : rules.correlations()) windows_.emplace_back(c.spec);
}

void Correlator::add(const Detection& d, const Sink& sink) {
    feed(d, sink, 0);
}

void Correlator::feed(const Detection& d, const Sink& sink, int depth) {
    if (rules_.shown(d.rule)) sink(Detection(d));
    // Chains cannot loop (the rule set rejects cycles); the depth only guards the stack.
    if (depth > 64) return;
    for (const sigma::CorrelationUse& use : rules_.correlation_uses(d.rule)) {
        const sigma::CorrelationRule& c = rules_.correlations()[use.correlation];
        const sigma::CorrelationSpec& spec = c.spec;
        const std::string& ref = spec.rules[use.ref];
        group_.clear();
        for (std::size_t g = 0; g < spec.group_by.size(); ++g) {
            if (g > 0) group_.push_back('\x1f');
            group_.append(detection_field(d, spec.group_field(g, ref), scratch_));
        }
        sigma::CorrelationInput input;
        input.time = d.timestamp;
        input.rule = use.ref;
        input.group = group_;
        if (!spec.field.empty())
            input.value = std::string(detection_field(d, spec.field, scratch_));
        const auto firing = windows_[use.correlation].add(input);
        if (!firing) continue;
        ++fired_;
        Detection out;
        out.timestamp = d.timestamp;
        out.record_id = d.record_id;
        out.rule = c.index;
        out.file = d.file;
        out.order = d.order;
        out.computer = d.computer;
        out.channel = d.channel;
        out.event_id = d.event_id;
        for (std::size_t g = 0; g < spec.group_by.size(); ++g) {
            const std::string value(detection_field(d, spec.group_field(g, ref), scratch_));
            if (same_name(spec.group_by[g], "Computer")) out.computer = value;
            out.fields.emplace_back(spec.group_by[g], value);
        }
        out.fields.emplace_back("count", format_measure(firing->measure));
        out.fields.emplace_back("window_start", core::format_iso8601_micros(firing->first));
        if (!firing->values.empty()) {
            std::string joined;
            for (const std::string& v : firing->values) {
                if (!joined.empty()) joined += ", ";
                joined += v;
            }
            const bool temporal = spec.type == sigma::CorrelationType::kTemporal ||
                                  spec.type == sigma::CorrelationType::kTemporalOrdered;
            out.fields.emplace_back(temporal ? "rules" : spec.field, std::move(joined));
        }
        feed(out, sink, depth + 1);
    }
}

}  // namespace vigie::hunt
