#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/ordered_parallel.hpp"

TEST(OrderedParallel, ResultsArriveInOrderWhateverTheFinishingOrder) {
    std::vector<std::size_t> seen;
    std::atomic<int> in_flight{0}, max_in_flight{0};
    vigie::core::ordered_parallel<std::size_t>(
        200, 4, 8,
        [&](std::size_t i, unsigned) {
            const int now = ++in_flight;
            int prev = max_in_flight.load();
            while (now > prev && !max_in_flight.compare_exchange_weak(prev, now)) {
            }
            // Early tasks sleep longer, so later ones finish first.
            std::this_thread::sleep_for(std::chrono::microseconds((200 - i) % 7 * 50));
            --in_flight;
            return i;
        },
        [&](std::size_t i, std::size_t&& r) {
            EXPECT_EQ(i, r);
            seen.push_back(r);
        });
    ASSERT_EQ(seen.size(), 200u);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
    EXPECT_LE(max_in_flight.load(), 4);
}

TEST(OrderedParallel, SingleThreadRunsInline) {
    int sum = 0;
    vigie::core::ordered_parallel<int>(
        10, 1, 1, [](std::size_t i, unsigned worker) { return static_cast<int>(i + worker); },
        [&](std::size_t, int&& r) { sum += r; });
    EXPECT_EQ(sum, 45);
}
