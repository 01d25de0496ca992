#include "app/watch_command.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>

#include <fmt/format.h>

#include "app/rule_loading.hpp"
#include "core/value.hpp"
#include "watch/alert_dispatcher.hpp"
#include "watch/folder_follower.hpp"
#include "watch/http_server.hpp"
#include "watch/stream_framer.hpp"
#include "watch/tcp_listener.hpp"
#include "watch/tls_server.hpp"
#include "watch/watch_engine.hpp"

namespace vigie::app {
namespace {

std::mutex log_mutex;

void log_line(std::string_view line) {
    std::lock_guard lock(log_mutex);
    fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
}

template <typename T>
void take(const YAML::Node& doc, const char* key, T& slot, const T& unset) {
    if (doc[key] && slot == unset) slot = doc[key].as<T>();
}

void take_list(const YAML::Node& doc, const char* key, std::vector<std::string>& slot) {
    if (!doc[key] || !slot.empty()) return;
    if (doc[key].IsSequence()) {
        for (const auto& item : doc[key]) slot.push_back(item.as<std::string>());
    } else {
        slot.push_back(doc[key].as<std::string>());
    }
}

// Keys of the YAML file, where the command line left an option unset.
bool apply_config(WatchCommandOptions& o) {
    try {
        const YAML::Node doc = YAML::LoadFile(o.config);
        const WatchCommandOptions defaults;
        take_list(doc, "rules", o.rules);
        take_list(doc, "filters", o.filters);
        take(doc, "placeholders", o.placeholders, defaults.placeholders);
        take(doc, "state", o.state, defaults.state);
        take_list(doc, "listen_json", o.listen_json);
        take_list(doc, "listen_syslog", o.listen_syslog);
        take(doc, "listen_http", o.listen_http, defaults.listen_http);
        take_list(doc, "follow", o.follow);
        take(doc, "alerts", o.alerts, defaults.alerts);
        take(doc, "syslog", o.syslog, defaults.syslog);
        take(doc, "on_alert", o.on_alert, defaults.on_alert);
        take(doc, "webhook", o.webhook, defaults.webhook);
        take(doc, "notify_detections", o.notify_detections, defaults.notify_detections);
        take(doc, "tls_cert", o.tls_cert, defaults.tls_cert);
        take(doc, "tls_key", o.tls_key, defaults.tls_key);
        take(doc, "token_file", o.token_file, defaults.token_file);
        take(doc, "min_level", o.min_level, defaults.min_level);
        take(doc, "host_alert_min", o.host_alert_min, defaults.host_alert_min);
        take(doc, "lateness_seconds", o.lateness_seconds, defaults.lateness_seconds);
        take(doc, "threads", o.threads, defaults.threads);
        take(doc, "synchronous", o.synchronous, defaults.synchronous);
        take(doc, "max_line_bytes", o.max_line_bytes, defaults.max_line_bytes);
    } catch (const YAML::Exception& e) {
        fmt::print(stderr, "vigie: {}: {}\n", o.config, e.what());
        return false;
    }
    return true;
}

std::optional<hunt::Urgency> parse_urgency(std::string_view name) {
    if (name == "suspicious") return hunt::Urgency::kSuspicious;
    if (name == "compromised") return hunt::Urgency::kCompromised;
    if (name == "emergency" || name == "spreading") return hunt::Urgency::kSpreading;
    if (name == "none") return hunt::Urgency::kImpact;  // with host_alerts off, below
    return std::nullopt;
}

std::optional<std::string> read_token(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) return std::nullopt;
    return token;
}

bool write_ready_file(const std::string& path, std::string_view content) {
    const std::string temporary = path + ".tmp";
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    if (f == nullptr) return false;
    const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    std::fclose(f);
    return ok && std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace

int run_watch_command(WatchCommandOptions o) {
    if (!o.config.empty() && !apply_config(o)) return 2;
    if (o.state.empty()) {
        fmt::print(stderr,
                   "vigie: watch needs --state DIR (where detections and positions are kept)\n");
        return 2;
    }
    const auto min_level = sigma::parse_level(o.min_level);
    if (!min_level) {
        fmt::print(stderr, "vigie: unknown level '{}'\n", o.min_level);
        return 2;
    }
    const auto host_alert_min = parse_urgency(o.host_alert_min);
    if (!host_alert_min) {
        fmt::print(stderr,
                   "vigie: unknown urgency '{}' (suspicious, compromised, emergency or none)\n",
                   o.host_alert_min);
        return 2;
    }
    if (o.synchronous != "normal" && o.synchronous != "full") {
        fmt::print(stderr, "vigie: --synchronous is normal or full\n");
        return 2;
    }
    if (o.listen_json.empty() && o.listen_syslog.empty() && o.follow.empty() &&
        o.listen_http == "none") {
        fmt::print(stderr,
                   "vigie: watch needs an input (--listen-json, --listen-syslog, "
                   "--listen-http or --follow)\n");
        return 2;
    }
    std::string token;
    if (!o.token_file.empty()) {
        auto t = read_token(o.token_file);
        if (!t) {
            fmt::print(stderr, "vigie: cannot read a token from {}\n", o.token_file);
            return 2;
        }
        token = *t;
    }

    // Every thread started from here on inherits this mask: the signals wait for sigwait().
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    const auto loaded = load_hunting_rules(o.rules, o.filters, o.placeholders);
    if (!loaded) return 2;
    const sigma::RuleSet& rules = *loaded->rules;

    watch::WatchOptions engine_options;
    engine_options.state_dir = o.state;
    engine_options.synchronous = o.synchronous == "full" ? "FULL" : "NORMAL";
    engine_options.match_threads = o.threads;
    engine_options.min_level = *min_level;
    engine_options.lateness_seconds = o.lateness_seconds;
    engine_options.idle_release_ms = o.idle_release_ms;
    engine_options.host_alert_min = *host_alert_min;
    engine_options.host_alerts = o.host_alert_min != "none";
    engine_options.log = log_line;
    auto engine = watch::WatchEngine::open(rules, engine_options);
    if (!engine) {
        fmt::print(stderr, "vigie: {}\n", engine.error().to_string());
        return 2;
    }

    watch::AlertSinks sinks;
    sinks.file = o.alerts;
    sinks.syslog = o.syslog;
    sinks.command = o.on_alert;
    sinks.webhook = o.webhook;
    sinks.notify_detections = o.notify_detections;
    auto alerts = watch::AlertDispatcher::open(o.state, sinks, log_line);
    if (!alerts) {
        fmt::print(stderr, "vigie: {}\n", alerts.error().to_string());
        return 2;
    }
    (*engine)->set_alert_listener([&dispatcher = **alerts] { dispatcher.notify(); });

    std::unique_ptr<watch::TlsServerContext> tls;
    if (!o.tls_cert.empty() || !o.tls_key.empty()) {
        auto context = watch::TlsServerContext::open(o.tls_cert, o.tls_key);
        if (!context) {
            fmt::print(stderr, "vigie: {}\n", context.error().to_string());
            return 2;
        }
        tls = std::move(*context);
    }

    std::vector<std::unique_ptr<watch::TcpListener>> listeners;
    std::string ready = fmt::format("{{\"pid\":{},\"json\":[", ::getpid());
    auto add_listener = [&](const std::string& address, std::string kind,
                            watch::TcpListener::FramerFactory framers) -> bool {
        watch::TcpListenerOptions lo;
        lo.address = address;
        lo.kind = std::move(kind);
        lo.tls = tls.get();
        auto listener = watch::TcpListener::open(**engine, lo, std::move(framers), log_line);
        if (!listener) {
            fmt::print(stderr, "vigie: {}\n", listener.error().to_string());
            return false;
        }
        listeners.push_back(std::move(*listener));
        return true;
    };
    const std::size_t max_line = o.max_line_bytes;
    bool first = true;
    for (const std::string& address : o.listen_json) {
        if (!add_listener(address, "json-tcp",
                          [max_line] { return std::make_unique<watch::JsonLineFramer>(max_line); }))
            return 2;
        ready += fmt::format("{}{}", first ? "" : ",", listeners.back()->port());
        first = false;
    }
    ready += "],\"syslog\":[";
    first = true;
    for (const std::string& address : o.listen_syslog) {
        if (!add_listener(address, "syslog", [max_line] {
                return std::make_unique<watch::SyslogStreamFramer>(max_line);
            }))
            return 2;
        ready += fmt::format("{}{}", first ? "" : ",", listeners.back()->port());
        first = false;
    }
    ready += "]";

    std::unique_ptr<watch::HttpServer> http;
    if (o.listen_http != "none") {
        watch::HttpServerOptions ho;
        ho.address = o.listen_http;
        ho.tls_cert = o.tls_cert;
        ho.tls_key = o.tls_key;
        ho.token = token;
        auto server = watch::HttpServer::open(**engine, ho, log_line);
        if (!server) {
            fmt::print(stderr, "vigie: {}\n", server.error().to_string());
            return 2;
        }
        http = std::move(*server);
        ready += fmt::format(",\"http\":{}", http->port());
    }
    std::vector<std::unique_ptr<watch::FolderFollower>> followers;
    for (const std::string& folder : o.follow) {
        watch::FolderFollowerOptions fo;
        fo.folder = folder;
        fo.max_event_bytes = o.max_line_bytes;
        auto follower = watch::FolderFollower::open(**engine, fo, log_line);
        if (!follower) {
            fmt::print(stderr, "vigie: {}\n", follower.error().to_string());
            return 2;
        }
        followers.push_back(std::move(*follower));
    }
    ready += fmt::format(",\"folders\":{}", followers.size());
    ready += "}\n";

    (*engine)->start();
    (*alerts)->start();
    for (auto& l : listeners) l->start();
    for (auto& f : followers) f->start();
    if (http) http->start();
    log_line(fmt::format("vigie watch: {} rules, state in {}, {} TCP inputs, {} folders{}",
                         rules.rules().size(), o.state, listeners.size(), followers.size(),
                         http ? fmt::format(", HTTP on port {}", http->port()) : ""));
    if (!o.ready_file.empty() && !write_ready_file(o.ready_file, ready)) {
        fmt::print(stderr, "vigie: cannot write {}\n", o.ready_file);
    }

    while (true) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) continue;
        if (signal == SIGHUP) {
            (*alerts)->reopen();
            continue;
        }
        break;
    }
    log_line("vigie watch: stopping");
    // Inputs first (nothing new comes in), then the pipeline drains and commits, then the
    // alerts committed so far are delivered.
    for (auto& l : listeners) l->stop();
    for (auto& f : followers) f->stop();
    if (http) http->stop();
    (*engine)->stop();
    (*alerts)->stop();
    const watch::EngineStatus s = (*engine)->status();
    log_line(fmt::format("vigie watch: stopped; {} detections stored, {} alerts delivered",
                         s.detections_stored, (*alerts)->delivered()));
    return 0;
}

}  // namespace vigie::app
