#include "watch/api_render.hpp"

#include <fmt/format.h>

#include "core/value.hpp"

namespace vigie::watch {
namespace {

// Prometheus label values: backslash, double quote and newline escaped.
std::string label(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

StatusSnapshot take_snapshot(const WatchEngine& engine, double uptime_seconds) {
    StatusSnapshot s;
    s.uptime_seconds = uptime_seconds;
    for (const auto& c : engine.inputs()) {
        InputSnapshot i;
        i.name = c->name;
        i.kind = c->kind;
        i.events_received = c->events_received;
        i.events_processed = c->events_processed;
        i.events_rejected = c->events_rejected;
        i.events_dropped = c->events_dropped;
        i.bytes_received = c->bytes_received;
        i.connections = c->connections;
        i.connections_open = c->connections_open;
        i.connections_refused = c->connections_refused;
        i.throttled = c->throttled;
        s.inputs.push_back(std::move(i));
    }
    s.engine = engine.status();
    const auto& filters = engine.rules().filters();
    for (std::size_t i = 0; i < filters.size(); ++i) {
        const sigma::FilterInfo& info = *filters[i].info;
        s.filters.push_back(
            {info.title, info.file, info.line,
             i < s.engine.filter_removals.size() ? s.engine.filter_removals[i] : 0});
    }
    const auto picture = engine.picture();
    s.hosts = picture->hosts.size();
    for (const auto& h : picture->hosts) s.emergencies += hunt::is_emergency(h.urgency) ? 1 : 0;
    return s;
}

std::string render_status_json(const StatusSnapshot& s) {
    std::uint64_t received = 0, processed = 0, rejected = 0, dropped = 0;
    for (const InputSnapshot& i : s.inputs) {
        received += i.events_received;
        processed += i.events_processed;
        rejected += i.events_rejected;
        dropped += i.events_dropped;
    }
    const EngineStatus& e = s.engine;
    std::string out = "{";
    fmt::format_to(std::back_inserter(out),
                   "\"uptime_seconds\":{:.1f},\"events_received\":{},\"events_processed\":{},"
                   "\"events_rejected\":{},\"events_dropped\":{},\"queue_batches\":{},"
                   "\"queue_bytes\":{},\"lag_ms\":{},\"detections\":{},\"detections_stored\":{},"
                   "\"duplicates\":{},\"late\":{},\"correlations\":{},"
                   "\"pending_correlation\":{},\"alerts\":{},\"commits\":{},"
                   "\"commit_failures\":{},\"unknown_rules\":{},\"hosts\":{},\"emergencies\":{},"
                   "\"watermark\":",
                   s.uptime_seconds, received, processed, rejected, dropped, e.queue_batches,
                   e.queue_bytes, e.lag_ms, e.detections, e.detections_stored, e.duplicates, e.late,
                   e.correlations, e.pending_correlation, e.alerts, e.commits, e.commit_failures,
                   e.unknown_rules, s.hosts, s.emergencies);
    core::append_json_string(out, e.watermark != 0 ? core::format_iso8601_micros(e.watermark) : "");
    out += ",\"filters\":[";
    bool first = true;
    for (const FilterSnapshot& f : s.filters) {
        if (!first) out += ',';
        first = false;
        out += "{\"title\":";
        core::append_json_string(out, f.title);
        out += ",\"file\":";
        core::append_json_string(out, f.file);
        fmt::format_to(std::back_inserter(out), ",\"line\":{},\"removed\":{}}}", f.line, f.removed);
    }
    out += "],\"inputs\":[";
    first = true;
    for (const InputSnapshot& i : s.inputs) {
        if (!first) out += ',';
        first = false;
        out += "{\"name\":";
        core::append_json_string(out, i.name);
        out += ",\"kind\":";
        core::append_json_string(out, i.kind);
        fmt::format_to(std::back_inserter(out),
                       ",\"events_received\":{},\"events_processed\":{},\"events_rejected\":{},"
                       "\"events_dropped\":{},\"bytes_received\":{},\"connections\":{},"
                       "\"connections_open\":{},\"connections_refused\":{},\"throttled\":{}}}",
                       i.events_received, i.events_processed, i.events_rejected, i.events_dropped,
                       i.bytes_received, i.connections, i.connections_open, i.connections_refused,
                       i.throttled);
    }
    out += "]}\n";
    return out;
}

std::string render_metrics(const StatusSnapshot& s) {
    std::string out;
    auto per_input = [&](std::string_view metric, std::string_view help, std::string_view type,
                         auto member) {
        fmt::format_to(std::back_inserter(out),
                       "# HELP vigie_watch_{} {}\n# TYPE vigie_watch_{} {}\n", metric, help, metric,
                       type);
        for (const InputSnapshot& i : s.inputs) {
            fmt::format_to(std::back_inserter(out),
                           "vigie_watch_{}{{input=\"{}\",kind=\"{}\"}} {}\n", metric, label(i.name),
                           label(i.kind), i.*member);
        }
    };
    per_input("events_received_total", "Event texts received.", "counter",
              &InputSnapshot::events_received);
    per_input("events_processed_total", "Events matched and committed.", "counter",
              &InputSnapshot::events_processed);
    per_input("events_rejected_total", "Pieces refused: malformed, oversized, cut.", "counter",
              &InputSnapshot::events_rejected);
    per_input("events_dropped_total", "Events received but not processed.", "counter",
              &InputSnapshot::events_dropped);
    per_input("bytes_received_total", "Bytes received.", "counter", &InputSnapshot::bytes_received);
    per_input("connections_total", "Connections accepted.", "counter", &InputSnapshot::connections);
    per_input("connections_open", "Connections open now.", "gauge",
              &InputSnapshot::connections_open);
    per_input("connections_refused_total", "Connections refused (too many).", "counter",
              &InputSnapshot::connections_refused);
    per_input("throttled_total", "Requests refused by a full pipeline.", "counter",
              &InputSnapshot::throttled);
    const EngineStatus& e = s.engine;
    auto one = [&](std::string_view metric, std::string_view help, std::string_view type,
                   auto value) {
        fmt::format_to(std::back_inserter(out),
                       "# HELP vigie_watch_{} {}\n# TYPE vigie_watch_{} {}\nvigie_watch_{} {}\n",
                       metric, help, metric, type, metric, value);
    };
    one("queue_batches", "Batches waiting to be matched.", "gauge", e.queue_batches);
    one("queue_bytes", "Bytes waiting to be matched.", "gauge", e.queue_bytes);
    one("lag_milliseconds", "Submission to commit of the last batch.", "gauge", e.lag_ms);
    one("detections_total", "New detections stored.", "counter", e.detections);
    one("duplicate_detections_total", "Detections seen before (resent events).", "counter",
        e.duplicates);
    one("late_detections_total", "Detections too late for the correlations.", "counter", e.late);
    one("alerts_total", "Alerts committed.", "counter", e.alerts);
    one("commit_failures_total", "Failed commits of the state.", "counter", e.commit_failures);
    one("hosts", "Hosts with detections.", "gauge", s.hosts);
    one("emergency_hosts", "Hosts in a pre-ransomware emergency.", "gauge", s.emergencies);
    return out;
}

}  // namespace vigie::watch
