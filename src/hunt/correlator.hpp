// hunt/correlator.hpp - Sigma correlation rules over the timeline.
//
//   hunt::Correlator correlator(rules);
//   timeline.finish([&](const Detection& d) { correlator.add(d, show); });
//
// Detections arrive in time order (the timeline merges every file and host), so each
// correlation's sliding windows see them as they happened. A detection is passed on when its
// rule is shown (not only read by correlations), followed by the correlation detections it
// completes, chained correlations included. Memory is bounded by the detections inside one
// timespan per group (sigma::CorrelationWindows), whatever the size of the input.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hunt/detection.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::hunt {

/// A field of a detection by name: Computer, Channel and EventID from the detection itself,
/// others from its key fields (ASCII case ignored). Empty when absent.
std::string_view detection_field(const Detection& d, std::string_view name, std::string& scratch);

/// The fields a rule form's detections must carry for the correlations that read them
/// (group-by fields through aliases, and the counted field).
std::vector<std::string> correlation_field_names(const sigma::RuleSet& rules, std::uint32_t rule);

class Correlator {
  public:
    using Sink = std::function<void(Detection&&)>;
    explicit Correlator(const sigma::RuleSet& rules);

    /// Feeds one detection, in timeline order.
    void add(const Detection& d, const Sink& sink);
    /// Correlation detections made so far.
    std::uint64_t fired() const noexcept { return fired_; }

  private:
    void feed(const Detection& d, const Sink& sink, int depth);

    const sigma::RuleSet& rules_;
    std::vector<sigma::CorrelationWindows> windows_;  // per correlation
    std::string scratch_;
    std::string group_;
    std::uint64_t fired_ = 0;
};

}  // namespace vigie::hunt
