// sigma/correlation.hpp - Sigma correlation rules: the model, the YAML form, and their windows.
//
// A correlation looks at the detections of other rules (base rules or correlations, by id or
// `name`) in time order, per group (the values of its `group-by` fields, through `aliases` when
// the rules name the field differently), over a sliding window of `timespan`:
//
//   event_count       number of detections in the window            condition: {gte: 10}
//   value_count       number of distinct values of `field`          condition: {field: User, gte:
//   5} temporal          every referenced rule seen in the window      (no condition: all of them)
//   temporal_ordered  ... and in the order they are listed
//   value_sum / value_avg   of the numeric `field`
//   value_percentile  share (in %) of the window's detections whose `field` equals this one's:
//                     {field: Image, lte: 1} fires on values seen in at most 1 % of the window
//
// Windows slide with each detection (not fixed buckets): a detection at t looks back to
// t - timespan, inclusive. A group fires at most once per window: its state restarts after it
// fires, so a burst gives one alert, not one per event. State per group is bounded by the
// detections inside one timespan (capped), and groups idle for a timespan are dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "sigma/rule.hpp"

namespace YAML {
class Node;
}

namespace vigie::sigma {

enum class CorrelationType : unsigned char {
    kEventCount,
    kValueCount,
    kTemporal,
    kTemporalOrdered,
    kValueSum,
    kValueAvg,
    kValuePercentile
};

const char* correlation_type_name(CorrelationType type) noexcept;

/// One bound of a correlation condition: `gte: 10` and so on; several are ANDed.
struct CorrelationBound {
    enum class Op : unsigned char { kGt, kGte, kLt, kLte, kEq, kNeq } op;
    double value;
    bool holds(double x) const noexcept;
};

struct CorrelationSpec {
    std::shared_ptr<const RuleInfo> info;
    CorrelationType type = CorrelationType::kEventCount;
    std::vector<std::string> rules;     ///< referenced rule ids or names, as written
    std::vector<std::string> group_by;  ///< field names or alias names
    /// alias -> (rule id or name -> field name in that rule's events)
    std::map<std::string, std::map<std::string, std::string>> aliases;
    core::FileTimeTicks timespan = 0;
    std::vector<CorrelationBound> condition;
    std::string field;  ///< value_count, value_sum, value_avg, value_percentile
    bool generate = false;

    /// The field to read for group-by entry `i` in events of referenced rule `rule`.
    std::string group_field(std::size_t i, const std::string& rule) const;
};

/// Parses "30s", "15m", "2h", "7d" into ticks.
std::optional<core::FileTimeTicks> parse_timespan(std::string_view text) noexcept;

/// Reads the `correlation` section of a rule document (`info` already filled from it). Errors
/// carry the YAML line.
core::Result<CorrelationSpec> parse_correlation(const YAML::Node& document,
                                                std::shared_ptr<const RuleInfo> info);

/// One detection as a correlation sees it.
struct CorrelationInput {
    core::FileTimeTicks time = 0;
    std::size_t rule = 0;  ///< index into CorrelationSpec::rules
    std::string group;     ///< the group-by values, joined (the caller builds it)
    std::string value;     ///< `field`'s value, for the value_* types
};

/// What a window held when its correlation fired: what an analyst needs to judge it.
struct CorrelationFiring {
    core::FileTimeTicks first = 0;  ///< time of the oldest detection in the window
    std::size_t detections = 0;     ///< detections in the window
    double measure = 0;             ///< the number the condition was checked on
    /// value_*: the distinct values of `field` (the first kMaxValues, in order of appearance);
    /// temporal types: the names of the rules seen.
    std::vector<std::string> values;
    static constexpr std::size_t kMaxValues = 16;
};

/// The sliding windows of one correlation rule. Feed detections in time order.
class CorrelationWindows {
  public:
    explicit CorrelationWindows(CorrelationSpec spec) : spec_(std::move(spec)) {}

    /// Set when the correlation fires with this detection (its window is then restarted).
    std::optional<CorrelationFiring> add(const CorrelationInput& in);
    std::size_t groups() const noexcept { return groups_.size(); }

    /// Detections kept per group at most (the oldest go first past it).
    static constexpr std::size_t kMaxPerGroup = 100000;

  private:
    struct Entry {
        core::FileTimeTicks time;
        std::size_t rule;
        std::string value;
    };
    struct Group {
        std::deque<Entry> entries;
        // temporal_ordered: latest start time of a partial sequence through step i.
        std::vector<std::optional<core::FileTimeTicks>> sequence;
        core::FileTimeTicks last = 0;
    };
    /// Whether the condition holds; `measure` receives the number it was checked on.
    bool evaluate(Group& g, const CorrelationInput& in, double& measure) const;
    CorrelationFiring describe(const Group& g, double measure) const;
    void expire(core::FileTimeTicks now);

    CorrelationSpec spec_;  // a copy: windows outlive the parse that made the spec
    std::unordered_map<std::string, Group> groups_;
    core::FileTimeTicks last_sweep_ = 0;
};

}  // namespace vigie::sigma
