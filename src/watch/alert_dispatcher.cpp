#include "watch/alert_dispatcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <httplib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace vigie::watch {
namespace {

constexpr std::size_t kAlertsPerRound = 500;
constexpr std::int64_t kAlertsKept = 100'000;

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

core::Result<std::unique_ptr<AlertDispatcher>> AlertDispatcher::open(
    const std::string& state_dir, AlertSinks sinks, std::function<void(std::string_view)> log) {
    auto reader = StateReader::open(state_dir);
    if (!reader) return reader.error();
    std::unique_ptr<AlertDispatcher> d(
        new AlertDispatcher(std::move(*reader), std::move(sinks), std::move(log)));
    auto seq = d->reader_.number("alerts_delivered", 0);
    if (!seq) return seq.error();
    d->last_seq_ = *seq;
    if (auto r = d->open_file(); !r) return r.error();
    if (d->sinks_.syslog) ::openlog("vigie-watch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    return d;
}

AlertDispatcher::~AlertDispatcher() {
    stop();
    if (fd_ >= 0) ::close(fd_);
}

core::Result<void> AlertDispatcher::open_file() {
    if (sinks_.file.empty()) return {};
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(sinks_.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        return core::Error{core::ErrorCode::kIo,
                           fmt::format("cannot open the alerts file: {}", std::strerror(errno)),
                           core::Location::in_file(sinks_.file)};
    }
    struct stat st {};
    ::fstat(fd_, &st);
    auto recorded = reader_.number("alerts_file_bytes", -1);
    if (!recorded) return recorded.error();
    auto inode = reader_.number("alerts_file_inode", 0);
    if (!inode) return inode.error();
    // Written but not recorded as delivered: cut back, those alerts are written again. (Another
    // inode: the file was rotated, and is appended to as it is.)
    if (*recorded >= 0 && st.st_size > *recorded &&
        static_cast<std::int64_t>(st.st_ino) == *inode) {
        if (::ftruncate(fd_, *recorded) != 0) {
            return core::Error{core::ErrorCode::kIo,
                               fmt::format("cannot cut the alerts file back to its last "
                                           "recorded size: {}",
                                           std::strerror(errno)),
                               core::Location::in_file(sinks_.file)};
        }
    }
    return {};
}

void AlertDispatcher::start() {
    thread_ = std::thread([this] { loop(); });
}

void AlertDispatcher::notify() {
    std::lock_guard lock(mutex_);
    pending_ = true;
    wake_.notify_one();
}

void AlertDispatcher::reopen() {
    std::lock_guard lock(mutex_);
    reopen_ = true;
    pending_ = true;
    wake_.notify_one();
}

void AlertDispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void AlertDispatcher::loop() {
    while (true) {
        bool stopping = false;
        bool reopen = false;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, std::chrono::seconds(1), [&] { return pending_ || stopping_; });
            pending_ = false;
            stopping = stopping_;
            reopen = reopen_;
            reopen_ = false;
        }
        if (reopen) {
            if (auto r = open_file(); !r && log_)
                log_(fmt::format("watch: {}", r.error().to_string()));
        }
        while (deliver_some()) {
        }
        if (stopping) return;
    }
}

// Delivers up to one round of alerts; true when there may be more.
bool AlertDispatcher::deliver_some() {
    std::vector<std::pair<std::int64_t, std::string>> alerts;
    auto read = reader_.alerts_after(last_seq_, kAlertsPerRound,
                                     [&](std::int64_t seq, std::string_view body) {
                                         alerts.emplace_back(seq, std::string(body));
                                     });
    if (!read) {
        if (log_) log_(fmt::format("watch: reading alerts: {}", read.error().to_string()));
        return false;
    }
    if (alerts.empty()) return false;
    if (fd_ >= 0) {
        std::string lines;
        for (const auto& [seq, body] : alerts) {
            lines += body;
            lines += '\n';
        }
        if (!write_all(fd_, lines) || ::fdatasync(fd_) != 0) {
            ++failures_;
            if (log_)
                log_(fmt::format("watch: cannot write {}: {}", sinks_.file, std::strerror(errno)));
            return false;  // retried at the next wake-up; nothing is recorded as delivered
        }
    }
    for (const auto& [seq, body] : alerts) {
        const bool host = body.starts_with("{\"type\":\"host\"");
        if (sinks_.syslog) {
            ::syslog(LOG_DAEMON | (host ? LOG_ALERT : LOG_WARNING), "%s", body.c_str());
        }
        if (!host && !sinks_.notify_detections) continue;
        if (!sinks_.command.empty() && !run_command(body)) ++failures_;
        if (!sinks_.webhook.empty() && !post_webhook(body)) ++failures_;
    }
    last_seq_ = alerts.back().first;
    delivered_count_ += alerts.size();
    auto record = [&]() -> core::Result<void> {
        if (auto r = reader_.set_number("alerts_delivered", last_seq_); !r) return r;
        // Delivered alerts stay a while for whoever reads the table, then go.
        if (auto r = reader_.prune_alerts(last_seq_ - kAlertsKept); !r) return r;
        if (fd_ >= 0) {
            struct stat st {};
            ::fstat(fd_, &st);
            if (auto r =
                    reader_.set_number("alerts_file_inode", static_cast<std::int64_t>(st.st_ino));
                !r)
                return r;
            return reader_.set_number("alerts_file_bytes", st.st_size);
        }
        return {};
    };
    if (auto r = record(); !r && log_) log_(fmt::format("watch: {}", r.error().to_string()));
    return alerts.size() == kAlertsPerRound;
}

bool AlertDispatcher::run_command(std::string_view json) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    // A process group of its own: what the command starts is killed with it at the deadline.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const char* argv[] = {"/bin/sh", "-c", sinks_.command.c_str(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attributes,
                                 const_cast<char* const*>(argv), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[0]);
    if (rc != 0) {
        ::close(pipe_fds[1]);
        if (log_) log_(fmt::format("watch: cannot run the alert command: {}", std::strerror(rc)));
        return false;
    }
    // A command that does not read its input must not block us: SIGPIPE is ignored by the
    // daemon, and a short write is only logged.
    std::string line(json);
    line += '\n';
    (void)write_all(pipe_fds[1], line);
    ::close(pipe_fds[1]);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(sinks_.timeout_ms);
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            if (log_) log_("watch: the alert command took too long and was killed");
            return false;
        }
        ::poll(nullptr, 0, 20);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (log_) log_(fmt::format("watch: the alert command failed (status {})", status));
        return false;
    }
    return true;
}

bool AlertDispatcher::post_webhook(std::string_view json) {
    // "http://host:port/path": the client takes the scheme, host and port; the rest is the path.
    const std::string& url = sinks_.webhook;
    const std::size_t scheme_end = url.find("://");
    const std::size_t path_start =
        scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    const std::string base = url.substr(0, path_start);
    const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(base);
    const auto timeout = std::chrono::milliseconds(sinks_.timeout_ms);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    auto result = client.Post(path, std::string(json), "application/json");
    if (!result || result->status < 200 || result->status >= 300) {
        if (log_) {
            log_(fmt::format("watch: webhook {} failed: {}", url,
                             result ? fmt::format("HTTP {}", result->status)
                                    : httplib::to_string(result.error())));
        }
        return false;
    }
    return true;
}

}  // namespace vigie::watch
