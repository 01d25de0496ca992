#include <gtest/gtest.h>

#include <vector>

#include "core/utf16.hpp"

using namespace vigie::core;

namespace {
std::string decode(std::vector<std::uint16_t> units, Utf16Stop stop = Utf16Stop::kAtNul) {
    std::string out;
    append_utf16le(out, reinterpret_cast<const std::uint8_t*>(units.data()), units.size() * 2,
                   stop);
    return out;
}
}  // namespace

TEST(Utf16, AsciiAndAccents) {
    EXPECT_EQ(decode({'C', 'H', 'U'}), "CHU");
    EXPECT_EQ(decode({0x00C9, 't', 0x00E9}), "\xC3\x89t\xC3\xA9");  // Été
}

TEST(Utf16, SurrogatePairs) {
    EXPECT_EQ(decode({0xD83D, 0xDE00}), "\xF0\x9F\x98\x80");
}

TEST(Utf16, UnpairedSurrogatesBecomeReplacementCharacters) {
    EXPECT_EQ(decode({0xD83D, 'a'}),
              "\xEF\xBF\xBD"
              "a");
    EXPECT_EQ(decode({0xDE00}), "\xEF\xBF\xBD");
}

TEST(Utf16, StopsAtNulUnlessAskedNotTo) {
    EXPECT_EQ(decode({'a', 0, 'b'}), "a");
    EXPECT_EQ(decode({'a', 0, 'b'}, Utf16Stop::kNever), std::string("a\0b", 3));
}

TEST(Utf16, OddByteCountDropsTheLastByte) {
    const std::uint8_t bytes[] = {'a', 0, 'b'};
    std::string out;
    append_utf16le(out, bytes, sizeof bytes);
    EXPECT_EQ(out, "a");
}

TEST(Utf16, Utf8RoundTrip) {
    const std::string text =
        "R\xC3\xA9"
        "animation \xF0\x9F\x98\x80";
    const std::u16string units = utf8_to_utf16(text);
    std::string back;
    append_utf16le(back, reinterpret_cast<const std::uint8_t*>(units.data()), units.size() * 2);
    EXPECT_EQ(back, text);
}
