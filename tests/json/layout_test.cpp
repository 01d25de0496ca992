// How JSON events are laid out in a stream (JSON Lines, arrays, concatenated pretty objects,
// `evtx_dump -o json` with its `Record N` lines), compressed or not, and what broken input
// costs: only the objects it breaks, each counted and reported at the right place.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "collect.hpp"
#include "support/compressed.hpp"

namespace {

using vigie::core::ErrorCode;
using vigie::test::collect;
using vigie::test::gzip;
using vigie::test::zstd;

const std::string kA = R"({"EventID":1,"s":"a, } ] { \" \\"})";
const std::string kB = R"({"EventID":2,"n":{"deep":[1,{"x":"}"}]}})";

std::string pretty(int id) {
    return "{\n  \"Event\": {\n    \"System\": {\n      \"EventID\": " + std::to_string(id) +
           ",\n      \"Channel\": \"Security\"\n    },\n    \"EventData\": {\n"
           "      \"List\": [\n        {\n          \"x\": 1\n        }\n      ]\n    }\n  }\n}";
}

}  // namespace

TEST(JsonLayout, JsonLinesArraysAndConcatenatedObjectsReadAlike) {
    for (const std::string& text :
         {kA + "\n" + kB + "\n", kA + "\r\n" + kB + "\r\n", "[" + kA + "," + kB + "]", kA + kB,
          "[\n  " + kA + ",\n  " + kB + "\n]\n", kA + "\n\n\n" + kB,
          "\xef\xbb\xbf" + kA + "\n" + kB + "\n"}) {
        SCOPED_TRACE(text);
        const auto r = collect(text);
        ASSERT_EQ(r.events.size(), 2u);
        EXPECT_EQ(r.at(0, "s"), "a, } ] { \" \\");
        EXPECT_EQ(r.at(1, "EventID"), "2");
        EXPECT_EQ(r.at(1, "n.deep"), "1");
        EXPECT_EQ(r.stats.malformed, 0u);
        EXPECT_EQ(r.stats.events, 2u);
        EXPECT_EQ(r.infos[1].index, 1u);
    }
}

TEST(JsonLayout, EvtxDumpJsonWithRecordLines) {
    // `evtx_dump -o json`: "Record N" before each pretty-printed object.
    const std::string text = "Record 1\n" + pretty(4624) + "\nRecord 2\n" + pretty(4625) + "\n";
    const auto r = collect(text);
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.stats.malformed, 0u);
    EXPECT_EQ(r.at(1, "EventID"), "4625");
    EXPECT_EQ(r.infos[1].line, 18u);
    EXPECT_EQ(r.infos[0].offset, 9u);
}

TEST(JsonLayout, OffsetsAndLinesOfEvents) {
    const std::string text = kA + "\n  " + kB + "\n";
    const auto r = collect(text);
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.infos[0].offset, 0u);
    EXPECT_EQ(r.infos[0].line, 1u);
    EXPECT_EQ(r.infos[1].offset, kA.size() + 3);
    EXPECT_EQ(r.infos[1].line, 2u);
}

TEST(JsonLayout, AMalformedObjectIsCountedAndTheNextOnesStillRead) {
    const auto r =
        collect("{\"EventID\":1}\n{\"EventID\":2,,}\nnot json at all\n{\"EventID\":3}\n");
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.at(1, "EventID"), "3");
    EXPECT_EQ(r.infos[1].offset, 46u);
    EXPECT_EQ(r.infos[1].index, 3u);
    EXPECT_EQ(r.stats.malformed, 2u);
    ASSERT_EQ(r.stats.problems.size(), 2u);
    EXPECT_EQ(r.stats.problems[0].rfind("line 2 (offset 14): malformed JSON", 0), 0u)
        << r.stats.problems[0];
    EXPECT_EQ(r.stats.problems[1], "line 3 (offset 30): not a JSON object");
}

TEST(JsonLayout, ACutLineCostsOnlyItsOwnEvent) {
    // A writer killed mid-line, then restarted: inside a string, and between values.
    const auto r = collect(
        "{\"EventID\":1}\n{\"EventID\":2,\"CommandLine\":\"powershell -enc\n{\"EventID\":3}\n"
        "{\"EventID\":4,\"A\":{\"B\":[1,\n{\"EventID\":5}\n");
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.at(0, "EventID"), "1");
    EXPECT_EQ(r.at(1, "EventID"), "3");
    EXPECT_EQ(r.at(2, "EventID"), "5");
    EXPECT_EQ(r.stats.malformed, 2u);
    ASSERT_EQ(r.stats.problems.size(), 2u);
    EXPECT_EQ(r.stats.problems[0], "line 2 (offset 14): line break inside a string (a cut line?)");
    EXPECT_EQ(r.stats.problems[1], "line 4 (offset 72): not closed before the object on line 5");
}

TEST(JsonLayout, ABrokenPrettyObjectCostsOnlyItself) {
    std::string broken = pretty(2);
    broken.resize(broken.find("\"EventData\""));  // cut: the object never closes
    const std::string text =
        pretty(1) + "\n" + broken + "\n" + pretty(3) + "\nnoise line\n" + pretty(4) + "\n";
    const auto r = collect(text);
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.at(0, "EventID"), "1");
    EXPECT_EQ(r.at(1, "EventID"), "3");
    EXPECT_EQ(r.at(2, "EventID"), "4");
    EXPECT_EQ(r.stats.malformed, 2u);
}

TEST(JsonLayout, OversizedAndTruncatedObjectsAreSkipped) {
    const std::string big = "{\"EventID\":1,\"blob\":\"" + std::string(300000, 'x') + "\"}";
    vigie::json::JsonReadOptions options;
    options.max_object_bytes = 4096;
    const auto r =
        collect(big + "\n{\"EventID\":2}\n" + big + "{\"EventID\":3,\"cut\":\"", options);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.at(0, "EventID"), "2");
    EXPECT_EQ(r.stats.oversized, 2u);
    EXPECT_EQ(r.stats.malformed, 1u);
    ASSERT_EQ(r.stats.problems.size(), 3u);
    EXPECT_EQ(r.stats.problems[0], "line 1 (offset 0): object larger than 4096 bytes skipped");
    EXPECT_EQ(r.stats.problems[2], "line 3 (offset " + std::to_string(2 * big.size() + 15) +
                                       "): cut off by the end of the input");
}

TEST(JsonLayout, ObjectsLargerThanTheReadBlockAreWhole) {
    std::string text;
    for (int i = 0; i < 40; ++i) {
        text += "{\"EventID\":" + std::to_string(i) + ",\"pad\":\"" +
                std::string(static_cast<std::size_t>(i) * 7919, 'p') + "\"}\n";
    }
    const auto r = collect(text);
    ASSERT_EQ(r.events.size(), 40u);
    for (std::size_t i = 0; i < 40; ++i) {
        EXPECT_EQ(r.at(i, "pad").size(), i * 7919);
        EXPECT_EQ(r.at(i, "EventID"), std::to_string(i));
    }
}

TEST(JsonLayout, NearlyJsonIsRepairedNotDropped) {
    const auto r = collect(
        "{\"EventID\":1,\"Big\":123456789012345678901234567890,\"Exp\":1e400}\n"
        "{\"EventID\":2,\"Ratio\":NaN,\"Neg\":-Infinity}\n"
        "{\"EventID\":3,\"User\":\"Ren\xe9\"}\n"
        "{\"EventID\":4,\"Cmd\":\"a\tb\"}\n"
        "{\"EventID\":5,\"Ok\":18446744073709551615,\"Neg\":-9223372036854775808}\n"
        "{\"EventID\":6,,\"still\":\"broken\"}\n");
    ASSERT_EQ(r.events.size(), 5u);
    EXPECT_EQ(r.stats.repaired, 4u);
    EXPECT_EQ(r.stats.malformed, 1u);
    EXPECT_EQ(r.at(0, "Big"), "123456789012345678901234567890");
    EXPECT_EQ(r.at(0, "Exp"), "1e400");
    EXPECT_EQ(r.at(1, "Ratio"), "NaN");
    EXPECT_EQ(r.at(1, "Neg"), "-Infinity");
    EXPECT_EQ(r.at(2, "User"), "Ren\xef\xbf\xbd");
    EXPECT_EQ(r.at(3, "Cmd"), "a\tb");
    EXPECT_EQ(r.at(4, "Ok"), "18446744073709551615");
    EXPECT_EQ(r.at(4, "Neg"), "-9223372036854775808");
    EXPECT_TRUE(r.infos[0].repaired);
    EXPECT_FALSE(r.infos[4].repaired);
    ASSERT_GE(r.stats.problems.size(), 1u);
    EXPECT_EQ(r.stats.problems[0],
              "line 1 (offset 0): repaired: numbers out of range kept as text");
}

TEST(JsonLayout, Utf16TextIsAClearError) {
    const std::string utf16_bom("\xff\xfe{\0\"\0", 6);
    const std::string utf16_plain("[\0{\0", 4);
    for (const std::string& text : {utf16_bom, utf16_plain}) {
        const auto r = collect(text);
        ASSERT_TRUE(r.error);
        EXPECT_EQ(r.error->code, ErrorCode::kUnsupported);
        EXPECT_NE(r.error->message.find("UTF-16"), std::string::npos);
    }
}

TEST(JsonLayout, GzipAndZstdInputsAreReadDirectly) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += pretty(i) + "\n";
    const std::string gz = gzip(text.substr(0, 1000)) + gzip(text.substr(1000));
    const std::string zst = zstd(text);
    for (const std::string* encoded : {&gz, &zst}) {
        const auto r = collect(*encoded);
        ASSERT_FALSE(r.error);
        ASSERT_EQ(r.events.size(), 2000u);
        EXPECT_EQ(r.at(1999, "EventID"), "1999");
    }
    // On disk, by path.
    const auto path = std::filesystem::temp_directory_path() /
                      ("vigie-json-layout-" + std::to_string(::getpid()) + ".json.zst");
    std::ofstream(path, std::ios::binary) << zst;
    auto in = vigie::core::open_input_stream(path.string());
    ASSERT_TRUE(in);
    EXPECT_EQ(collect(**in).events.size(), 2000u);
    std::filesystem::remove(path);
}

TEST(JsonLayout, CorruptCompressedInputIsAnErrorAfterTheEventsBeforeIt) {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "{\"EventID\":" + std::to_string(i) + "}\n";
    const std::string gz = gzip(text);
    const std::string cut = gz.substr(0, gz.size() * 2 / 3);
    auto in = vigie::core::memory_input_stream(cut, "events.jsonl.gz");
    const auto r = collect(*in);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, ErrorCode::kCorrupt);
    EXPECT_EQ(r.error->location.file, "events.jsonl.gz");
    EXPECT_GT(r.events.size(), 1000u);  // what came before the damage was read
    EXPECT_LT(r.events.size(), 20000u);
    const std::string garbage = "\x1f\x8b" + std::string(100, 'z');
    EXPECT_TRUE(collect(garbage).error);
}
