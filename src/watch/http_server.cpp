#include "watch/http_server.hpp"

#include <httplib.h>
#include <openssl/crypto.h>

#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "core/time.hpp"
#include "hunt/host_report.hpp"
#include "hunt/writers.hpp"
#include "watch/api_render.hpp"
#include "watch/bulk_request.hpp"
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

void es_answer(httplib::Response& res, int status, std::string body) {
    res.status = status;
    res.set_content(std::move(body), "application/json");
}

// What a batch's commit says, handed from the commit thread to the request's thread. Shared:
// a request that gave up waiting returns while the batch may still be committed.
struct CommitWait {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    BatchOutcome outcome;
};

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
    svr.set_read_timeout(std::chrono::seconds(10));
    svr.set_write_timeout(std::chrono::seconds(30));
    // An idle keep-alive connection holds one of the pool's threads: keep them short, so that
    // idle or slow clients cannot take the whole pool for long.
    svr.set_keep_alive_timeout(5);
    svr.set_keep_alive_max_count(1000);
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
        // Clients of the bulk API check it; harmless elsewhere.
        res.set_header("X-Elastic-Product", "Elasticsearch");
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

    // What a Beat asks before sending (bulk_request.hpp says what it reads).
    svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
        es_answer(res, 200, render_root_info());
    });
    svr.Get("/_license", [](const httplib::Request&, httplib::Response& res) {
        es_answer(res, 200, render_license());
    });
    auto bulk = [this](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& content) { handle_bulk(req, res, content); };
    svr.Post("/_bulk", bulk);
    svr.Post(R"(/[^/]+/_bulk)", bulk);
}

// POST /_bulk: the events are one batch; the answer waits until it is committed, so that a
// Beat whose request got no answer (daemon killed, disk full) sends it again. A full pipeline
// answers 429 after bulk_wait_ms: Beats back off and retry.
void HttpServer::handle_bulk(const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& content) {
    const auto started = std::chrono::steady_clock::now();
    InputCounters& counters = engine_.counters(bulk_input_);
    ++counters.connections;
    std::string body;
    bool too_large = false;
    content([&](const char* data, std::size_t size) {
        // Counted after decompression: a gzip bomb stops at the limit.
        if (body.size() + size > options_.max_body_bytes) {
            too_large = true;
            return false;
        }
        body.append(data, size);
        return true;
    });
    counters.bytes_received += body.size();
    if (too_large) {
        ++counters.events_rejected;
        return es_answer(res, 413,
                         render_request_error(413, fmt::format("request body over {} bytes",
                                                               options_.max_body_bytes)));
    }
    BulkLimits limits;
    limits.max_items = options_.max_bulk_items;
    auto request = parse_bulk_body(body, limits);
    if (!request) {
        ++counters.events_rejected;
        const int status = request.error().code == core::ErrorCode::kLimitExceeded ? 413 : 400;
        if (log_) {
            log_(fmt::format("watch: {} from {}: request refused: {}", counters.name,
                             req.remote_addr, request.error().message));
        }
        return es_answer(res, status, render_request_error(status, request.error().message));
    }
    std::vector<ItemOutcome> outcomes = default_outcomes(*request);
    EventBatch batch;
    batch.input = bulk_input_;
    batch.origin = engine_.intern_origin("bulk://" + req.remote_addr);
    std::vector<std::size_t> item_of;  // batch item -> request item
    for (std::size_t i = 0; i < request->items.size(); ++i) {
        if (outcomes[i].kind != ItemOutcome::Kind::kCreated) {
            ++counters.events_rejected;
            continue;
        }
        batch.add(request->items[i].source);
        item_of.push_back(i);
    }
    counters.events_received += item_of.size();
    if (!item_of.empty()) {
        auto wait = std::make_shared<CommitWait>();
        batch.on_committed = [wait](const BatchOutcome& outcome) {
            std::lock_guard lock(wait->mutex);
            wait->outcome = outcome;
            wait->done = true;
            wait->done_cv.notify_all();
        };
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.bulk_wait_ms);
        if (!engine_.submit(std::move(batch), deadline)) {
            ++counters.throttled;
            return es_answer(res, 429,
                             render_request_error(429, "vigie's pipeline is full, retry later"));
        }
        std::unique_lock lock(wait->mutex);
        if (!wait->done_cv.wait_for(lock,
                                    std::chrono::milliseconds(options_.bulk_commit_timeout_ms),
                                    [&] { return wait->done; })) {
            return es_answer(res, 503,
                             render_request_error(503, "the events were not committed in time"));
        }
        if (!wait->outcome.committed) {
            return es_answer(res, 503, render_request_error(503, "the events could not be stored"));
        }
        for (const std::uint32_t k : wait->outcome.rejected) {
            outcomes[item_of[k]] = ItemOutcome::invalid("not a Windows event in a known shape");
        }
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    std::string answer;
    {
        std::lock_guard lock(ids_mutex_);
        answer = render_bulk_response(*request, outcomes, static_cast<std::uint64_t>(took.count()),
                                      ids_);
    }
    es_answer(res, 200, std::move(answer));
}

}  // namespace vigie::watch
