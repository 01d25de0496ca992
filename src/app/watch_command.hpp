// app/watch_command.hpp - `vigie watch`: the live daemon (inputs, rules, state, alerts, API).
#pragma once

#include <string>
#include <vector>

namespace vigie::app {

struct WatchCommandOptions {
    std::vector<std::string> rules;    ///< empty: the built-in pack
    std::vector<std::string> filters;  ///< folders or files of Sigma filters only
    std::string placeholders;
    std::string state;  ///< --state DIR (required)
    std::vector<std::string> listen_json;
    std::vector<std::string> listen_syslog;
    std::string listen_http = "127.0.0.1:9280";  ///< "none": no HTTP server
    std::vector<std::string> follow;
    std::string alerts;
    bool syslog = false;
    std::string on_alert;
    std::string webhook;
    bool notify_detections = false;  ///< the command and webhook also get detections
    std::string tls_cert;
    std::string tls_key;
    std::string token_file;
    std::string config;
    std::string min_level = "informational";
    std::string host_alert_min = "compromised";
    std::int64_t lateness_seconds = 300;
    int idle_release_ms = 5000;
    unsigned threads = 0;
    std::string synchronous = "normal";
    std::string ready_file;  ///< written once every input listens: pid and ports, JSON
    std::size_t max_line_bytes = std::size_t{1} << 20;
};

/// Runs until SIGINT or SIGTERM (SIGHUP reopens the alerts file). Exit status: 0 stopped
/// cleanly, 2 error.
int run_watch_command(WatchCommandOptions options);

}  // namespace vigie::app
