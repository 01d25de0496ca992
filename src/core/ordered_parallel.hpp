// core/ordered_parallel.hpp - run numbered tasks on several threads, consume results in order.
//
//   ordered_parallel<std::string>(n, threads, window,
//       [&](std::size_t i, unsigned worker) { return produce(i, worker); },   // any thread
//       [&](std::size_t i, std::string&& r) { write(r); });                    // calling thread
//
// At most `window` results are in flight, so memory stays bounded however many tasks there
// are. With threads <= 1 everything runs on the calling thread. `worker` (0..threads-1) lets a
// task use per-thread scratch state.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace vigie::core {

template <typename R, typename Produce, typename Consume>
void ordered_parallel(std::size_t count, unsigned threads, std::size_t window, Produce&& produce,
                      Consume&& consume) {
    if (threads <= 1 || count <= 1) {
        for (std::size_t i = 0; i < count; ++i) consume(i, produce(i, 0u));
        return;
    }
    window = std::max<std::size_t>(window, threads);
    std::vector<std::optional<R>> slots(window);
    std::mutex mutex;
    std::condition_variable ready;  // a result landed in a slot
    std::condition_variable space;  // the consumer freed a slot
    std::size_t next_task = 0;      // next index to hand out
    std::size_t next_consume = 0;   // next index the consumer waits for

    auto worker = [&](unsigned id) {
        for (;;) {
            std::size_t i;
            {
                std::unique_lock lock(mutex);
                space.wait(lock,
                           [&] { return next_task >= count || next_task < next_consume + window; });
                if (next_task >= count) return;
                i = next_task++;
            }
            R result = produce(i, id);
            {
                std::lock_guard lock(mutex);
                slots[i % window].emplace(std::move(result));
            }
            ready.notify_all();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (std::size_t i = 0; i < count; ++i) {
        R result;
        {
            std::unique_lock lock(mutex);
            ready.wait(lock, [&] { return slots[i % window].has_value(); });
            result = std::move(*slots[i % window]);
            slots[i % window].reset();
            ++next_consume;
        }
        space.notify_all();
        consume(i, std::move(result));
    }
    for (auto& t : pool) t.join();
}

}  // namespace vigie::core
