// watch/rate_limited_log.hpp - at most N log lines a minute from one source of trouble, then a
// count of what was left out: a peer sending garbage must not flood the daemon's log.
//
//   watch::RateLimitedLog log(sink, 20, "rejected events");
//   log.write(fmt::format(...));   // thread-safe
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace vigie::watch {

class RateLimitedLog {
  public:
    using Sink = std::function<void(std::string_view)>;

    /// `what`: how the count of left-out lines is named ("rejected events").
    RateLimitedLog(Sink sink, std::uint64_t per_minute, std::string what)
        : sink_(std::move(sink)), per_minute_(per_minute), what_(std::move(what)) {}

    bool enabled() const noexcept { return static_cast<bool>(sink_); }

    void write(std::string_view line) {
        if (!sink_) return;
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (now - window_ >= std::chrono::minutes(1)) {
            if (suppressed_ > 0) {
                sink_(fmt::format("watch: {} more {} not logged in the last minute", suppressed_,
                                  what_));
            }
            window_ = now;
            written_ = 0;
            suppressed_ = 0;
        }
        if (written_ >= per_minute_) {
            ++suppressed_;
            return;
        }
        ++written_;
        sink_(line);
    }

  private:
    Sink sink_;
    std::uint64_t per_minute_;
    std::string what_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point window_ = std::chrono::steady_clock::now();
    std::uint64_t written_ = 0;
    std::uint64_t suppressed_ = 0;
};

}  // namespace vigie::watch
