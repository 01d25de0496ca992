// The timeline sorter: time order, stable ties, and spilling to disk under a small budget.
#include <gtest/gtest.h>

#include <random>

#include "hunt/timeline_sorter.hpp"

namespace {

vigie::hunt::Detection make(std::uint64_t t, std::uint32_t file, std::uint64_t order) {
    vigie::hunt::Detection d;
    d.timestamp = t;
    d.file = file;
    d.order = order;
    d.rule = static_cast<std::uint32_t>(order % 7);
    d.computer = "HOST-" + std::to_string(t % 13);
    d.channel = "Security";
    d.event_id = 4624;
    d.fields = {{"TargetUserName", "user" + std::to_string(order)}, {"IpAddress", "10.0.0.1"}};
    return d;
}

std::vector<vigie::hunt::Detection> run_sorter(std::size_t budget, std::size_t n,
                                               std::size_t* runs) {
    vigie::hunt::TimelineSorter sorter(budget);
    std::mt19937_64 rng(42);
    for (std::size_t i = 0; i < n; ++i) {
        EXPECT_TRUE(sorter.add(make(rng() % 1000, static_cast<std::uint32_t>(i % 3), i)));
    }
    *runs = sorter.runs();
    std::vector<vigie::hunt::Detection> out;
    EXPECT_TRUE(sorter.finish([&](const vigie::hunt::Detection& d) { out.push_back(d); }));
    return out;
}

}  // namespace

TEST(TimelineSorter, InMemoryIsSortedByTimeThenFileThenOrder) {
    std::size_t runs = 0;
    const auto out = run_sorter(64u << 20, 5000, &runs);
    EXPECT_EQ(runs, 0u);
    ASSERT_EQ(out.size(), 5000u);
    EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
}

TEST(TimelineSorter, SpillsToRunsAndMergesIdentically) {
    std::size_t runs_memory = 0, runs_disk = 0;
    const auto memory = run_sorter(64u << 20, 20000, &runs_memory);
    const auto disk = run_sorter(64u << 10, 20000, &runs_disk);  // 64 KiB: many runs
    EXPECT_GT(runs_disk, 10u);
    ASSERT_EQ(disk.size(), memory.size());
    for (std::size_t i = 0; i < disk.size(); ++i) {
        ASSERT_EQ(disk[i].timestamp, memory[i].timestamp) << i;
        ASSERT_EQ(disk[i].order, memory[i].order) << i;
        ASSERT_EQ(disk[i].computer, memory[i].computer) << i;
        ASSERT_EQ(disk[i].fields, memory[i].fields) << i;
    }
}
