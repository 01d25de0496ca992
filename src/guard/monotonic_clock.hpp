// guard/monotonic_clock.hpp - the clock the guard's events and answers are timed with.
#pragma once

#include <time.h>

#include <cstdint>

namespace vigie::guard {

/// CLOCK_MONOTONIC in nanoseconds: the time sources stamp on events (FsEvent::time_ns).
inline std::int64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

}  // namespace vigie::guard
