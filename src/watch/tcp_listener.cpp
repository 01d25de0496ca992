#include "watch/tcp_listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigie::watch {
namespace {

constexpr std::size_t kReadBytes = 64 * 1024;
constexpr std::size_t kBatchBytes = 1 << 20;
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);

std::string peer_address(const sockaddr_storage& ss) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    } else if (ss.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            ::inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
        } else {
            ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        }
    }
    return text;
}

// Collects a connection's events into batches for the engine.
class BatchingSink final : public FrameSink {
  public:
    BatchingSink(WatchEngine& engine, std::uint32_t input, std::uint32_t origin,
                 std::size_t batch_events, std::string peer,
                 const std::function<void(std::string_view)>& log)
        : engine_(engine),
          counters_(engine.counters(input)),
          input_(input),
          origin_(origin),
          batch_events_(batch_events),
          peer_(std::move(peer)),
          log_(log) {
        batch_.input = input_;
        batch_.origin = origin_;
    }

    void event(std::string_view text) override {
        ++counters_.events_received;
        if (batch_.items.empty()) first_event_ = std::chrono::steady_clock::now();
        batch_.add(text);
        if (batch_.items.size() >= batch_events_ || batch_.bytes.size() >= kBatchBytes) flush();
    }

    void reject(std::uint64_t offset, std::string_view reason) override {
        ++counters_.events_rejected;
        // Bounded: a peer sending garbage gets a few lines, then a count at the end.
        if (log_ && logged_ < 5) {
            log_(fmt::format("watch: {} from {}: rejected at byte {}: {}", counters_.name, peer_,
                             offset, reason));
        }
        ++logged_;
    }

    /// Submits the partial batch; false when the engine is stopping.
    bool flush() {
        if (batch_.items.empty()) return true;
        const std::size_t n = batch_.items.size();
        if (!engine_.submit(std::move(batch_))) {
            counters_.events_dropped += n;
            batch_ = EventBatch{};
            return false;
        }
        batch_ = EventBatch{};
        batch_.input = input_;
        batch_.origin = origin_;
        return true;
    }

    /// Submits the batch if its first event waited `age` or more: a steady trickle of events
    /// is not held back until the batch is full.
    bool flush_if_older(std::chrono::milliseconds age) {
        if (batch_.items.empty() || std::chrono::steady_clock::now() - first_event_ < age)
            return true;
        return flush();
    }

    std::uint64_t rejects() const noexcept { return logged_; }

  private:
    WatchEngine& engine_;
    InputCounters& counters_;
    std::uint32_t input_;
    std::uint32_t origin_;
    std::size_t batch_events_;
    std::string peer_;
    const std::function<void(std::string_view)>& log_;
    EventBatch batch_;
    std::chrono::steady_clock::time_point first_event_;
    std::uint64_t logged_ = 0;
};

}  // namespace

core::Result<std::pair<std::string, std::uint16_t>> split_address(std::string_view address) {
    std::string host;
    std::string_view port_text = address;
    if (address.starts_with('[')) {
        const std::size_t close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() ||
            address[close + 1] != ':') {
            return core::fail(core::ErrorCode::kInvalidArgument,
                              fmt::format("'{}' is not HOST:PORT", address));
        }
        host = std::string(address.substr(1, close - 1));
        port_text = address.substr(close + 2);
    } else if (const std::size_t colon = address.rfind(':'); colon != std::string_view::npos) {
        host = std::string(address.substr(0, colon));
        port_text = address.substr(colon + 1);
    }
    unsigned port = 0;
    if (port_text.empty() || port_text.size() > 5) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("'{}' is not HOST:PORT", address));
    }
    for (const char c : port_text) {
        if (c < '0' || c > '9') {
            return core::fail(core::ErrorCode::kInvalidArgument,
                              fmt::format("'{}' is not HOST:PORT", address));
        }
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port > 65535) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("port {} is out of range", port));
    }
    if (host.empty()) host = "0.0.0.0";
    return std::pair{host, static_cast<std::uint16_t>(port)};
}

core::Result<std::unique_ptr<TcpListener>> TcpListener::open(
    WatchEngine& engine, TcpListenerOptions options, FramerFactory framers,
    std::function<void(std::string_view)> log) {
    auto split = split_address(options.address);
    if (!split) return split.error();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port_text = std::to_string(split->second);
    if (const int rc = ::getaddrinfo(split->first.c_str(), port_text.c_str(), &hints, &found);
        rc != 0) {
        return core::fail(
            core::ErrorCode::kInvalidArgument,
            fmt::format("cannot listen on {}: {}", options.address, ::gai_strerror(rc)));
    }
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool bound =
        fd >= 0 && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 128) == 0;
    const int bind_errno = errno;
    ::freeaddrinfo(found);
    if (!bound) {
        if (fd >= 0) ::close(fd);
        return core::fail(
            core::ErrorCode::kIo,
            fmt::format("cannot listen on {}: {}", options.address, std::strerror(bind_errno)));
    }
    sockaddr_storage bound_addr{};
    socklen_t length = sizeof bound_addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound_addr), &length);
    std::unique_ptr<TcpListener> listener(
        new TcpListener(engine, std::move(options), std::move(framers), std::move(log)));
    listener->listen_fd_ = fd;
    listener->port_ = ntohs(bound_addr.ss_family == AF_INET6
                                ? reinterpret_cast<sockaddr_in6*>(&bound_addr)->sin6_port
                                : reinterpret_cast<sockaddr_in*>(&bound_addr)->sin_port);
    const std::string name =
        fmt::format("{} {}:{}", listener->options_.kind, split->first, listener->port_);
    listener->input_ = engine.register_input(name, listener->options_.kind);
    return listener;
}

TcpListener::~TcpListener() {
    stop();
}

void TcpListener::start() {
    acceptor_ = std::thread([this] { accept_loop(); });
}

void TcpListener::stop() {
    if (stopping_.exchange(true)) return;
    if (acceptor_.joinable()) acceptor_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    reap(true);
}

void TcpListener::reap(bool all) {
    std::lock_guard lock(connections_mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (all || it->done) {
            it->thread.join();
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

void TcpListener::accept_loop() {
    InputCounters& counters = engine_.counters(input_);
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) {
            reap(false);
            continue;
        }
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length,
                                 SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) continue;
        reap(false);
        std::lock_guard lock(connections_mutex_);
        std::string address = peer_address(peer);
        std::size_t from_peer = 0;
        for (const Connection& open : connections_) from_peer += !open.done && open.peer == address;
        // One machine (a compromised one, say) cannot take every slot: shippers need a few.
        if (connections_.size() >= options_.max_connections ||
            from_peer >= options_.max_connections_per_peer) {
            ++counters.connections_refused;
            if (log_ && counters.connections_refused % 100 == 1) {
                log_(
                    fmt::format("watch: {}: connection from {} refused ({} open from it, {} in "
                                "all); {} refused so far",
                                counters.name, address, from_peer, connections_.size(),
                                counters.connections_refused.load()));
            }
            ::close(fd);
            continue;
        }
        ++counters.connections;
        Connection& c = connections_.emplace_back();
        c.peer = address;
        c.thread = std::thread([this, fd, address = std::move(address), &c] {
            serve(fd, address);
            c.done = true;
        });
    }
}

void TcpListener::serve(int fd, std::string peer) {
    InputCounters& counters = engine_.counters(input_);
    ++counters.connections_open;
    std::unique_ptr<TlsSession> tls;
    if (options_.tls != nullptr) {
        auto session = options_.tls->accept(fd, kTlsHandshakeTimeout);
        if (!session) {
            if (log_)
                log_(fmt::format("watch: {} from {}: {}", counters.name, peer,
                                 session.error().message));
            --counters.connections_open;
            ::close(fd);
            return;
        }
        tls = std::move(*session);
    }
    const std::uint32_t origin = engine_.intern_origin(fmt::format("{}://{}", options_.kind, peer));
    BatchingSink sink(engine_, input_, origin, options_.batch_events, peer, log_);
    std::unique_ptr<StreamFramer> framer = framers_();
    std::string buffer(kReadBytes, '\0');
    auto last_data = std::chrono::steady_clock::now();
    bool open = true;
    while (open && !stopping_) {
        if (!(tls && tls->pending())) {
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, options_.batch_wait_ms);
            if (ready <= 0) {
                if (!sink.flush()) break;
                if (options_.idle_timeout_s > 0 &&
                    std::chrono::steady_clock::now() - last_data >
                        std::chrono::seconds(options_.idle_timeout_s)) {
                    break;
                }
                continue;
            }
        }
        long n;
        if (tls) {
            n = tls->read(buffer.data(), buffer.size());
            if (n == -2) continue;
        } else {
            n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        }
        if (n <= 0) {
            open = false;
            break;
        }
        last_data = std::chrono::steady_clock::now();
        counters.bytes_received += static_cast<std::uint64_t>(n);
        framer->feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), sink);
        if (!sink.flush_if_older(std::chrono::milliseconds(options_.batch_wait_ms))) break;
        if (framer->broken()) {
            if (log_)
                log_(fmt::format("watch: {} from {}: framing lost, connection closed",
                                 counters.name, peer));
            break;
        }
    }
    if (!open) framer->finish(sink);
    sink.flush();
    if (log_ && sink.rejects() > 5) {
        log_(fmt::format("watch: {} from {}: {} pieces rejected on this connection in all",
                         counters.name, peer, sink.rejects()));
    }
    tls.reset();
    ::close(fd);
    --counters.connections_open;
}

}  // namespace vigie::watch
