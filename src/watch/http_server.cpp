#include "watch/http_server.hpp"

#include <httplib.h>
#include <openssl/crypto.h>

#include <fmt/format.h>

#include "core/time.hpp"
#include "hunt/host_report.hpp"
#include "hunt/writers.hpp"
#include "watch/api_render.hpp"
#include "watch/state_store.hpp"
#include "watch/tcp_listener.hpp"

namespace vigie::watch {
namespace {

constexpr std::size_t kMaxDetectionsPerRequest = 10'000;

void json_error(httplib::Response& res, int status, std::string_view reason) {
    std::string body = "{\"error\":";
    core::append_json_string(body, reason);
    body += "}\n";
    res.status = status;
    res.set_content(body, "application/json");
}

bool token_matches(const httplib::Request& req, const std::string& token) {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!std::string_view(header).starts_with(kBearer)) return false;
    const std::string_view given = std::string_view(header).substr(kBearer.size());
    return given.size() == token.size() &&
           CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

HttpServer::HttpServer(WatchEngine& engine, HttpServerOptions options,
                       std::function<void(std::string_view)> log)
    : engine_(engine), options_(std::move(options)), log_(std::move(log)) {}

core::Result<std::unique_ptr<HttpServer>> HttpServer::open(
    WatchEngine& engine, HttpServerOptions options, std::function<void(std::string_view)> log) {
    auto split = split_address(options.address);
    if (!split) return split.error();
    if (!is_loopback_host(split->first) && options.token.empty()) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("the HTTP server on {} is not on loopback: give a bearer "
                                      "token (--token-file)",
                                      options.address));
    }
    std::unique_ptr<HttpServer> server(new HttpServer(engine, std::move(options), std::move(log)));
    HttpServerOptions& o = server->options_;
    if (!o.tls_cert.empty() || !o.tls_key.empty()) {
        auto ssl = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
        if (!ssl->is_valid()) {
            return core::fail(
                core::ErrorCode::kInvalidArgument,
                fmt::format("cannot use the TLS certificate {} and key {}", o.tls_cert, o.tls_key));
        }
        server->server_ = std::move(ssl);
    } else {
        server->server_ = std::make_unique<httplib::Server>();
    }
    httplib::Server& svr = *server->server_;
    const unsigned threads = o.threads;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_payload_max_length(o.max_body_bytes);
    svr.set_read_timeout(std::chrono::seconds(30));
    svr.set_write_timeout(std::chrono::seconds(30));
    svr.set_keep_alive_timeout(60);
    svr.set_keep_alive_max_count(10'000);
    int port = split->second;
    if (port == 0) {
        port = svr.bind_to_any_port(split->first);
        if (port < 0) port = 0;
    } else if (!svr.bind_to_port(split->first, port)) {
        port = 0;
    }
    if (port == 0) {
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("cannot listen on {} (HTTP)", o.address));
    }
    server->port_ = static_cast<std::uint16_t>(port);
    server->bulk_input_ =
        engine.register_input(fmt::format("bulk {}:{}", split->first, port), "bulk");
    server->add_routes();
    return server;
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void HttpServer::stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

void HttpServer::add_routes() {
    httplib::Server& svr = *server_;
    const std::string token = options_.token;
    svr.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Cache-Control", "no-store");
        if (!token.empty() && !token_matches(req, token)) {
            res.set_header("WWW-Authenticate", "Bearer");
            json_error(res, 401, "a bearer token is required");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                 std::exception_ptr) { json_error(res, 500, "internal error"); });

    svr.Get("/api/status", [this](const httplib::Request&, httplib::Response& res) {
        const double uptime =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        res.set_content(render_status_json(take_snapshot(engine_, uptime)), "application/json");
    });
    svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        const double uptime =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        res.set_content(render_metrics(take_snapshot(engine_, uptime)),
                        "text/plain; version=0.0.4");
    });
    svr.Get("/api/hosts", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(hunt::render_hosts_jsonl(*engine_.picture()), "application/x-ndjson");
    });
    svr.Get("/api/detections", [this](const httplib::Request& req, httplib::Response& res) {
        core::FileTimeTicks since = 0;
        if (req.has_param("since")) {
            const auto t = core::parse_iso8601(req.get_param_value("since"));
            if (!t) return json_error(res, 400, "since: not a time (use 2019-11-15T20:00:00Z)");
            since = *t;
        }
        std::size_t limit = 1000;
        if (req.has_param("limit")) {
            const std::string text = req.get_param_value("limit");
            if (text.empty() || text.size() > 6 ||
                text.find_first_not_of("0123456789") != std::string::npos) {
                return json_error(res, 400, "limit: not a number");
            }
            limit = std::min<std::size_t>(std::stoul(text), kMaxDetectionsPerRequest);
        }
        auto reader = StateReader::open(engine_.options().state_dir);
        if (!reader) return json_error(res, 500, reader.error().message);
        std::string body;
        const sigma::RuleSet& rules = engine_.rules();
        auto r = reader->detections_since(since, limit, [&](StoredDetection&& s) {
            const auto rule = engine_.rule_keys().find(s.rule_key);
            // What was alerted: not the building blocks kept only for the correlations.
            if (!rule || !rules.shown(*rule) ||
                rules.rule_info(*rule).level < engine_.options().min_level)
                return;
            hunt::Detection d;
            d.timestamp = s.timestamp;
            d.record_id = s.record_id;
            d.event_id = s.event_id;
            d.rule = *rule;
            d.computer = std::move(s.computer);
            d.channel = std::move(s.channel);
            d.fields = std::move(s.fields);
            hunt::append_detection_json(body, d, rules, s.origin, "\"type\":\"detection\",");
            body += '\n';
        });
        if (!r) return json_error(res, 500, r.error().message);
        res.set_content(body, "application/x-ndjson");
    });
}

}  // namespace vigie::watch
