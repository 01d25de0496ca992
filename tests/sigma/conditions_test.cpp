// The condition grammar of the Sigma specification: operators, precedence, `x of`, lists.
#include <gtest/gtest.h>

#include "match_helpers.hpp"

using testing::IsSubstring;
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
TEST(Conditions, Single) {
    EXPECT_TRUE(matches(with("a"), {{"A", "1"}}));
}
TEST(Conditions, SingleMisses) {
    EXPECT_FALSE(matches(with("a"), {{"B", "1"}}));
}
TEST(Conditions, Or) {
    EXPECT_TRUE(matches(with("a or b"), {{"B", "1"}}));
}
TEST(Conditions, OrNeither) {
    EXPECT_FALSE(matches(with("a or b"), {{"C", "1"}}));
}
TEST(Conditions, ThreeWayAnd) {
    EXPECT_FALSE(matches(with("a and b and c"), {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, ThreeWayOr) {
    EXPECT_TRUE(matches(with("a or b or c"), {{"C", "1"}}));
}
TEST(Conditions, NotAlone) {
    EXPECT_TRUE(matches(with("not a"), {{"B", "1"}}));
}
TEST(Conditions, DoubleNot) {
    EXPECT_TRUE(matches(with("not not a"), {{"A", "1"}}));
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
TEST(Conditions, NotBindsTighterThanAndNotTheWhole) {
    // (not a) and b, not not (a and b)
    EXPECT_FALSE(matches(with("not a and b"), {{"C", "1"}}));
}
TEST(Conditions, NotOfParentheses) {
    EXPECT_FALSE(matches(with("not (a or b)"), {{"B", "1"}}));
}
TEST(Conditions, ParenthesesGroup) {
    EXPECT_FALSE(matches(with("(a or b) and c"), {{"A", "1"}}));
}
TEST(Conditions, ParenthesesGroupBoth) {
    EXPECT_TRUE(matches(with("(a or b) and c"), {{"B", "1"}, {"C", "1"}}));
}
TEST(Conditions, NestedParentheses) {
    EXPECT_TRUE(matches(with("((a and (b or c)))"), {{"A", "1"}, {"C", "1"}}));
}
// pySigma's grammar knows lower-case operators only; upper case is accepted here as well, since
// it can only mean the operator (identifiers named AND/OR/NOT are not usable anyway).
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
TEST(Conditions, OneOfPatternWithoutUnderscore) {
    EXPECT_TRUE(matches("selection1: {A: 1}\nselection2: {B: 1}\ncondition: 1 of selection*",
                        {{"B", "1"}}));
}
TEST(Conditions, AnyOfIsOneOf) {
    EXPECT_TRUE(matches("sel_a: {A: 1}\nsel_b: {B: 1}\ncondition: any of sel_*", {{"B", "1"}}));
}
TEST(Conditions, OneOfPatternAndIdentifier) {
    EXPECT_FALSE(matches("sel_a: {A: 1}\nsel_b: {B: 1}\nkw: {C: 1}\ncondition: 1 of sel_* and kw",
                         {{"A", "1"}}));
}
TEST(Conditions, PatternIsAnchored) {
    EXPECT_FALSE(matches("sel: {A: 1}\nmysel: {B: 1}\ncondition: 1 of sel*", {{"B", "1"}}));
}
TEST(Conditions, PatternWithoutStarIsOneIdentifier) {
    EXPECT_TRUE(matches("sel: {A: 1}\nsel2: {B: 1}\ncondition: all of sel", {{"A", "1"}}));
}
// pySigma: a pattern that does not start with `_` leaves `_`-prefixed identifiers out (they are
// the convention for helpers and for filters added to a rule); one starting with `_` finds them.
TEST(Conditions, StarPatternSkipsUnderscoreIdentifiers) {
    EXPECT_FALSE(matches("a: {A: 1}\n_helper: {H: 1}\ncondition: 1 of *", {{"H", "1"}}));
}
TEST(Conditions, InnerStarPatternSkipsUnderscoreIdentifiers) {
    EXPECT_TRUE(matches("sel_x: {A: 1}\n_sel_x: {H: 1}\ncondition: all of *sel_x", {{"A", "1"}}));
}
TEST(Conditions, UnderscorePatternFindsUnderscoreIdentifiers) {
    EXPECT_TRUE(matches("a: {A: 1}\n_helper: {H: 1}\ncondition: 1 of _*", {{"H", "1"}}));
}
TEST(Conditions, OneOfThem) {
    EXPECT_TRUE(matches(with("1 of them"), {{"C", "1"}}));
}
TEST(Conditions, OneOfThemNone) {
    EXPECT_FALSE(matches(with("1 of them"), {{"D", "1"}}));
}
TEST(Conditions, AllOfThem) {
    EXPECT_FALSE(matches(with("all of them"), {{"A", "1"}, {"B", "1"}}));
}
TEST(Conditions, AllOfThemAll) {
    EXPECT_TRUE(matches(with("all of them"), {{"A", "1"}, {"B", "1"}, {"C", "1"}}));
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
TEST(Conditions, ListOfOne) {
    EXPECT_TRUE(matches(std::string(kSel) + "condition:\n  - a", {{"A", "1"}}));
}
TEST(Conditions, IdentifiersMayHoldDashes) {
    EXPECT_TRUE(
        matches("sel-1: {A: 1}\nsel-2: {B: 1}\ncondition: sel-1 and not sel-2", {{"A", "1"}}));
}
TEST(Conditions, IdentifiersAreCaseSensitive) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown search identifier 'A'", rejection(with("A")));
}
TEST(Conditions, UnknownIdentifierIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown search identifier 'd'", rejection(with("a and d")));
}
TEST(Conditions, UnknownIdentifierInAListIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown search identifier 'd'",
                        rejection(std::string(kSel) + "condition:\n  - a\n  - d"));
}
TEST(Conditions, PatternMatchingNothingIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "matches no search identifier", rejection(with("1 of x*")));
}
TEST(Conditions, ThemWithOnlyUnderscoreIdentifiersIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "matches no search identifier",
                        rejection("_a: {A: 1}\ncondition: 1 of them"));
}
TEST(Conditions, OfWithoutPatternIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "after 'of'", rejection(with("1 of")));
}
TEST(Conditions, ObsoleteAggregationIsRejectedWithTheReason) {
    EXPECT_PRED_FORMAT2(IsSubstring, "obsolete", rejection(with("a | count() by B > 5")));
}
TEST(Conditions, ObsoleteCountAloneIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "obsolete", rejection(with("a | count() > 5")));
}
// Sigma 1 wrote `near` as an aggregation: `selection | near a and not b`.
TEST(Conditions, ObsoleteNearIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "obsolete", rejection(with("a | near b and not c")));
}
TEST(Conditions, UnbalancedParenthesesAreRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "missing ')'", rejection(with("(a or b")));
}
TEST(Conditions, ExtraClosingParenthesisIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unexpected ')'", rejection(with("a or b)")));
}
TEST(Conditions, EmptyParenthesesAreRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unexpected ')'", rejection(with("()")));
}
TEST(Conditions, DanglingOperatorIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "expression expected", rejection(with("a and")));
}
TEST(Conditions, LeadingOperatorIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "'or' without an operand", rejection(with("or a")));
}
TEST(Conditions, NotAloneIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "expression expected", rejection(with("not")));
}
TEST(Conditions, TwoIdentifiersWithoutOperatorAreRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unexpected 'b'", rejection(with("a b")));
}
TEST(Conditions, GarbageIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unexpected character '&'", rejection(with("a && b")));
}
TEST(Conditions, EmptyConditionIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "expression expected", rejection(with("''")));
}
TEST(Conditions, NullConditionIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "expression expected", rejection(with("")));
}
TEST(Conditions, EmptyListConditionIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "no condition", rejection(with("[]")));
}
TEST(Conditions, MissingConditionIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "no condition", rejection(kSel));
}
TEST(Conditions, ErrorsNameTheColumn) {
    EXPECT_PRED_FORMAT2(IsSubstring, "at column 7", rejection(with("a and d")));
}
TEST(Conditions, UnusedBrokenSelectionDoesNotMatter) {
    EXPECT_TRUE(matches("a: {A: 1}\nunused: {B|nosuch: 1}\ncondition: a", {{"A", "1"}}));
}
