// hunt/timeline_sorter.hpp - detections into time order, in bounded memory.
//
// Detections arrive in file order from many files; the timeline wants them by time. They are
// kept in memory up to a budget; past it, each full buffer is sorted and written to an unlinked
// temporary file (a "run"), and finish() merges the runs. Memory is the budget plus one
// detection per run, whatever the number of detections.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "core/result.hpp"
#include "hunt/detection.hpp"

namespace vigie::hunt {

class TimelineSorter {
  public:
    explicit TimelineSorter(std::size_t memory_budget_bytes = 64u << 20);
    ~TimelineSorter();
    TimelineSorter(const TimelineSorter&) = delete;
    TimelineSorter& operator=(const TimelineSorter&) = delete;

    core::Result<void> add(Detection&& d);
    /// Calls `sink` with every detection in timeline order; the sorter is empty afterwards.
    core::Result<void> finish(const std::function<void(const Detection&)>& sink);

    std::size_t runs() const noexcept { return runs_.size(); }
    std::uint64_t count() const noexcept { return count_; }

  private:
    core::Result<void> spill();

    std::size_t budget_;
    std::size_t buffered_bytes_ = 0;
    std::uint64_t count_ = 0;
    std::vector<Detection> buffer_;
    std::vector<std::FILE*> runs_;
};

}  // namespace vigie::hunt
