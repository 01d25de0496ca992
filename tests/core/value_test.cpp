#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/value.hpp"

using namespace vigie::core;

namespace {
std::string json(const Value& v) {
    std::string s;
    v.append_json(s);
    return s;
}
}  // namespace

TEST(Value, NumbersKeepTheirJsonType) {
    EXPECT_EQ(json(Value::uint64(4688)), "4688");
    EXPECT_EQ(json(Value::int64(-5)), "-5");
    EXPECT_EQ(json(Value::boolean(true)), "true");
    EXPECT_EQ(json(Value::real64(1.5)), "1.5");
    EXPECT_EQ(json(Value::real64(2.0)), "2.0");
    EXPECT_EQ(json(Value::real32(0.1f)), "0.1");
    EXPECT_EQ(json(Value::real64(std::numeric_limits<double>::infinity())), "null");
}

TEST(Value, HexIntegersAreLowerCaseWithoutPadding) {
    EXPECT_EQ(Value::hex64(0x8020000000000000ULL).text(), "0x8020000000000000");
    EXPECT_EQ(Value::hex32(0x1f).text(), "0x1f");
    EXPECT_EQ(Value::hex32(0).text(), "0x0");
}

TEST(Value, GuidUsesWindowsByteOrder) {
    const std::uint8_t g[16] = {0x5F, 0x38, 0x70, 0x57, 0x2A, 0xC2, 0xE0, 0x43,
                                0xBF, 0x4C, 0x06, 0xF5, 0x69, 0x8F, 0xFB, 0xD9};
    EXPECT_EQ(Value::guid(g).text(), "5770385F-C22A-43E0-BF4C-06F5698FFBD9");
}

TEST(Value, SidText) {
    const std::uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    EXPECT_EQ(Value::sid(sid, sizeof sid).text(), "S-1-5-18");
    EXPECT_EQ(Value::sid(sid, 4).text(), "S-?");  // too short to be a SID
}

TEST(Value, BinaryIsUpperHex) {
    const std::uint8_t b[] = {0x00, 0xAB, 0x10};
    EXPECT_EQ(Value::binary(b, 3).text(), "00AB10");
}

TEST(Value, Utf16IsDecodedAndEscapedForJson) {
    const char16_t s[] = u"a\"b\\c\n\u00e9";
    EXPECT_EQ(json(Value::utf16(reinterpret_cast<const std::uint8_t*>(s), 2 * 7)),
              "\"a\\\"b\\\\c\\n\xC3\xA9\"");
}

TEST(Value, AnsiUsesWindows1252) {
    const std::uint8_t s[] = {'x', 0x80, 0xE9, 0};
    EXPECT_EQ(Value::ansi(s, 4).text(), "x\xE2\x82\xAC\xC3\xA9");
}

TEST(Value, ArraysOfFixedAndVariableItems) {
    const std::uint32_t nums[] = {1, 2, 3};
    const Value a =
        Value::array(ValueKind::kUInt, 4, reinterpret_cast<const std::uint8_t*>(nums), sizeof nums);
    EXPECT_EQ(a.array_size(), 3u);
    EXPECT_EQ(json(a), "[1,2,3]");
    const char16_t strings[] = u"ab\0c\0";  // two NUL-terminated strings (5 units)
    const Value s =
        Value::array(ValueKind::kUtf16, 0, reinterpret_cast<const std::uint8_t*>(strings), 2 * 5);
    EXPECT_EQ(json(s), "[\"ab\",\"c\"]");
    EXPECT_EQ(s.text(), "ab,c");
}

TEST(Value, ToIntReadsNumbersAndNumericText) {
    EXPECT_EQ(Value::hex32(0x10).to_int(), 16);
    EXPECT_EQ(Value::utf8("0x1F").to_int(), 31);
    EXPECT_EQ(Value::utf8("-12").to_int(), -12);
    EXPECT_FALSE(Value::utf8("12a").to_int());
    EXPECT_FALSE(Value::utf8("").to_int());
    EXPECT_EQ(Value::real64(-3.0).to_int(), -3);
    EXPECT_FALSE(Value::real64(1e300).to_int());  // out of range: no value, no overflow
    EXPECT_FALSE(Value::real64(-1e19).to_int());
    EXPECT_FALSE(Value::real64(0.5).to_int());
}

TEST(Value, JsonStringEscapesWhereverTheCharacterFalls) {
    // The fast paths look at 8 and 16 bytes at a time: try every position in a long string.
    for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
        for (std::size_t at = 0; at < 40; ++at) {
            std::string s(40, 'a');
            s[at] = special;
            std::string out;
            append_json_string(out, s);
            std::string expected = "\"";
            for (char c : s) {
                switch (c) {
                    case '"':
                        expected += "\\\"";
                        break;
                    case '\\':
                        expected += "\\\\";
                        break;
                    case '\n':
                        expected += "\\n";
                        break;
                    case '\x01':
                        expected += "\\u0001";
                        break;
                    case '\x1f':
                        expected += "\\u001f";
                        break;
                    default:
                        expected += c;
                }
            }
            expected += "\"";
            EXPECT_EQ(out, expected) << int(special) << " at " << at;
            std::string escaped;
            append_json_escaped(escaped, s);
            EXPECT_EQ("\"" + escaped + "\"", expected);
        }
    }
    std::string out;
    append_json_string(out, "caf\xC3\xA9 \x7F ok");  // UTF-8 and DEL pass through
    EXPECT_EQ(out, "\"caf\xC3\xA9 \x7F ok\"");
}

TEST(Value, EmptyJsonStringFromANullView) {
    // Found by the fuzzer: an empty name is a view with no data pointer.
    std::string out;
    append_json_string(out, std::string_view());
    EXPECT_EQ(out, "\"\"");
}

TEST(Value, Utf16JsonEqualsItsTextEscapedAtEveryLengthAndMix) {
    // The UTF-16 JSON writer works 8 units at a time: plain runs of every length around that,
    // broken by escapes, control characters, DEL, non-ASCII and surrogate pairs, and cut by NUL.
    const std::vector<char16_t> pieces = {u'a',    u'Z',    u'"',      u'\\',     u'\n',
                                          u'\x01', u'\x7f', u'\u00e9', u'\u20ac', 0xD83D,
                                          0xDE00,  0xDC00,  u' '};
    std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
    auto next = [&] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    for (int round = 0; round < 4000; ++round) {
        std::vector<char16_t> units;
        const std::size_t length = next() % 40;
        for (std::size_t i = 0; i < length; ++i) {
            // Mostly plain letters, so that long plain runs occur.
            units.push_back(next() % 3 != 0 ? static_cast<char16_t>(u'a' + next() % 26)
                                            : pieces[next() % pieces.size()]);
        }
        if (round % 7 == 0 && !units.empty()) units[next() % units.size()] = 0;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(units.data());
        const Value v = Value::utf16(bytes, 2 * units.size());
        std::string expected;
        append_json_string(expected, v.text());
        ASSERT_EQ(json(v), expected) << "round " << round;
    }
}
