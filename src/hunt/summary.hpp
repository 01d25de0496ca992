// hunt/summary.hpp - the hunt in numbers: what was read, what fired, what is not covered.
// (Hosts are summed up by the host picture: host_report.hpp's render_hosts_brief.)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hunt/detection.hpp"
#include "hunt/hunter.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::hunt {

class Summary {
  public:
    /// Counts one detection (in any order).
    void add(const Detection& d, const sigma::RuleSet& rules);

    /// The text summary. `elapsed_seconds` and `input_bytes` give the rates.
    std::string render(const HuntStats& stats, const sigma::RuleSet& rules, double elapsed_seconds,
                       std::uint64_t input_bytes, std::size_t skipped_inputs) const;

    std::uint64_t detections() const noexcept { return detections_; }

  private:
    std::uint64_t detections_ = 0;
    std::array<std::uint64_t, 5> by_level_{};
    std::map<std::uint32_t, std::uint64_t> by_rule_form_;
};

}  // namespace vigie::hunt
