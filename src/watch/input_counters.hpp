// watch/input_counters.hpp - what each input received, accepted and refused, for /api/status,
// /metrics and the logs. Counters are atomics written by the input's threads and the pipeline,
// read at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace vigie::watch {

struct InputCounters {
    std::string name;  ///< "json-tcp 127.0.0.1:6514", "bulk", "folder /var/log/wec"
    std::string kind;  ///< json-tcp, syslog, bulk, folder
    std::atomic<std::uint64_t> events_received{0};   ///< event texts cut from the input
    std::atomic<std::uint64_t> events_processed{0};  ///< matched and committed
    /// Refused: malformed (not JSON / XML, wrong shape), oversized, cut frames.
    std::atomic<std::uint64_t> events_rejected{0};
    /// Received but never processed: refused by a full pipeline (HTTP 429), lost with a
    /// failed commit, or cut off by a stop.
    std::atomic<std::uint64_t> events_dropped{0};
    std::atomic<std::uint64_t> bytes_received{0};
    std::atomic<std::uint64_t> connections{0};       ///< accepted so far
    std::atomic<std::uint64_t> connections_open{0};  ///< open now
    std::atomic<std::uint64_t> connections_refused{0};
    std::atomic<std::uint64_t> throttled{0};  ///< times the input waited for a full pipeline
};

}  // namespace vigie::watch
