#include "guard/guard_loop.hpp"

#include <algorithm>
#include <vector>

#include "guard/replay_source.hpp"

namespace vigie::guard {

core::Result<void> run_guard(Engine& engine, EventSource& source, const std::atomic<bool>& stop,
                             std::chrono::milliseconds tick,
                             const std::function<void()>& housekeeping,
                             std::chrono::seconds housekeeping_every) {
    std::vector<FsEvent> batch;
    auto next_housekeeping = std::chrono::steady_clock::now() + housekeeping_every;
    // While opens are held, the loop wakes often enough to answer them at their limit.
    const auto held_tick = std::min(tick, std::chrono::milliseconds(20));
    while (!stop.load(std::memory_order_relaxed)) {
        batch.clear();
        if (auto read = source.read(batch, engine.holding() ? held_tick : tick); !read) {
            engine.release_held();
            return read;
        }
        engine.handle(batch);
        engine.tick();
        if (housekeeping && std::chrono::steady_clock::now() >= next_housekeeping) {
            housekeeping();
            next_housekeeping = std::chrono::steady_clock::now() + housekeeping_every;
        }
    }
    engine.release_held();  // no opener is left waiting for a guard that stopped
    return {};
}

void run_replay(Engine& engine, ReplaySource& source) {
    std::vector<FsEvent> batch;
    while (!source.done()) {
        batch.clear();
        (void)source.read(batch, std::chrono::milliseconds(0));
        // Nothing can come: every process left waits for a held open (the hold limit, at
        // once: a replay does not wait).
        if (batch.empty()) {
            if (!engine.holding()) break;  // a process waits for an open nobody holds
            engine.release_held();
        }
        engine.handle(batch);
    }
    engine.release_held();
}

}  // namespace vigie::guard
