// JsonLineFramer: events cut from a byte stream whatever the split points, bounded memory,
// oversized lines rejected with their offset.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/stream_framer.hpp"

namespace {

using vigie::watch::JsonLineFramer;

struct Collect : vigie::watch::FrameSink {
    std::vector<std::string> events;
    std::vector<std::pair<std::uint64_t, std::string>> rejects;
    void event(std::string_view text) override { events.emplace_back(text); }
    void reject(std::uint64_t offset, std::string_view reason) override {
        rejects.emplace_back(offset, reason);
    }
};

Collect frame(std::string_view stream, std::size_t chunk, std::size_t max = 64) {
    JsonLineFramer framer(max);
    Collect c;
    for (std::size_t i = 0; i < stream.size(); i += chunk) framer.feed(stream.substr(i, chunk), c);
    framer.finish(c);
    return c;
}

TEST(JsonLineFramer, SameEventsAtEverySplit) {
    const std::string stream = "{\"a\":1}\n\n{\"b\":2}\r\n   \n{\"c\":3}";
    for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
        const Collect c = frame(stream, chunk);
        ASSERT_EQ(c.events.size(), 3u) << "chunk " << chunk;
        EXPECT_EQ(c.events[0], "{\"a\":1}");
        EXPECT_EQ(c.events[1], "{\"b\":2}");  // CR removed
        EXPECT_EQ(c.events[2], "{\"c\":3}");  // last line without a newline
        EXPECT_TRUE(c.rejects.empty());
    }
}

TEST(JsonLineFramer, OversizedLinesAreRejectedAtTheirOffsetAndReadingGoesOn) {
    const std::string big(100, 'x');
    const std::string stream = "{\"a\":1}\n" + big + "\n{\"b\":2}\n" + big;
    for (std::size_t chunk : {1u, 3u, 7u, 64u, 1000u}) {
        const Collect c = frame(stream, chunk);
        ASSERT_EQ(c.events.size(), 2u) << "chunk " << chunk;
        EXPECT_EQ(c.events[1], "{\"b\":2}");
        ASSERT_EQ(c.rejects.size(), 2u) << "chunk " << chunk;
        EXPECT_EQ(c.rejects[0].first, 8u);
        EXPECT_EQ(c.rejects[1].first, 8u + 101u + 8u);
        EXPECT_NE(c.rejects[0].second.find("longer than 64"), std::string::npos);
    }
}

TEST(JsonLineFramer, ALineExactlyAtTheLimitIsKept) {
    const std::string line(64, 'y');
    const Collect c = frame(line + "\n" + line + "z\n", 5);
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0], line);
    EXPECT_EQ(c.rejects.size(), 1u);
}

TEST(JsonLineFramer, GigabytesWithoutANewlineDoNotGrowMemory) {
    JsonLineFramer framer(1024);
    Collect c;
    const std::string chunk(64 * 1024, 'g');
    for (int i = 0; i < 2000; ++i) framer.feed(chunk, c);  // 128 MiB, no newline
    framer.feed("\n{\"after\":1}\n", c);
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0], "{\"after\":1}");
    EXPECT_EQ(c.rejects.size(), 1u);
    EXPECT_EQ(c.rejects[0].first, 0u);
}

}  // namespace
