// hunt/hunter.hpp - reading every input, matching every event against the rules.
//
//   hunt::HuntOptions options;                      // threads, time range, minimum level
//   auto stats = hunt::run_hunt(rules, inputs, options,
//                               [&](hunt::Detection&& d) { timeline.add(std::move(d)); });
//
// Small files are spread over the threads one file per task; a large EVTX file is split by
// chunks over all threads. Detections reach the callback on the calling thread, in input order
// (file by file, record by record); the timeline puts them in time order afterwards.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "hunt/detection.hpp"
#include "hunt/event_matcher.hpp"
#include "hunt/input_files.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::hunt {

struct HuntOptions {
    unsigned threads = 0;                     ///< 0: one per core
    bool recover = false;                     ///< EVTX: also records in slack space
    std::optional<core::FileTimeTicks> from;  ///< ignore events before
    std::optional<core::FileTimeTicks> to;    ///< ignore events after
    /// Detections below it are dropped, except those of rules that correlations read (they
    /// are needed whatever their level: filter again after hunt::Correlator).
    sigma::Level min_level = sigma::Level::kInformational;
    std::string json_format = "auto";  ///< JSON inputs: auto, evtx-json, ecs, flat
    /// Bytes of input done so far, updated as files and chunks complete (for progress bars).
    std::atomic<std::uint64_t>* progress_bytes = nullptr;
};

struct FileReport {
    std::string path;
    std::uint64_t events = 0;
    std::uint64_t detections = 0;
    std::uint64_t chunks_skipped = 0;   ///< EVTX chunks that could not be read
    std::uint64_t records_failed = 0;   ///< EVTX records that could not be parsed
    std::uint64_t objects_skipped = 0;  ///< JSON objects malformed or too large
    std::uint64_t checksum_failures = 0;
    std::uint64_t records_partial = 0;  ///< EVTX records kept with BinXML constructs skipped
    /// What those constructs were, in words, with their counts.
    std::vector<std::pair<std::string, std::uint64_t>> constructs_skipped;
    std::optional<core::Error> error;   ///< the file could not be read at all
    std::vector<std::string> problems;  ///< first problems met inside the file
};

struct HuntStats {
    std::vector<FileReport> files;
    std::uint64_t events = 0;
    std::uint64_t events_outside_range = 0;
    std::uint64_t detections = 0;
    std::uint64_t rule_evaluations = 0;
    EventTypeCounts event_types;
    /// Per Sigma filter (RuleSet::filters()): the detections it removed.
    std::vector<std::uint64_t> filter_removals;
};

HuntStats run_hunt(const sigma::RuleSet& rules, const std::vector<InputFile>& inputs,
                   const HuntOptions& options,
                   const std::function<void(Detection&&)>& on_detection);

}  // namespace vigie::hunt
