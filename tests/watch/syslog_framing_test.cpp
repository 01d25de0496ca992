// Syslog over TCP (RFC 6587): both framings, detected frame by frame, whatever the split points
// of the reads; oversized frames skipped at a bounded cost; malformed counts end the stream.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "watch/syslog_framing.hpp"

namespace {

using vigie::watch::SyslogFrame;
using vigie::watch::SyslogFrameOptions;
using vigie::watch::SyslogFrameReader;
using vigie::watch::SyslogFraming;
using Kind = SyslogFrame::Kind;
using namespace std::string_literals;

struct Seen {
    Kind kind;
    SyslogFraming framing;
    std::string message;
    std::uint64_t offset;
    std::uint64_t length;
    bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
    return os << "{kind " << int(s.kind) << ", framing " << int(s.framing) << ", \"" << s.message
              << "\", offset " << s.offset << ", length " << s.length << "}";
}

struct FeedResult {
    std::vector<Seen> frames;
    vigie::watch::SyslogFrameStats stats;
    std::size_t max_capacity = 0;
};

// Feeds `stream` cut at `cuts` (increasing offsets), then finishes. Every frame's view is read
// again after the whole feed was drained, to check it is still valid until the next feed.
FeedResult feed_cut(std::string_view stream, const std::vector<std::size_t>& cuts,
                    SyslogFrameOptions options = {}) {
    FeedResult run;
    SyslogFrameReader reader(options);
    std::size_t start = 0;
    auto drain = [&] {
        std::vector<std::pair<std::string_view, std::string>> views;
        SyslogFrame f;
        while (reader.next(f)) {
            run.frames.push_back({f.kind, f.framing, std::string(f.message), f.offset, f.length});
            views.emplace_back(f.message, std::string(f.message));
        }
        for (const auto& [view, copy] : views)
            EXPECT_EQ(view, copy) << "a frame changed before the next feed";
        run.max_capacity = std::max(run.max_capacity, reader.buffered_capacity());
    };
    // A copy per chunk that is overwritten after being drained, as a reused read buffer is.
    std::string chunk;
    for (std::size_t cut : cuts) {
        chunk.assign(stream.substr(start, cut - start));
        reader.feed(chunk);
        drain();
        chunk.assign(chunk.size(), '#');
        start = cut;
    }
    chunk.assign(stream.substr(start));
    reader.feed(chunk);
    drain();
    chunk.assign(chunk.size(), '#');
    reader.finish();
    drain();
    run.stats = reader.stats();
    return run;
}

FeedResult feed_whole(std::string_view stream, SyslogFrameOptions options = {}) {
    return feed_cut(stream, {}, options);
}

// The same frames for every single split point, byte by byte, and random chunks.
void expect_split_invariant(std::string_view stream, SyslogFrameOptions options = {}) {
    const FeedResult whole = feed_whole(stream, options);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        SCOPED_TRACE("split at " + std::to_string(cut));
        EXPECT_EQ(feed_cut(stream, {cut}, options).frames, whole.frames);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    EXPECT_EQ(feed_cut(stream, every, options).frames, whole.frames) << "byte by byte";
    std::mt19937 rng(42);
    for (int round = 0; round < 50; ++round) {
        std::vector<std::size_t> cuts;
        std::size_t at = 0;
        while (true) {
            at += std::uniform_int_distribution<std::size_t>(1, 17)(rng);
            if (at >= stream.size()) break;
            cuts.push_back(at);
        }
        EXPECT_EQ(feed_cut(stream, cuts, options).frames, whole.frames)
            << "random chunks " << round;
    }
}

constexpr auto kLine = SyslogFraming::kNonTransparent;
constexpr auto kCounted = SyslogFraming::kOctetCounted;

}  // namespace

TEST(SyslogFraming, LineFramesWithLfCrLfAndNul) {
    const std::string stream = "<13>a\n<13>bb\r\nccc\0dd\n\0e\r\n\0"s;
    const FeedResult r = feed_whole(stream);
    ASSERT_EQ(r.frames.size(), 5u);
    EXPECT_EQ(r.frames[0], (Seen{Kind::kMessage, kLine, "<13>a", 0, 6}));
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kLine, "<13>bb", 6, 8}));
    EXPECT_EQ(r.frames[2], (Seen{Kind::kMessage, kLine, "ccc", 14, 4}));
    EXPECT_EQ(r.frames[3], (Seen{Kind::kMessage, kLine, "dd", 18, 3}));
    EXPECT_EQ(r.frames[4], (Seen{Kind::kMessage, kLine, "e", 22, 3}));
    EXPECT_EQ(r.stats.messages, 5u);
    EXPECT_EQ(r.stats.bytes, stream.size());
    expect_split_invariant(stream);
}

TEST(SyslogFraming, OctetCountedFramesKeepTheirBytesExactly) {
    // RSYSLOG_SyslogProtocol23Format ends with LF, inside the count.
    const std::string m1 = "<13>1 2019-11-15T20:01:02.123456+01:00 dc01 app - - - hello\n";
    const std::string m2 = "<13>1 - - - - - - line\nwith LF inside";
    const std::string stream =
        std::to_string(m1.size()) + " " + m1 + std::to_string(m2.size()) + " " + m2;
    const FeedResult r = feed_whole(stream);
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[0], (Seen{Kind::kMessage, kCounted, m1, 0, m1.size() + 3}));
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kCounted, m2, m1.size() + 3, m2.size() + 3}));
    expect_split_invariant(stream);
}

TEST(SyslogFraming, FramingIsDetectedPerFrame) {
    const std::string stream = "5 hello<14>line one\n3 abc\n{\"EventID\":4624}\r\n10 <13>last\nx";
    const FeedResult r = feed_whole(stream);
    ASSERT_EQ(r.frames.size(), 5u);
    EXPECT_EQ(r.frames[0], (Seen{Kind::kMessage, kCounted, "hello", 0, 7}));
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kLine, "<14>line one", 7, 13}));
    EXPECT_EQ(r.frames[2], (Seen{Kind::kMessage, kCounted, "abc", 20, 5}));
    // The LF after "abc" is an empty line frame, skipped silently.
    EXPECT_EQ(r.frames[3], (Seen{Kind::kMessage, kLine, "{\"EventID\":4624}", 26, 18}));
    EXPECT_EQ(r.frames[4], (Seen{Kind::kMessage, kCounted, "<13>last\nx", 44, 13}));
    expect_split_invariant(stream);
}

TEST(SyslogFraming, LastLineWithoutLfIsDeliveredAtTheEnd) {
    const FeedResult r = feed_whole("<13>one\n<13>two\r");
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kLine, "<13>two", 8, 8}));
    expect_split_invariant("<13>one\n<13>two\r");
}

TEST(SyslogFraming, TruncatedOctetCountedFrameAtTheEnd) {
    for (const std::string stream : {"5 hello10 abc", "5 hello12"}) {
        SCOPED_TRACE(stream);
        const FeedResult r = feed_whole(stream);
        ASSERT_EQ(r.frames.size(), 2u);
        EXPECT_EQ(r.frames[0].message, "hello");
        EXPECT_EQ(r.frames[1].kind, Kind::kTruncated);
        EXPECT_EQ(r.frames[1].offset, 7u);
        EXPECT_EQ(r.frames[1].length, stream.size() - 7);
        EXPECT_EQ(r.stats.truncated, 1u);
        expect_split_invariant(stream);
    }
}

TEST(SyslogFraming, OversizedLineIsSkippedToItsLf) {
    const SyslogFrameOptions options{8};
    const std::string stream = "short\n" + std::string(20, 'x') + "\nok\n";
    const FeedResult r = feed_whole(stream, options);
    ASSERT_EQ(r.frames.size(), 3u);
    EXPECT_EQ(r.frames[0].message, "short");
    EXPECT_EQ(r.frames[1], (Seen{Kind::kOversized, kLine, "", 6, 21}));
    EXPECT_EQ(r.frames[2], (Seen{Kind::kMessage, kLine, "ok", 27, 3}));
    EXPECT_EQ(r.stats.oversized, 1u);
    EXPECT_EQ(r.stats.messages, 2u);
    expect_split_invariant(stream, options);
}

TEST(SyslogFraming, LineAtTheLimitIsKeptOneMoreIsSkipped) {
    const SyslogFrameOptions options{8};
    const std::string stream = "abcdefgh\nabcdefghi\nabcdefgh\r\nz";
    const FeedResult r = feed_whole(stream, options);
    ASSERT_EQ(r.frames.size(), 4u);
    EXPECT_EQ(r.frames[0].message, "abcdefgh");
    EXPECT_EQ(r.frames[1].kind, Kind::kOversized);
    EXPECT_EQ(r.frames[1].length, 10u);
    // The CR is part of the frame until the LF is seen: 9 bytes is over the limit.
    EXPECT_EQ(r.frames[2].kind, Kind::kOversized);
    EXPECT_EQ(r.frames[3].message, "z");
    expect_split_invariant(stream, options);
}

TEST(SyslogFraming, OversizedOctetCountSkipsExactlyThatManyBytes) {
    const SyslogFrameOptions options{8};
    // The skipped bytes hold an LF and digits: they must not be read as frames.
    const std::string body = "0123\n5 abcdefghijklm";
    const std::string stream = std::to_string(body.size()) + " " + body + "2 ok8 12345678";
    const FeedResult r = feed_whole(stream, options);
    ASSERT_EQ(r.frames.size(), 3u);
    EXPECT_EQ(r.frames[0], (Seen{Kind::kOversized, kCounted, "", 0, body.size() + 3}));
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kCounted, "ok", body.size() + 3, 4}));
    EXPECT_EQ(r.frames[2].message, "12345678");
    expect_split_invariant(stream, options);
}

TEST(SyslogFraming, MalformedCountsEndTheStream) {
    struct Case {
        std::string stream;
        std::uint64_t error_offset;
    };
    for (const Case& c : {Case{"3 abc12x <13>after\n", 5}, Case{"3 abc0 <13>after\n", 5},
                          Case{"3 abc12345678901 after", 5}, Case{"12\t<13>tab\n", 0}}) {
        SCOPED_TRACE(c.stream);
        const FeedResult r = feed_whole(c.stream);
        ASSERT_FALSE(r.frames.empty());
        EXPECT_EQ(r.frames.back().kind, Kind::kFramingError);
        EXPECT_EQ(r.frames.back().offset, c.error_offset);
        EXPECT_EQ(r.stats.framing_errors, 1u);
        if (c.error_offset > 0) {
            EXPECT_EQ(r.frames[0].message, "abc");
        }
        expect_split_invariant(c.stream);
    }
}

TEST(SyslogFraming, NothingIsReadAfterAFramingError) {
    SyslogFrameReader reader;
    reader.feed("x1 a\n12y\n");
    SyslogFrame f;
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.message, "x1 a");
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.kind, Kind::kFramingError);
    EXPECT_TRUE(reader.failed());
    EXPECT_FALSE(reader.next(f));
    reader.feed("<13>more\n5 hello");
    EXPECT_FALSE(reader.next(f));
    reader.finish();
    EXPECT_FALSE(reader.next(f));
    EXPECT_EQ(reader.stats().messages, 1u);
}

TEST(SyslogFraming, HugeLineWithoutLfKeepsMemoryBounded) {
    const std::size_t max_frame = std::size_t{1} << 20;
    SyslogFrameReader reader(SyslogFrameOptions{max_frame});
    const std::string chunk(64u << 10, 'A');
    SyslogFrame f;
    std::size_t max_capacity = 0;
    for (int i = 0; i < 1024; ++i) {  // 64 MiB without a delimiter
        reader.feed(chunk);
        EXPECT_FALSE(reader.next(f));
        max_capacity = std::max(max_capacity, reader.buffered_capacity());
    }
    EXPECT_LE(max_capacity, max_frame + 64);
    reader.feed("\n<13>after\n");
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.kind, Kind::kOversized);
    EXPECT_EQ(f.offset, 0u);
    EXPECT_EQ(f.length, 1024u * chunk.size() + 1);
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.message, "<13>after");
    EXPECT_EQ(f.offset, 1024u * chunk.size() + 1);
}

TEST(SyslogFraming, HugeOctetCountIsSkippedWithoutBuffering) {
    SyslogFrameReader reader(SyslogFrameOptions{4096});
    const std::uint64_t count = 9'999'999'999;
    const std::string prefix = std::to_string(count) + " ";
    reader.feed(prefix);
    SyslogFrame f;
    EXPECT_FALSE(reader.next(f));
    const std::string chunk(1u << 20, '7');
    for (int i = 0; i < 64; ++i) {
        reader.feed(chunk);
        EXPECT_FALSE(reader.next(f));
    }
    EXPECT_EQ(reader.buffered_capacity(), 0u);
    reader.finish();
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.kind, Kind::kOversized);
    EXPECT_EQ(f.length, 11u + 64u * chunk.size());
}

TEST(SyslogFraming, MemoryStaysBoundedForNearLimitFramesInAnySplit) {
    const std::size_t max_frame = 4096;
    std::string stream;
    for (int i = 0; i < 20; ++i) {
        stream +=
            std::string(max_frame - static_cast<std::size_t>(i), 'a' + static_cast<char>(i)) + "\n";
        stream += std::to_string(max_frame) + " " + std::string(max_frame, 'z');
    }
    std::vector<std::size_t> cuts;
    for (std::size_t at = 1000; at < stream.size(); at += 1000) cuts.push_back(at);
    const FeedResult r = feed_cut(stream, cuts, SyslogFrameOptions{max_frame});
    ASSERT_EQ(r.frames.size(), 40u);
    for (const Seen& s : r.frames) EXPECT_EQ(s.kind, Kind::kMessage);
    EXPECT_EQ(r.frames[2].message, std::string(max_frame - 1, 'b'));
    EXPECT_LE(r.max_capacity, 2 * max_frame + 64);
}

TEST(SyslogFraming, OctetCountingDetectionCanBeTurnedOff) {
    SyslogFrameOptions options;
    options.detect_octet_counting = false;
    const std::string stream = "2019-11-15 20:01:02 text\n5 hello\n{\"a\":1}";
    const FeedResult r = feed_whole(stream, options);
    ASSERT_EQ(r.frames.size(), 3u);
    EXPECT_EQ(r.frames[0], (Seen{Kind::kMessage, kLine, "2019-11-15 20:01:02 text", 0, 25}));
    EXPECT_EQ(r.frames[1], (Seen{Kind::kMessage, kLine, "5 hello", 25, 8}));
    EXPECT_EQ(r.frames[2].message, "{\"a\":1}");
    EXPECT_EQ(r.stats.framing_errors, 0u);
    expect_split_invariant(stream, options);
    // Detected, the same stream is lost at its first byte.
    EXPECT_EQ(feed_whole(stream).frames.at(0).kind, Kind::kFramingError);
}
