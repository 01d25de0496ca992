// Sigma values without modifiers: equality, wildcards, escapes, numbers, booleans, null and
// empty values, lists, maps and keyword searches (specification v2.1, "Detection"). One
// assertion per case; where the specification leaves a detail open, pySigma (the reference
// implementation) decides.
#include <gtest/gtest.h>

#include "match_helpers.hpp"

using testing::IsSubstring;
using vigie::core::Value;
using vigie::test::matches;
using vigie::test::rejection;

// ---- equality and case ---------------------------------------------------------------------

TEST(Values, EqualityIsCaseInsensitive) {
    EXPECT_TRUE(matches("sel: {Image: 'C:\\Windows\\cmd.exe'}\ncondition: sel",
                        {{"Image", "c:\\windows\\CMD.EXE"}}));
}
TEST(Values, EqualityIsWholeValue) {
    EXPECT_FALSE(matches("sel: {Image: 'C:\\Windows\\cmd.exe'}\ncondition: sel",
                         {{"Image", "C:\\Windows\\cmd.exe2"}}));
}
TEST(Values, EqualityIsNotSubstring) {
    EXPECT_FALSE(matches("sel: {Image: 'cmd.exe'}\ncondition: sel", {{"Image", "C:\\cmd.exe"}}));
}
TEST(Values, AbsentFieldDoesNotMatch) {
    EXPECT_FALSE(matches("sel: {Image: 'cmd.exe'}\ncondition: sel", {{"User", "cmd.exe"}}));
}
TEST(Values, UnicodeCaseFoldingLatin) {
    EXPECT_TRUE(matches("sel: {User: 'ÉLODIE'}\ncondition: sel", {{"User", "élodie"}}));
}
TEST(Values, UnicodeCaseFoldingLatinEventUpper) {
    EXPECT_TRUE(matches("sel: {User: 'élodie'}\ncondition: sel", {{"User", "ÉLODIE"}}));
}
TEST(Values, AccentIsNotIgnored) {
    EXPECT_FALSE(matches("sel: {User: 'Élodie'}\ncondition: sel", {{"User", "Elodie"}}));
}
TEST(Values, UnicodeCaseFoldingCyrillic) {
    EXPECT_TRUE(matches("sel: {User: 'ЖУК'}\ncondition: sel", {{"User", "жук"}}));
}
TEST(Values, UnicodeCaseFoldingCyrillicEventUpper) {
    EXPECT_TRUE(
        matches("sel: {User: 'администратор'}\ncondition: sel", {{"User", "АДМИНИСТРАТОР"}}));
}

// ---- wildcards -------------------------------------------------------------------------------

// A backslash before `*` escapes it: a path with a wildcard after a backslash is written `\\*`.
TEST(Values, StarMatchesAnyRun) {
    EXPECT_TRUE(matches("sel: {Image: 'C:\\\\*\\\\cmd.exe'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\System32\\cmd.exe"}}));
}
TEST(Values, StarInTheMiddleNeedsBothEnds) {
    EXPECT_FALSE(matches("sel: {Image: 'C:\\\\*\\\\cmd.exe'}\ncondition: sel",
                         {{"Image", "D:\\Windows\\cmd.exe"}}));
}
TEST(Values, StarMatchesAnEmptyRun) {
    EXPECT_TRUE(matches("sel: {Image: 'cmd*.exe'}\ncondition: sel", {{"Image", "cmd.exe"}}));
}
TEST(Values, TrailingStarIsPrefix) {
    EXPECT_TRUE(matches("sel: {Image: 'adm*'}\ncondition: sel", {{"Image", "ADMIN"}}));
}
TEST(Values, LeadingStarIsSuffix) {
    EXPECT_FALSE(matches("sel: {Image: '*.exe'}\ncondition: sel", {{"Image", "a.exe.txt"}}));
}
TEST(Values, TwoStarsInTheMiddle) {
    EXPECT_TRUE(matches("sel: {V: 'a*b*c'}\ncondition: sel", {{"V", "aXXbYYbZc"}}));
}
TEST(Values, LoneStarMatchesAnyValue) {
    EXPECT_TRUE(matches("sel: {V: '*'}\ncondition: sel", {{"V", ""}}));
}
TEST(Values, LoneStarNeedsTheField) {
    EXPECT_FALSE(matches("sel: {V: '*'}\ncondition: sel", {{"W", "x"}}));
}
TEST(Values, StarSpansMultiByteCharacters) {
    EXPECT_TRUE(matches("sel: {V: 'дом*ок'}\ncondition: sel", {{"V", "ДОМИК и замОК"}}));
}
TEST(Values, QuestionMarkMatchesOneCharacter) {
    EXPECT_TRUE(matches("sel: {Image: 'cmd.ex?'}\ncondition: sel", {{"Image", "cmd.exe"}}));
}
TEST(Values, QuestionMarkNeedsOneCharacter) {
    EXPECT_FALSE(matches("sel: {Image: 'cmd.ex?'}\ncondition: sel", {{"Image", "cmd.ex"}}));
}
TEST(Values, QuestionMarkMatchesOnlyOneCharacter) {
    EXPECT_FALSE(matches("sel: {Image: 'prog?.exe'}\ncondition: sel", {{"Image", "progAB.exe"}}));
}
TEST(Values, QuestionMarkMatchesOneMultiByteCharacter) {
    EXPECT_TRUE(matches("sel: {Word: 'caf?'}\ncondition: sel", {{"Word", "café"}}));
}
TEST(Values, QuestionMarkMatchesOneCyrillicCharacter) {
    EXPECT_TRUE(matches("sel: {Word: 'ж?к'}\ncondition: sel", {{"Word", "ЖУК"}}));
}
TEST(Values, QuestionMarkMatchesOneFourByteCharacter) {
    EXPECT_TRUE(matches("sel: {Word: 'a?b'}\ncondition: sel", {{"Word",
                                                                "a\xF0\x9F\x98\x80"
                                                                "b"}}));
}
TEST(Values, QuestionMarkIsNotTwoBytesOfOneCharacter) {
    EXPECT_FALSE(matches("sel: {Word: 'caf?\\?'}\ncondition: sel", {{"Word", "café"}}));
}
TEST(Values, QuestionMarkBetweenStarsIsOneCharacter) {
    EXPECT_FALSE(matches("sel: {V: '*a?c*'}\ncondition: sel", {{"V", "xxaébcxx"}}));
}
TEST(Values, QuestionMarkAndStarTogether) {
    EXPECT_TRUE(matches("sel: {V: '*a?c*'}\ncondition: sel", {{"V", "xxaécxx"}}));
}

// ---- escapes (specification: "Escape Character")
// -------------------------------------------------

TEST(Values, BackslashStarIsALiteralStar) {
    EXPECT_TRUE(
        matches("sel: {Image: 'C:\\*\\cmd.exe'}\ncondition: sel", {{"Image", "C:*\\cmd.exe"}}));
}
TEST(Values, EscapedStarIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'a\\*b'}\ncondition: sel", {{"V", "a*b"}}));
}
TEST(Values, EscapedStarIsNotAWildcard) {
    EXPECT_FALSE(matches("sel: {V: 'a\\*b'}\ncondition: sel", {{"V", "axb"}}));
}
TEST(Values, EscapedQuestionMarkIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'a\\?b'}\ncondition: sel", {{"V", "a?b"}}));
}
TEST(Values, EscapedQuestionMarkIsNotAWildcard) {
    EXPECT_FALSE(matches("sel: {V: 'a\\?b'}\ncondition: sel", {{"V", "axb"}}));
}
TEST(Values, DoubleBackslashIsOneBackslash) {
    EXPECT_TRUE(matches("sel: {V: 'a\\\\b'}\ncondition: sel", {{"V", "a\\b"}}));
}
TEST(Values, FourBackslashesAreTwo) {
    EXPECT_TRUE(
        matches("sel: {V: '\\\\\\\\server\\share'}\ncondition: sel", {{"V", "\\\\server\\share"}}));
}
TEST(Values, ThreeBackslashesAreTwo) {
    EXPECT_TRUE(matches("sel: {V: 'a\\\\\\b'}\ncondition: sel", {{"V", "a\\\\b"}}));
}
TEST(Values, EscapedBackslashThenWildcard) {
    EXPECT_TRUE(matches("sel: {V: 'C:\\\\*'}\ncondition: sel", {{"V", "C:\\Windows"}}));
}
TEST(Values, ThreeBackslashesAndStarArePlainBackslashAndStar) {
    EXPECT_TRUE(matches("sel: {V: 'a\\\\\\*'}\ncondition: sel", {{"V", "a\\*"}}));
}
TEST(Values, ThreeBackslashesAndStarAreNoWildcard) {
    EXPECT_FALSE(matches("sel: {V: 'a\\\\\\*'}\ncondition: sel", {{"V", "a\\x"}}));
}
TEST(Values, LoneBackslashBeforeOtherCharacterIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'C:\\Windows'}\ncondition: sel", {{"V", "C:\\Windows"}}));
}
TEST(Values, TrailingBackslashIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'C:\\'}\ncondition: sel", {{"V", "C:\\"}}));
}

// ---- numbers and booleans --------------------------------------------------------------------

TEST(Values, NumberMatchesItsTextForm) {
    EXPECT_TRUE(matches("sel: {EventID: 4688}\ncondition: sel", {{"EventID", "4688"}}));
}
TEST(Values, NumberIsWholeValue) {
    EXPECT_FALSE(matches("sel: {Count: 46}\ncondition: sel", {{"Count", "4688"}}));
}
TEST(Values, NumberMatchesANumericField) {
    EXPECT_TRUE(
        matches("sel: {EventID: 4688}\ncondition: sel", {{"EventID", Value::uint64(4688)}}));
}
TEST(Values, NumberDoesNotMatchAnotherNumber) {
    EXPECT_FALSE(
        matches("sel: {EventID: 4688}\ncondition: sel", {{"EventID", Value::uint64(4689)}}));
}
TEST(Values, NegativeNumber) {
    EXPECT_TRUE(matches("sel: {Delta: -5}\ncondition: sel", {{"Delta", Value::int64(-5)}}));
}
TEST(Values, QuotedNumberMatchesToo) {
    EXPECT_TRUE(
        matches("sel: {EventID: '4688'}\ncondition: sel", {{"EventID", Value::uint64(4688)}}));
}
TEST(Values, ListOfNumbers) {
    EXPECT_TRUE(matches("sel: {EventID: [517, 1102]}\ncondition: sel", {{"EventID", "1102"}}));
}
TEST(Values, BooleanMatchesItsText) {
    EXPECT_TRUE(matches("sel: {Enabled: true}\ncondition: sel", {{"Enabled", "true"}}));
}
TEST(Values, BooleanTextIsCaseInsensitive) {
    EXPECT_TRUE(matches("sel: {Enabled: false}\ncondition: sel", {{"Enabled", "False"}}));
}
TEST(Values, BooleanMatchesABooleanField) {
    EXPECT_TRUE(
        matches("sel: {Enabled: true}\ncondition: sel", {{"Enabled", Value::boolean(true)}}));
}
TEST(Values, BooleanDoesNotMatchTheOther) {
    EXPECT_FALSE(matches("sel: {Enabled: true}\ncondition: sel", {{"Enabled", "false"}}));
}

// ---- null and empty (specification: "Special Field Values")
// ---------------------------------------

TEST(Values, NullMatchesAnAbsentField) {
    EXPECT_TRUE(matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f", {{"A", "1"}}));
}
TEST(Values, NullMatchesANullValuedField) {
    EXPECT_TRUE(matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f",
                        {{"A", "1"}, {"B", Value::null()}}));
}
TEST(Values, NullDoesNotMatchAnEmptyString) {
    EXPECT_FALSE(
        matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f", {{"A", "1"}, {"B", ""}}));
}
TEST(Values, NullDoesNotMatchAValue) {
    EXPECT_FALSE(
        matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f", {{"A", "1"}, {"B", "x"}}));
}
TEST(Values, NotNullIsAnotherSelectionNegated) {
    EXPECT_TRUE(
        matches("sel: {EventID: 4738}\nfilter: {PasswordLastSet: null}\n"
                "condition: sel and not filter",
                {{"EventID", "4738"}, {"PasswordLastSet", "%%1794"}}));
}
TEST(Values, EmptyStringMatchesAnEmptyField) {
    EXPECT_TRUE(matches("sel: {B: ''}\ncondition: sel", {{"B", ""}}));
}
TEST(Values, EmptyStringDoesNotMatchAnAbsentField) {
    EXPECT_FALSE(matches("sel: {B: ''}\ncondition: sel", {{"A", "x"}}));
}
TEST(Values, EmptyStringDoesNotMatchAValue) {
    EXPECT_FALSE(matches("sel: {B: ''}\ncondition: sel", {{"B", "x"}}));
}
// An EVTX <Data> element without content is present and empty: `''` finds it as well as `null`.
TEST(Values, EmptyStringMatchesANullValuedField) {
    EXPECT_TRUE(matches("sel: {B: ''}\ncondition: sel", {{"B", Value::null()}}));
}
TEST(Values, SpecificationExampleEmptyOrNull) {
    EXPECT_TRUE(
        matches("selection_main: {FieldA: something}\nselection_empty1: {FieldB: ''}\n"
                "selection_empty2: {FieldB: null}\n"
                "condition: selection_main and 1 of selection_empty*",
                {{"FieldA", "something"}}));
}
TEST(Values, NullTakesNoModifiers) {
    EXPECT_NE(rejection("sel: {Image|contains: null}\ncondition: sel"), "");
}

// ---- lists and maps --------------------------------------------------------------------------

TEST(Values, ListIsOr) {
    EXPECT_TRUE(matches("sel: {Image: [a.exe, b.exe]}\ncondition: sel", {{"Image", "b.exe"}}));
}
TEST(Values, ListNoneMatches) {
    EXPECT_FALSE(matches("sel: {Image: [a.exe, b.exe]}\ncondition: sel", {{"Image", "c.exe"}}));
}
TEST(Values, MapIsAnd) {
    EXPECT_FALSE(matches("sel: {Image: a.exe, User: bob}\ncondition: sel",
                         {{"Image", "a.exe"}, {"User", "eve"}}));
}
TEST(Values, MapAllItems) {
    EXPECT_TRUE(matches("sel: {Image: a.exe, User: bob}\ncondition: sel",
                        {{"Image", "a.exe"}, {"User", "bob"}}));
}
TEST(Values, MapWithAListValue) {
    EXPECT_TRUE(matches("sel:\n  EventLog: Security\n  EventID: [517, 1102]\ncondition: sel",
                        {{"EventLog", "Security"}, {"EventID", Value::uint64(517)}}));
}
TEST(Values, ListOfMapsIsOrOfAnds) {
    EXPECT_TRUE(matches("sel:\n  - {Image: a.exe, User: bob}\n  - {Image: b.exe}\ncondition: sel",
                        {{"Image", "b.exe"}, {"User", "eve"}}));
}
TEST(Values, ListOfMapsNeedsOneWholeMap) {
    EXPECT_FALSE(matches("sel:\n  - {Image: a.exe, User: bob}\n  - {Image: b.exe}\ncondition: sel",
                         {{"Image", "a.exe"}, {"User", "eve"}}));
}
TEST(Values, RepeatedFieldMatchesAnyOccurrence) {
    EXPECT_TRUE(
        matches("sel: {Data: second}\ncondition: sel", {{"Data", "first"}, {"Data", "second"}}));
}
TEST(Values, EmptyListIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "empty list", rejection("sel: {Image: []}\ncondition: sel"));
}

// ---- field names -------------------------------------------------------------------------------

TEST(Values, FieldNamesIgnoreCaseAndSpaces) {
    EXPECT_TRUE(matches("sel: {ThreatName: eicar}\ncondition: sel", {{"Threat Name", "EICAR"}}));
}
TEST(Values, FieldNamesIgnoreCase) {
    EXPECT_TRUE(matches("sel: {commandline: whoami}\ncondition: sel", {{"CommandLine", "whoami"}}));
}
TEST(Values, FieldNameWithSpacesInTheRule) {
    EXPECT_TRUE(matches("sel: {'Threat Name': eicar}\ncondition: sel", {{"ThreatName", "EICAR"}}));
}
TEST(Values, FieldNamesStillDiffer) {
    EXPECT_FALSE(matches("sel: {ThreatName: eicar}\ncondition: sel", {{"ThreatID", "eicar"}}));
}

// ---- keywords (keyless values search the whole event)
// --------------------------------------------

TEST(Keywords, ListMatchesAnyFieldAnywhere) {
    EXPECT_TRUE(matches("keywords: ['event::clear', 'sekurlsa']\ncondition: keywords",
                        {{"CommandLine", "mimikatz sekurlsa::logonpasswords"}}));
}
TEST(Keywords, NoKeywordNoMatch) {
    EXPECT_FALSE(
        matches("keywords: ['event::clear']\ncondition: keywords", {{"CommandLine", "whoami"}}));
}
TEST(Keywords, SingleValue) {
    EXPECT_TRUE(matches("keywords: 'EVILSERVICE'\ncondition: keywords",
                        {{"ServiceName", "x"}, {"ImagePath", "c:\\evilservice.exe"}}));
}
TEST(Keywords, CaseInsensitive) {
    EXPECT_TRUE(matches("keywords: ['svchost.exe -n evil']\ncondition: keywords",
                        {{"Param", "C:\\SVCHOST.EXE -N EVIL"}}));
}
TEST(Keywords, WildcardInside) {
    EXPECT_TRUE(matches("keywords: ['sekurlsa::*pass']\ncondition: keywords",
                        {{"CommandLine", "x sekurlsa::logonpasswords"}}));
}
TEST(Keywords, NumericField) {
    EXPECT_TRUE(matches("keywords: [4688]\ncondition: keywords", {{"Id", Value::uint64(4688)}}));
}
TEST(Keywords, AllNeedsEveryKeyword) {
    EXPECT_FALSE(
        matches("keywords:\n  '|all': [OabVirtualDirectory, ' -ExternalUrl ']\ncondition: keywords",
                {{"Payload", "Set-OabVirtualDirectory -Identity x"}}));
}
TEST(Keywords, AllInOneField) {
    EXPECT_TRUE(
        matches("keywords:\n  '|all': [OabVirtualDirectory, ' -ExternalUrl ']\ncondition: keywords",
                {{"Payload", "Set-OabVirtualDirectory -ExternalUrl http://x"}}));
}
TEST(Keywords, AllAcrossFields) {
    EXPECT_TRUE(
        matches("keywords:\n  '|all': [OabVirtualDirectory, ' -ExternalUrl ']\ncondition: keywords",
                {{"A", "Set-OabVirtualDirectory"}, {"B", "x -ExternalUrl y"}}));
}
TEST(Keywords, ModifierWithoutField) {
    EXPECT_TRUE(matches("keywords:\n  '|endswith': '.ps1'\ncondition: keywords",
                        {{"A", "x"}, {"ScriptName", "C:\\a.PS1"}}));
}
TEST(Keywords, ModifierWithoutFieldIsAnchored) {
    EXPECT_FALSE(matches("keywords:\n  '|endswith': '.ps1'\ncondition: keywords",
                         {{"ScriptName", "C:\\a.ps1.txt"}}));
}
