#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace vigie::core;

TEST(Time, FileTimeEpochIs1601) {
    EXPECT_EQ(format_iso8601_micros(0), "1601-01-01T00:00:00.000000Z");
}

TEST(Time, KnownFileTimeFormatsWithTruncatedMicroseconds) {
    // 2019-07-19T14:42:51.4462809Z as 100 ns ticks: the 7th digit is dropped, not rounded.
    const FileTimeTicks t = *parse_iso8601("2019-07-19T14:42:51.4462809Z");
    EXPECT_EQ(format_iso8601_micros(t), "2019-07-19T14:42:51.446280Z");
}

TEST(Time, ParsesOffsetsAndBareDates) {
    EXPECT_EQ(parse_iso8601("2024-03-01T01:00:00+01:00"), parse_iso8601("2024-03-01T00:00:00Z"));
    EXPECT_EQ(parse_iso8601("2024-03-01"), parse_iso8601("2024-03-01T00:00:00Z"));
    EXPECT_EQ(parse_iso8601("2024-03-01 00:00:00"), parse_iso8601("2024-03-01T00:00:00Z"));
}

TEST(Time, RejectsMalformed) {
    EXPECT_FALSE(parse_iso8601("2024-13-01"));
    EXPECT_FALSE(parse_iso8601("yesterday"));
    EXPECT_FALSE(parse_iso8601("2024-03-01T25:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2024-03-01T00:00:00Zjunk"));
    EXPECT_FALSE(parse_iso8601("1500-01-01"));
}

TEST(Time, CivilRoundTripAcrossLeapDay) {
    const auto t = parse_iso8601("2024-02-29T23:59:59.999999Z");
    ASSERT_TRUE(t);
    const CivilTime c = civil_from_filetime(*t);
    EXPECT_EQ(c.year, 2024);
    EXPECT_EQ(c.month, 2u);
    EXPECT_EQ(c.day, 29u);
    EXPECT_EQ(filetime_from_civil(c), t);
}
