// watch/tcp_listener.hpp - a TCP input (plain or TLS): JSON lines, or syslog frames carrying
// events, cut by a StreamFramer and submitted to the engine in batches.
//
//   watch::TcpListenerOptions o;  o.address = "0.0.0.0:6514";  o.kind = "json-tcp";
//   auto listener = watch::TcpListener::open(engine, o, [] { return make_framer(); }, log);
//   listener->start();   ...   listener->stop();
//
// One thread per connection, up to `max_connections`, and `max_connections_per_peer` from one
// address (more are accepted and closed at once, and counted): shippers keep a few long
// connections (a WEF collector, an NXLog or rsyslog relay), and a thread that waits on a slow
// or stalled peer holds up no one else. When the pipeline is full, submit() waits: the
// connection stops reading, the kernel's window closes and the sender slows down; nothing is
// dropped. A batch is submitted when full, when its first event has waited `batch_wait_ms`, or
// when the peer goes quiet for as long, so a trickle of events is not held back.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "watch/stream_framer.hpp"
#include "watch/tls_server.hpp"
#include "watch/watch_engine.hpp"

namespace vigie::watch {

struct TcpListenerOptions {
    std::string address;            ///< "HOST:PORT" (port 0: any free port, see port())
    std::string kind = "json-tcp";  ///< the input's kind in status and in detections' origin
    std::size_t max_connections = 256;
    std::size_t max_connections_per_peer = 32;  ///< from one address
    std::size_t batch_events = 512;
    int batch_wait_ms = 20;
    /// A connection that sends nothing for this long is closed (0: never).
    int idle_timeout_s = 0;
    TlsServerContext* tls = nullptr;
};

/// "127.0.0.1:6514" -> host and port; "[::1]:6514" for IPv6; ":6514" or "6514" for any.
core::Result<std::pair<std::string, std::uint16_t>> split_address(std::string_view address);

class TcpListener {
  public:
    using FramerFactory = std::function<std::unique_ptr<StreamFramer>()>;

    static core::Result<std::unique_ptr<TcpListener>> open(
        WatchEngine& engine, TcpListenerOptions options, FramerFactory framers,
        std::function<void(std::string_view)> log);
    ~TcpListener();

    std::uint16_t port() const noexcept { return port_; }
    std::uint32_t input() const noexcept { return input_; }
    void start();
    /// Stops accepting, ends every connection (submitting what each had read), joins.
    void stop();

  private:
    struct Connection {
        std::string peer;
        std::thread thread;
        std::atomic<bool> done{false};
    };
    TcpListener(WatchEngine& engine, TcpListenerOptions options, FramerFactory framers,
                std::function<void(std::string_view)> log)
        : engine_(engine),
          options_(std::move(options)),
          framers_(std::move(framers)),
          log_(std::move(log)) {}
    void accept_loop();
    void serve(int fd, std::string peer);
    void reap(bool all);

    WatchEngine& engine_;
    TcpListenerOptions options_;
    FramerFactory framers_;
    std::function<void(std::string_view)> log_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::uint32_t input_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex connections_mutex_;
    std::list<Connection> connections_;
};

}  // namespace vigie::watch
