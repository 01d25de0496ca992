// guard/guard_loop.hpp - the daemon's loop: read a batch, let the engine handle it, again,
// until asked to stop.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "core/result.hpp"
#include "guard/engine.hpp"
#include "guard/event_source.hpp"

namespace vigie::guard {

/// Runs until `stop` is set (checked at least every `tick`) or the source fails. When given,
/// `housekeeping` runs between batches once every `housekeeping_every` (journal expiry).
core::Result<void> run_guard(Engine& engine, EventSource& source, const std::atomic<bool>& stop,
                             std::chrono::milliseconds tick = std::chrono::milliseconds(200),
                             const std::function<void()>& housekeeping = {},
                             std::chrono::seconds housekeeping_every = std::chrono::seconds(600));

class ReplaySource;
/// Feeds a replayed stream to the engine until its end.
void run_replay(Engine& engine, ReplaySource& source);

}  // namespace vigie::guard
