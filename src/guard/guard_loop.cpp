#include "guard/guard_loop.hpp"

#include <vector>

#include "guard/replay_source.hpp"

namespace vigie::guard {

core::Result<void> run_guard(Engine& engine, EventSource& source, const std::atomic<bool>& stop,
                             std::chrono::milliseconds tick) {
    std::vector<FsEvent> batch;
    while (!stop.load(std::memory_order_relaxed)) {
        batch.clear();
        if (auto read = source.read(batch, tick); !read) return read;
        engine.handle(batch);
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
