// watch/http_server.hpp - the HTTP side of `vigie watch` (cpp-httplib, plain or TLS): the
// Elasticsearch `_bulk` input that Winlogbeat can send to, and the API.
//
//   GET  /api/status          counters per input and in total, queue, lag (JSON)
//   GET  /api/hosts           the host picture, as `vigie hunt --hosts --format jsonl`
//   GET  /api/detections?since=2019-11-15T00:00:00Z&limit=1000   stored detections (JSON lines)
//   GET  /metrics             the same counters for Prometheus
//   POST /_bulk, /{index}/_bulk   events in (see watch/bulk_input.hpp)
//   GET  /, GET /_license     what a Beat asks before sending
//
// Loopback by default. On any other address a bearer token is required (`--token-file`):
// every request must carry `Authorization: Bearer TOKEN` (Beats: `headers:` or `api_key`
// settings) or it is answered 401. Request bodies are read through a bounded reader, after
// decompression, so neither a large body nor a gzip bomb can grow memory past the limit.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "watch/bulk_request.hpp"
#include "watch/watch_engine.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace vigie::watch {

class AlertDispatcher;

struct HttpServerOptions {
    std::string address = "127.0.0.1:9280";
    std::string tls_cert;  ///< PEM; with tls_key, the server speaks HTTPS
    std::string tls_key;
    std::string token;  ///< required when not empty
    std::size_t max_body_bytes = std::size_t{100} << 20;
    std::size_t max_bulk_items = 100'000;
    unsigned threads = 16;
    /// How long a `_bulk` request waits for room in a full pipeline before answering 429.
    int bulk_wait_ms = 2000;
    /// How long it waits for its events to be committed before answering 503.
    int bulk_commit_timeout_ms = 30000;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

class HttpServer {
  public:
    static core::Result<std::unique_ptr<HttpServer>> open(
        WatchEngine& engine, HttpServerOptions options, std::function<void(std::string_view)> log);
    ~HttpServer();

    std::uint16_t port() const noexcept { return port_; }
    void start();
    void stop();

  private:
    HttpServer(WatchEngine& engine, HttpServerOptions options,
               std::function<void(std::string_view)> log);
    void add_routes();
    void handle_bulk(const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& content);

    WatchEngine& engine_;
    HttpServerOptions options_;
    std::function<void(std::string_view)> log_;
    std::unique_ptr<httplib::Server> server_;
    std::uint16_t port_ = 0;
    std::uint32_t bulk_input_ = 0;
    std::mutex ids_mutex_;  // the generator counts: one request at a time
    BulkIdGenerator ids_{
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())};
    std::thread thread_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace vigie::watch
