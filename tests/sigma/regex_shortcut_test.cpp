// Counted repetitions that RE2 runs slowly are decided without it: a length bound for one
// repeated character or class, and a direct count for `.{n,}`. Each against RE2 itself.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "sigma/predicate.hpp"

namespace {

using vigie::sigma::has_character_run;
using vigie::sigma::regex_is_dot_run;
using vigie::sigma::regex_min_bytes;

TEST(RegexShortcuts, LengthBoundOfOneRepeatedCharacter) {
    EXPECT_EQ(regex_min_bytes(".{1000,}"), 1000u);
    EXPECT_EQ(regex_min_bytes("(.){200,}"), 200u);
    EXPECT_EQ(regex_min_bytes("(?:.){200,}"), 200u);
    EXPECT_EQ(regex_min_bytes(".{150}"), 150u);
    EXPECT_EQ(regex_min_bytes("[^/]{100,}$"), 100u);
    EXPECT_EQ(regex_min_bytes("^[A-Za-z0-9]{16}$"), 16u);
    EXPECT_EQ(regex_min_bytes("\\w{3,8}"), 3u);
    EXPECT_EQ(regex_min_bytes("[]a]{4}"), 4u);
    // Anything else: unknown.
    EXPECT_EQ(regex_min_bytes("a.{1000,}"), 0u);
    EXPECT_EQ(regex_min_bytes(".{1000,}|x"), 0u);
    EXPECT_EQ(regex_min_bytes("(ab){3}"), 0u);
    EXPECT_EQ(regex_min_bytes("[[:alpha:]]{3}"), 0u);
    EXPECT_EQ(regex_min_bytes("\\p{L}{3}"), 0u);
    EXPECT_EQ(regex_min_bytes("\\b{3}"), 0u);
    EXPECT_EQ(regex_min_bytes(".{3"), 0u);
    EXPECT_EQ(regex_min_bytes(".*"), 0u);
}

TEST(RegexShortcuts, DotRunsOnly) {
    EXPECT_TRUE(regex_is_dot_run(".{1000,}"));
    EXPECT_TRUE(regex_is_dot_run("(.){200,}"));
    EXPECT_TRUE(regex_is_dot_run("(?:.){5,}"));
    EXPECT_FALSE(regex_is_dot_run(".{150}"));
    EXPECT_FALSE(regex_is_dot_run("^.{5,}"));
    EXPECT_FALSE(regex_is_dot_run(".{5,}$"));
    EXPECT_FALSE(regex_is_dot_run(".{0,}"));
    EXPECT_FALSE(regex_is_dot_run(".{5,9}"));
    EXPECT_FALSE(regex_is_dot_run("\\w{5,}"));
}

TEST(RegexShortcuts, SameAnswersAsRe2) {
    const std::vector<std::string> texts = {
        "",
        "abcd",
        "abcde",
        "ab\ncde",
        "abcde\n",
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",          // 4 characters, 8 bytes
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",  // 5 characters
        "ab\xE2\x82\xAC\n\xF0\x9F\x98\x80xyz",
        std::string(999, 'x'),
        std::string(1000, 'x'),
        std::string(600, 'x') + "\n" + std::string(600, 'y'),
        std::string(600, 'x') + "\r" + std::string(600, 'y'),
    };
    const std::vector<std::string> patterns = {".{5,}",     "(.){5,}",  ".{1000,}",
                                               "[^/]{5,}$", "^\\w{4}$", ".{4}"};
    for (const std::string& pattern : patterns) {
        for (const bool dot_all : {false, true}) {
            RE2::Options options;
            options.set_dot_nl(dot_all);
            const RE2 re(pattern, options);
            ASSERT_TRUE(re.ok()) << pattern;
            const std::uint32_t min = regex_min_bytes(pattern);
            for (const std::string& text : texts) {
                const bool expected = RE2::PartialMatch(text, re);
                if (text.size() < min) {
                    EXPECT_FALSE(expected) << pattern << " on " << text.size() << " bytes";
                }
                if (regex_is_dot_run(pattern)) {
                    EXPECT_EQ(has_character_run(text, min, dot_all), expected)
                        << pattern << (dot_all ? " (s)" : "") << " on " << text.size() << " bytes";
                }
            }
        }
    }
}

}  // namespace
