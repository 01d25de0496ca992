// The condition grammar of the Sigma specification: operators, precedence, `x of`, lists.
#include <gtest/gtest.h>

#include "match_helpers.hpp"

using vigie::test::matches;
using vigie::test::rejection;

namespace {
// Three selections on fields A, B, C; an event sets any of them to "1".
const char* kSel = "a: {A: 1}\nb: {B: 1}\nc: {C: 1}\n";
std::string with(const char* condition) {
    return std::string(kSel) + "condition: " + condition;
}
}  // namespace

TEST(Conditions, And) {
    EXPECT_FALSE(matches(with("a and b"), {{"A", "1"}}));
}
TEST(Conditions, AndBoth) {
    EXPECT_TRUE(matches(with("a and b"), {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, Or) {
    EXPECT_TRUE(matches(with("a or b"), {{"B", "1"}}));
}
TEST(Conditions, Not) {
    EXPECT_TRUE(matches(with("a and not b"), {{"A", "1"}}));
}
TEST(Conditions, NotExcludes) {
    EXPECT_FALSE(matches(with("a and not b"), {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, AndBindsTighterThanOr) {
    // a or (b and c): true with a alone
    EXPECT_TRUE(matches(with("a or b and c"), {{"A", "1"}}));
}
TEST(Conditions, AndBindsTighterThanOrOtherSide) {
    EXPECT_FALSE(matches(with("a or b and c"), {{"B", "1"}}));
}
TEST(Conditions, NotBindsTighterThanAnd) {
    // (not a) and b
    EXPECT_TRUE(matches(with("not a and b"), {{"B", "1"}}));
}
TEST(Conditions, ParenthesesGroup) {
    EXPECT_FALSE(matches(with("(a or b) and c"), {{"A", "1"}}));
}
TEST(Conditions, KeywordsAreCaseInsensitive) {
    EXPECT_TRUE(matches(with("a AND NOT b"), {{"A", "1"}}));
}
TEST(Conditions, OneOfPattern) {
    EXPECT_TRUE(matches("sel_a: {A: 1}\nsel_b: {B: 1}\nfilter: {C: 1}\ncondition: 1 of sel_*",
                        {{"B", "1"}}));
}
TEST(Conditions, AllOfPattern) {
    EXPECT_FALSE(matches("sel_a: {A: 1}\nsel_b: {B: 1}\nfilter: {C: 1}\ncondition: all of sel_*",
                         {{"B", "1"}}));
}
TEST(Conditions, AllOfPatternAll) {
    EXPECT_TRUE(
        matches("sel_a: {A: 1}\nsel_b: {B: 1}\ncondition: all of sel_*", {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, PatternWithStarInTheMiddle) {
    EXPECT_TRUE(
        matches("sel_x_end: {A: 1}\nsel_y_other: {B: 1}\ncondition: 1 of sel_*_end", {{"A", "1"}}));
}
TEST(Conditions, PatternWithStarInTheMiddleMisses) {
    EXPECT_FALSE(
        matches("sel_x_end: {A: 1}\nsel_y_other: {B: 1}\ncondition: 1 of sel_*_end", {{"B", "1"}}));
}
TEST(Conditions, OneOfThem) {
    EXPECT_TRUE(matches(with("1 of them"), {{"C", "1"}}));
}
TEST(Conditions, AllOfThem) {
    EXPECT_FALSE(matches(with("all of them"), {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, ThemSkipsUnderscoreIdentifiers) {
    EXPECT_TRUE(matches("a: {A: 1}\n_helper: {H: 1}\ncondition: all of them", {{"A", "1"}}));
}
TEST(Conditions, OneOfThemSkipsUnderscoreIdentifiers) {
    EXPECT_FALSE(matches("a: {A: 1}\n_helper: {H: 1}\ncondition: 1 of them", {{"H", "1"}}));
}
TEST(Conditions, NotOneOf) {
    EXPECT_FALSE(matches(
        "sel: {A: 1}\nfilter_x: {B: 1}\nfilter_y: {C: 1}\ncondition: sel and not 1 of filter_*",
        {{"A", "1"}, {"C", "1"}}));
}
TEST(Conditions, ListIsOrOfConditions) {
    EXPECT_TRUE(matches(std::string(kSel) + "condition:\n  - a and b\n  - c", {{"C", "1"}}));
}
TEST(Conditions, ListFirstItem) {
    EXPECT_FALSE(matches(std::string(kSel) + "condition:\n  - a and b\n  - c", {{"A", "1"}}));
}
TEST(Conditions, UnknownIdentifierIsRejected) {
    EXPECT_NE(rejection(with("a and d")).find("unknown search identifier 'd'"), std::string::npos);
}
TEST(Conditions, PatternMatchingNothingIsRejected) {
    EXPECT_NE(rejection(with("1 of x*")).find("matches no search identifier"), std::string::npos);
}
TEST(Conditions, ObsoleteAggregationIsRejectedWithTheReason) {
    EXPECT_NE(rejection(with("a | count() by B > 5")).find("obsolete"), std::string::npos);
}
TEST(Conditions, ObsoleteNearIsRejected) {
    EXPECT_NE(rejection(with("a near b")), "");
}
TEST(Conditions, UnbalancedParenthesesAreRejected) {
    EXPECT_NE(rejection(with("(a or b")).find("missing ')'"), std::string::npos);
}
TEST(Conditions, DanglingOperatorIsRejected) {
    EXPECT_NE(rejection(with("a and")), "");
}
TEST(Conditions, GarbageIsRejected) {
    EXPECT_NE(rejection(with("a && b")), "");
}
TEST(Conditions, MissingConditionIsRejected) {
    EXPECT_NE(rejection(kSel), "");
}
TEST(Conditions, UnusedBrokenSelectionDoesNotMatter) {
    EXPECT_TRUE(matches("a: {A: 1}\nunused: {B|nosuch: 1}\ncondition: a", {{"A", "1"}}));
}
