// watch/api_render.hpp - the daemon's state as the API shows it: /api/status JSON and
// /metrics in the Prometheus text format. Pure functions of a snapshot, tested alone.
#pragma once

#include <string>
#include <vector>

#include "watch/input_counters.hpp"
#include "watch/watch_engine.hpp"

namespace vigie::watch {

struct InputSnapshot {
    std::string name;
    std::string kind;
    std::uint64_t events_received = 0;
    std::uint64_t events_processed = 0;
    std::uint64_t events_rejected = 0;
    std::uint64_t events_dropped = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t connections = 0;
    std::uint64_t connections_open = 0;
    std::uint64_t connections_refused = 0;
    std::uint64_t throttled = 0;
};

struct FilterSnapshot {
    std::string title;
    std::string file;
    std::uint32_t line = 0;
    std::uint64_t removed = 0;  ///< detections removed since start
};

struct StatusSnapshot {
    double uptime_seconds = 0;
    std::vector<InputSnapshot> inputs;
    std::vector<FilterSnapshot> filters;  ///< the Sigma filters loaded
    EngineStatus engine;
    std::size_t hosts = 0;
    std::size_t emergencies = 0;
};

StatusSnapshot take_snapshot(const WatchEngine& engine, double uptime_seconds);
std::string render_status_json(const StatusSnapshot& s);
std::string render_metrics(const StatusSnapshot& s);

}  // namespace vigie::watch
