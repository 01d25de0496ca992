// Correlation rules: parsing, each type, window edges, groups, order, multi-day windows.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "sigma/correlation.hpp"

namespace {

using vigie::sigma::CorrelationInput;
using vigie::sigma::CorrelationSpec;
using vigie::sigma::CorrelationType;
using vigie::sigma::CorrelationWindows;

constexpr std::uint64_t kSecond = vigie::core::kTicksPerSecond;
constexpr std::uint64_t kT0 = 13'220'000'000ULL * kSecond;  // some day in 2019

CorrelationSpec spec(const std::string& yaml) {
    auto parsed = vigie::sigma::parse_correlation(YAML::Load(yaml), nullptr);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
    return parsed ? *parsed : CorrelationSpec{};
}

std::string parse_error(const std::string& yaml) {
    auto parsed = vigie::sigma::parse_correlation(YAML::Load(yaml), nullptr);
    return parsed ? std::string()
                  : parsed.error().message + " @" + std::to_string(parsed.error().location.line);
}

// Feeds (seconds after kT0, rule index, group, value) and returns at which inputs it fired.
std::vector<std::size_t> fires(
    const CorrelationSpec& s,
    std::vector<std::tuple<std::uint64_t, std::size_t, std::string, std::string>> in) {
    CorrelationWindows w(s);
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto& [sec, rule, group, value] = in[i];
        if (w.add(CorrelationInput{kT0 + sec * kSecond, rule, group, value})) out.push_back(i);
    }
    return out;
}

const char* kCount =
    "correlation: {type: event_count, rules: [a], group-by: [Host], timespan: 1h, condition: {gte: "
    "3}}";

}  // namespace

TEST(Correlation, ParsesEveryType) {
    for (const char* type : {"event_count", "value_count", "temporal", "temporal_ordered",
                             "value_sum", "value_avg", "value_percentile"}) {
        const auto s = spec(
            std::string("correlation: {type: ") + type +
            ", rules: [a, b], group-by: [Host], timespan: 15m, condition: {field: X, gte: 1}}");
        EXPECT_STREQ(vigie::sigma::correlation_type_name(s.type), type);
        EXPECT_EQ(s.timespan, 15 * 60 * kSecond);
    }
}
TEST(Correlation, Timespans) {
    EXPECT_EQ(vigie::sigma::parse_timespan("30s"), 30 * kSecond);
    EXPECT_EQ(vigie::sigma::parse_timespan("2d"), 2 * 86400 * kSecond);
    EXPECT_FALSE(vigie::sigma::parse_timespan("1y"));
    EXPECT_FALSE(vigie::sigma::parse_timespan("m"));
}
TEST(Correlation, ErrorsNameTheProblemAndLine) {
    EXPECT_NE(parse_error("title: x\ncorrelation:\n  type: nope\n  rules: [a]\n  timespan: 1h")
                  .find("@3"),
              std::string::npos);
    EXPECT_NE(
        parse_error(
            "correlation: {type: event_count, rules: [a], timespan: soon, condition: {gte: 1}}")
            .find("timespan"),
        std::string::npos);
    EXPECT_NE(
        parse_error("correlation: {type: event_count, rules: [a], timespan: 1h}").find("condition"),
        std::string::npos);
    EXPECT_NE(parse_error(
                  "correlation: {type: value_count, rules: [a], timespan: 1h, condition: {gte: 2}}")
                  .find("field"),
              std::string::npos);
    EXPECT_NE(parse_error("correlation: {type: event_count, timespan: 1h, condition: {gte: 2}}")
                  .find("rules"),
              std::string::npos);
}
TEST(Correlation, AliasesResolvePerRule) {
    const auto s = spec(
        "correlation: {type: temporal, rules: [err, conn], group-by: [ip], timespan: 10s, "
        "aliases: {ip: {err: destination.ip, conn: source.ip}}}");
    EXPECT_EQ(s.group_field(0, "err"), "destination.ip");
    EXPECT_EQ(s.group_field(0, "conn"), "source.ip");
    EXPECT_EQ(s.group_field(0, "other"), "ip");
}
TEST(Correlation, EventCountFiresOnTheThirdInsideTheWindow) {
    EXPECT_EQ(fires(spec(kCount), {{0, 0, "h", ""}, {1000, 0, "h", ""}, {3000, 0, "h", ""}}),
              std::vector<std::size_t>{2});
}
TEST(Correlation, EventCountWindowEdgeIsInclusive) {
    EXPECT_EQ(fires(spec(kCount), {{0, 0, "h", ""}, {1, 0, "h", ""}, {3600, 0, "h", ""}}),
              std::vector<std::size_t>{2});
}
TEST(Correlation, EventCountJustOutsideTheWindow) {
    EXPECT_TRUE(
        fires(spec(kCount), {{0, 0, "h", ""}, {1, 0, "h", ""}, {3602, 0, "h", ""}}).empty());
}
TEST(Correlation, GroupsCountApart) {
    EXPECT_TRUE(fires(spec(kCount),
                      {{0, 0, "h1", ""}, {1, 0, "h2", ""}, {2, 0, "h1", ""}, {3, 0, "h2", ""}})
                    .empty());
}
TEST(Correlation, FiresOncePerWindowThenStartsAgain) {
    EXPECT_EQ(fires(spec(kCount), {{0, 0, "h", ""},
                                   {1, 0, "h", ""},
                                   {2, 0, "h", ""},
                                   {3, 0, "h", ""},
                                   {4, 0, "h", ""},
                                   {5, 0, "h", ""}}),
              (std::vector<std::size_t>{2, 5}));
}
TEST(Correlation, ValueCountCountsDistinctValues) {
    const auto s = spec(
        "correlation: {type: value_count, rules: [logon], group-by: [User], timespan: 1h, "
        "condition: {field: Computer, gte: 3}}");
    EXPECT_EQ(fires(s, {{0, 0, "adm", "PC1"},
                        {10, 0, "adm", "PC1"},
                        {20, 0, "adm", "PC2"},
                        {30, 0, "adm", "PC3"}}),
              std::vector<std::size_t>{3});
}
TEST(Correlation, TemporalNeedsEveryRuleInAnyOrder) {
    const auto s =
        spec("correlation: {type: temporal, rules: [a, b, c], group-by: [Host], timespan: 5m}");
    EXPECT_EQ(fires(s, {{0, 2, "h", ""}, {60, 0, "h", ""}, {120, 1, "h", ""}}),
              std::vector<std::size_t>{2});
}
TEST(Correlation, TemporalOutsideTheWindow) {
    const auto s =
        spec("correlation: {type: temporal, rules: [a, b], group-by: [Host], timespan: 5m}");
    EXPECT_TRUE(fires(s, {{0, 0, "h", ""}, {301, 1, "h", ""}}).empty());
}
TEST(Correlation, TemporalOrderedInOrder) {
    const auto s = spec(
        "correlation: {type: temporal_ordered, rules: [cred, lateral], group-by: [Host], timespan: "
        "1d}");
    EXPECT_EQ(fires(s, {{0, 0, "h", ""}, {7200, 1, "h", ""}}), std::vector<std::size_t>{1});
}
TEST(Correlation, TemporalOrderedRefusesTheWrongOrder) {
    const auto s = spec(
        "correlation: {type: temporal_ordered, rules: [cred, lateral], group-by: [Host], timespan: "
        "1d}");
    EXPECT_TRUE(fires(s, {{0, 1, "h", ""}, {7200, 0, "h", ""}}).empty());
}
TEST(Correlation, TemporalOrderedThreeStepsWithNoise) {
    const auto s = spec(
        "correlation: {type: temporal_ordered, rules: [a, b, c], group-by: [Host], timespan: 1h}");
    EXPECT_EQ(fires(s, {{0, 1, "h", ""},
                        {10, 0, "h", ""},
                        {20, 2, "h", ""},
                        {30, 1, "h", ""},
                        {40, 2, "h", ""}}),
              std::vector<std::size_t>{4});
}
TEST(Correlation, MultiDayWindowAcrossHostsGroupedByAccount) {
    // Credential access on day 1, lateral movement 2 days later, same account: a 3-day window
    // joins them; a 1-day window does not.
    const std::vector<std::tuple<std::uint64_t, std::size_t, std::string, std::string>> in = {
        {0, 0, "CHU\\adm", ""}, {2 * 86400, 1, "CHU\\adm", ""}};
    EXPECT_EQ(fires(spec("correlation: {type: temporal_ordered, rules: [cred, lateral], group-by: "
                         "[User], timespan: 3d}"),
                    in),
              std::vector<std::size_t>{1});
    EXPECT_TRUE(fires(spec("correlation: {type: temporal_ordered, rules: [cred, lateral], "
                           "group-by: [User], timespan: 1d}"),
                      in)
                    .empty());
}
TEST(Correlation, ValueSum) {
    const auto s = spec(
        "correlation: {type: value_sum, rules: [a], group-by: [Host], timespan: 1h, condition: "
        "{field: Bytes, gt: 1000}}");
    EXPECT_EQ(fires(s, {{0, 0, "h", "600"}, {1, 0, "h", "not a number"}, {2, 0, "h", "500"}}),
              std::vector<std::size_t>{2});
}
TEST(Correlation, ValueAvg) {
    const auto s = spec(
        "correlation: {type: value_avg, rules: [a], group-by: [Host], timespan: 1h, condition: "
        "{field: Bytes, gte: 500}}");
    EXPECT_EQ(fires(s, {{0, 0, "h", "100"}, {1, 0, "h", "1000"}}), std::vector<std::size_t>{1});
}
TEST(Correlation, ValuePercentileFindsRareValues) {
    const auto s = spec(
        "correlation: {type: value_percentile, rules: [proc], group-by: [Host], timespan: 1d, "
        "condition: {field: Image, lte: 25}}");
    EXPECT_EQ(fires(s, {{0, 0, "h", "a.exe"},
                        {1, 0, "h", "a.exe"},
                        {2, 0, "h", "a.exe"},
                        {3, 0, "h", "rare.exe"}}),
              std::vector<std::size_t>{3});
}
TEST(Correlation, RangeConditionsAreAnded) {
    const auto s = spec(
        "correlation: {type: event_count, rules: [a], group-by: [H], timespan: 1h, condition: {gt: "
        "1, lte: 2}}");
    EXPECT_EQ(fires(s, {{0, 0, "h", ""}, {1, 0, "h", ""}}), std::vector<std::size_t>{1});
}
TEST(Correlation, IdleGroupsAreDropped) {
    CorrelationWindows w(spec(kCount));
    for (int i = 0; i < 100; ++i)
        w.add(CorrelationInput{kT0 + i * kSecond, 0, "host" + std::to_string(i), ""});
    EXPECT_EQ(w.groups(), 100u);
    w.add(CorrelationInput{kT0 + 3 * 3600 * kSecond, 0, "late", ""});
    EXPECT_EQ(w.groups(), 1u);
}
