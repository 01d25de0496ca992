#include "guard/guard_loop.hpp"

#include <vector>

#include "guard/replay_source.hpp"

namespace vigie::guard {

core::Result<void> run_guard(Engine& engine, EventSource& source, const std::atomic<bool>& stop,
                             std::chrono::milliseconds tick,
                             const std::function<void()>& housekeeping,
                             std::chrono::seconds housekeeping_every) {
    std::vector<FsEvent> batch;
    auto next_housekeeping = std::chrono::steady_clock::now() + housekeeping_every;
    while (!stop.load(std::memory_order_relaxed)) {
        batch.clear();
        if (auto read = source.read(batch, tick); !read) return read;
        engine.handle(batch);
        if (housekeeping && std::chrono::steady_clock::now() >= next_housekeeping) {
            housekeeping();
            next_housekeeping = std::chrono::steady_clock::now() + housekeeping_every;
        }
    }
    return {};
}

void run_replay(Engine& engine, ReplaySource& source) {
    std::vector<FsEvent> batch;
    while (!source.done()) {
        batch.clear();
        (void)source.read(batch, std::chrono::milliseconds(0));
        engine.handle(batch);
    }
}

}  // namespace vigie::guard
