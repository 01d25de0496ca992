#include "sigma/correlation.hpp"

#include "sigma/yaml_reading.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace vigie::sigma {
namespace {

core::Error at(const YAML::Node& n, std::string message) {
    return core::fail(core::ErrorCode::kParse, std::move(message),
                      {{}, core::Location::kNone, {}, yaml_line(n)});
}

}  // namespace

const char* correlation_type_name(CorrelationType type) noexcept {
    switch (type) {
        case CorrelationType::kEventCount:
            return "event_count";
        case CorrelationType::kValueCount:
            return "value_count";
        case CorrelationType::kTemporal:
            return "temporal";
        case CorrelationType::kTemporalOrdered:
            return "temporal_ordered";
        case CorrelationType::kValueSum:
            return "value_sum";
        case CorrelationType::kValueAvg:
            return "value_avg";
        case CorrelationType::kValuePercentile:
            return "value_percentile";
    }
    return "?";
}

bool CorrelationBound::holds(double x) const noexcept {
    switch (op) {
        case Op::kGt:
            return x > value;
        case Op::kGte:
            return x >= value;
        case Op::kLt:
            return x < value;
        case Op::kLte:
            return x <= value;
        case Op::kEq:
            return x == value;
        case Op::kNeq:
            return x != value;
    }
    return false;
}

std::string CorrelationSpec::group_field(std::size_t i, const std::string& rule) const {
    const std::string& name = group_by[i];
    const auto alias = aliases.find(name);
    if (alias != aliases.end()) {
        const auto field = alias->second.find(rule);
        if (field != alias->second.end()) return field->second;
    }
    return name;
}

std::optional<core::FileTimeTicks> parse_timespan(std::string_view text) noexcept {
    if (text.size() < 2) return std::nullopt;
    std::uint64_t n = 0;
    const char* end = text.data() + text.size() - 1;
    auto [p, ec] = std::from_chars(text.data(), end, n);
    if (ec != std::errc() || p != end || n == 0) return std::nullopt;
    std::uint64_t seconds = 0;
    switch (text.back()) {
        case 's':
            seconds = 1;
            break;
        case 'm':
            seconds = 60;
            break;
        case 'h':
            seconds = 3600;
            break;
        case 'd':
            seconds = 86400;
            break;
        case 'w':
            seconds = 7 * 86400;
            break;
        default:
            return std::nullopt;
    }
    if (n > (std::uint64_t{1} << 40) / seconds) return std::nullopt;
    return n * seconds * core::kTicksPerSecond;
}

core::Result<CorrelationSpec> parse_correlation(const YAML::Node& document,
                                                std::shared_ptr<const RuleInfo> info) {
    const YAML::Node c = document["correlation"];
    if (!c || !c.IsMap()) return at(c ? c : document, "'correlation' must be a map");
    CorrelationSpec spec;
    spec.info = std::move(info);
    static const std::map<std::string, CorrelationType> kTypes = {
        {"event_count", CorrelationType::kEventCount},
        {"value_count", CorrelationType::kValueCount},
        {"temporal", CorrelationType::kTemporal},
        {"temporal_ordered", CorrelationType::kTemporalOrdered},
        {"value_sum", CorrelationType::kValueSum},
        {"value_avg", CorrelationType::kValueAvg},
        {"value_percentile", CorrelationType::kValuePercentile},
    };
    const YAML::Node type = c["type"];
    const auto t = type && type.IsScalar() ? kTypes.find(type.Scalar()) : kTypes.end();
    if (t == kTypes.end()) {
        return at(type ? type : c,
                  "correlation type must be one of event_count, value_count, "
                  "temporal, temporal_ordered, value_sum, value_avg, "
                  "value_percentile");
    }
    spec.type = t->second;
    spec.rules = yaml_strings(c["rules"]);
    if (spec.rules.empty()) return at(c, "a correlation needs 'rules'");
    spec.group_by = yaml_strings(c["group-by"]);
    const YAML::Node timespan = c["timespan"];
    const auto ticks =
        timespan && timespan.IsScalar() ? parse_timespan(timespan.Scalar()) : std::nullopt;
    if (!ticks)
        return at(timespan ? timespan : c,
                  "'timespan' must be a number and s, m, h or d (e.g. 15m)");
    spec.timespan = *ticks;
    if (const YAML::Node generate = c["generate"]; generate && generate.IsScalar()) {
        spec.generate = generate.Scalar() == "true";
    }
    if (const YAML::Node aliases = c["aliases"]; aliases) {
        if (!aliases.IsMap()) return at(aliases, "'aliases' must map alias names to rule fields");
        for (const auto& alias : aliases) {
            if (!alias.second.IsMap())
                return at(alias.second, "an alias maps rule names to fields");
            for (const auto& entry : alias.second) {
                spec.aliases[alias.first.Scalar()][entry.first.Scalar()] = entry.second.Scalar();
            }
        }
    }
    const YAML::Node condition = c["condition"];
    const bool temporal =
        spec.type == CorrelationType::kTemporal || spec.type == CorrelationType::kTemporalOrdered;
    if (!condition && !temporal) return at(c, "this correlation type needs a 'condition'");
    if (condition) {
        if (!condition.IsMap()) return at(condition, "'condition' must be a map such as {gte: 10}");
        static const std::map<std::string, CorrelationBound::Op> kOps = {
            {"gt", CorrelationBound::Op::kGt}, {"gte", CorrelationBound::Op::kGte},
            {"lt", CorrelationBound::Op::kLt}, {"lte", CorrelationBound::Op::kLte},
            {"eq", CorrelationBound::Op::kEq}, {"neq", CorrelationBound::Op::kNeq},
        };
        for (const auto& kv : condition) {
            const std::string key = kv.first.Scalar();
            if (key == "field") {
                spec.field = kv.second.Scalar();
                continue;
            }
            const auto op = kOps.find(key);
            double value = 0;
            const std::string text = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (op == kOps.end() || ec != std::errc() || p != text.data() + text.size()) {
                return at(kv.first,
                          "condition '" + key + "': use gt, gte, lt, lte, eq or neq with a number");
            }
            spec.condition.push_back({op->second, value});
        }
        if (spec.condition.empty()) return at(condition, "'condition' has no comparison");
    }
    const bool needs_field =
        spec.type == CorrelationType::kValueCount || spec.type == CorrelationType::kValueSum ||
        spec.type == CorrelationType::kValueAvg || spec.type == CorrelationType::kValuePercentile;
    if (needs_field && spec.field.empty()) {
        return at(condition, std::string(correlation_type_name(spec.type)) +
                                 " needs 'field' in its condition");
    }
    return spec;
}

// ---- windows -----------------------------------------------------------------------------

void CorrelationWindows::expire(core::FileTimeTicks now) {
    // Drop groups idle for longer than the timespan, at most once per timespan.
    if (now < last_sweep_ + spec_.timespan) return;
    last_sweep_ = now;
    for (auto it = groups_.begin(); it != groups_.end();) {
        it = it->second.last + spec_.timespan < now ? groups_.erase(it) : std::next(it);
    }
}

std::optional<CorrelationFiring> CorrelationWindows::add(const CorrelationInput& in) {
    expire(in.time);
    Group& g = groups_[in.group];
    g.last = in.time;
    // Slide: keep what lies within [time - timespan, time].
    const core::FileTimeTicks from = in.time >= spec_.timespan ? in.time - spec_.timespan : 0;
    while (!g.entries.empty() && g.entries.front().time < from) g.entries.pop_front();
    g.entries.push_back({in.time, in.rule, in.value});
    if (g.entries.size() > kMaxPerGroup) g.entries.pop_front();
    double measure = 0;
    if (!evaluate(g, in, measure)) return std::nullopt;
    CorrelationFiring firing = describe(g, measure);
    g.entries.clear();
    g.sequence.clear();
    return firing;
}

CorrelationFiring CorrelationWindows::describe(const Group& g, double measure) const {
    CorrelationFiring f;
    f.first = g.entries.empty() ? 0 : g.entries.front().time;
    f.detections = g.entries.size();
    f.measure = measure;
    const bool temporal =
        spec_.type == CorrelationType::kTemporal || spec_.type == CorrelationType::kTemporalOrdered;
    if (temporal) {
        // The rules seen, in the order the correlation lists them.
        std::set<std::size_t> seen;
        for (const Entry& e : g.entries) seen.insert(e.rule);
        for (const std::size_t r : seen) {
            if (f.values.size() < CorrelationFiring::kMaxValues) f.values.push_back(spec_.rules[r]);
        }
        return f;
    }
    std::set<std::string_view> seen;
    for (const Entry& e : g.entries) {
        if (f.values.size() >= CorrelationFiring::kMaxValues) break;
        if (!e.value.empty() && seen.insert(e.value).second) f.values.push_back(e.value);
    }
    return f;
}

bool CorrelationWindows::evaluate(Group& g, const CorrelationInput& in, double& measure) const {
    auto holds = [&](double x) {
        measure = x;
        for (const CorrelationBound& b : spec_.condition) {
            if (!b.holds(x)) return false;
        }
        return true;
    };
    auto number = [](const std::string& s) -> std::optional<double> {
        double d = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
        return d;
    };
    switch (spec_.type) {
        case CorrelationType::kEventCount:
            return holds(static_cast<double>(g.entries.size()));
        case CorrelationType::kValueCount: {
            std::set<std::string_view> values;
            for (const Entry& e : g.entries) {
                if (!e.value.empty()) values.insert(e.value);
            }
            return holds(static_cast<double>(values.size()));
        }
        case CorrelationType::kTemporal: {
            std::set<std::size_t> rules;
            for (const Entry& e : g.entries) rules.insert(e.rule);
            if (!spec_.condition.empty()) return holds(static_cast<double>(rules.size()));
            measure = static_cast<double>(rules.size());
            return rules.size() == spec_.rules.size();
        }
        case CorrelationType::kTemporalOrdered: {
            // sequence[i]: latest start time of a chain that has seen rules 0..i in order.
            const std::size_t steps = spec_.rules.size();
            if (g.sequence.size() != steps) g.sequence.assign(steps, std::nullopt);
            const core::FileTimeTicks from =
                in.time >= spec_.timespan ? in.time - spec_.timespan : 0;
            for (auto& s : g.sequence) {
                if (s && *s < from) s.reset();  // the chain started too long ago
            }
            const std::size_t i = in.rule;
            if (i >= steps) return false;
            if (i == 0) {
                g.sequence[0] = in.time;
            } else if (g.sequence[i - 1]) {
                if (!g.sequence[i] || *g.sequence[i] < *g.sequence[i - 1]) {
                    g.sequence[i] = g.sequence[i - 1];
                }
            }
            measure = static_cast<double>(steps);
            return g.sequence[steps - 1].has_value();
        }
        case CorrelationType::kValueSum:
        case CorrelationType::kValueAvg: {
            double sum = 0;
            std::size_t n = 0;
            for (const Entry& e : g.entries) {
                if (auto d = number(e.value)) {
                    sum += *d;
                    ++n;
                }
            }
            if (n == 0) return false;
            return holds(spec_.type == CorrelationType::kValueSum ? sum
                                                                  : sum / static_cast<double>(n));
        }
        case CorrelationType::kValuePercentile: {
            if (in.value.empty()) return false;
            std::size_t same = 0;
            for (const Entry& e : g.entries) same += e.value == in.value;
            return holds(100.0 * static_cast<double>(same) / static_cast<double>(g.entries.size()));
        }
    }
    return false;
}

}  // namespace vigie::sigma
