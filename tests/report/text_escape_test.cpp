// Log text made safe for the page: HTML escaping, JSON inside <script>, hidden characters made
// visible, long values bounded, and Paris time.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "report/paris_time.hpp"
#include "report/text_escape.hpp"

namespace {

using namespace vigie::report;

std::string json(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

TEST(HtmlEscape, EscapesEveryMarkupCharacter) {
    EXPECT_EQ(html(R"(<script>alert("x")</script> & 'y')"),
              "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    EXPECT_EQ(html(R"(" onerror="alert(1))"), "&quot; onerror=&quot;alert(1)");
    EXPECT_EQ(html("PC-ACCUEIL-07"), "PC-ACCUEIL-07");
}

TEST(JsonInScript, CannotCloseTheScriptOrOpenAComment) {
    const std::string s = json("</script><script>alert(1)</script><!--");
    EXPECT_EQ(s.find('<'), std::string::npos) << s;
    EXPECT_EQ(s.find('>'), std::string::npos) << s;
    EXPECT_EQ(s, R"("\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e\u003c!--")");
    EXPECT_EQ(json("a&b"), R"("a\u0026b")");
    EXPECT_EQ(json("q\"b\\s\n"), R"("q\"b\\s\n")");
    EXPECT_EQ(json("\x01"), R"("\u0001")");
}

TEST(JsonInScript, EscapesLineSeparatorsAndRepairsUtf8) {
    EXPECT_EQ(json("a\u2028b\u2029c"), R"("a\u2028b\u2029c")");
    EXPECT_EQ(json("\xff\xfe"), "\"\uFFFD\uFFFD\"");
    EXPECT_EQ(json("\xc3\xa9t\xc3\xa9"), "\"été\"");
    EXPECT_EQ(json("\xed\xa0\x80"), "\"\uFFFD\uFFFD\uFFFD\"");  // a lone surrogate
    EXPECT_EQ(json("\xc0\xaf"), "\"\uFFFD\uFFFD\"");            // an overlong '/'
}

TEST(VisibleText, ShowsBidiOverridesAndControls) {
    // "invoice\u202Efdp.exe" shows as "invoiceexe.pdf" in a browser: here the override is said.
    EXPECT_EQ(visible_text("invoice\u202Efdp.exe"), "invoice[U+202E]fdp.exe");
    EXPECT_EQ(visible_text("a\u2066b\u2069c\u200Bd\uFEFF"), "a[U+2066]b[U+2069]c[U+200B]d[U+FEFF]");
    EXPECT_EQ(visible_text(std::string("nul\0x\x1b[31m", 10)), "nul[U+0000]x[U+001B][31m");
    EXPECT_EQ(visible_text("tab\tnew\nline"), "tab\tnew\nline");
    EXPECT_EQ(visible_text("ok \xe2\x82\xac"), "ok \u20ac");
}

TEST(VisibleText, BoundsLongValuesAndSaysTheirLength) {
    const std::string name(10240, 'A');
    const std::string shown = visible_text(name, 100);
    EXPECT_EQ(shown, std::string(100, 'A') + " \u2026 (10240 characters)");
    EXPECT_EQ(visible_text(std::string(100, 'b'), 100), std::string(100, 'b'));
    EXPECT_EQ(visible_text("ééé", 2), "éé \u2026 (3 characters)");
}

TEST(LogText, IsVisibleThenEscaped) {
    std::string out;
    append_log_text(out, "<b>\u202E</b>", 0);
    EXPECT_EQ(out, "&lt;b&gt;[U+202E]&lt;/b&gt;");
}

TEST(ParisTime, FollowsTheEuropeanSummerTimeRule) {
    using vigie::core::parse_iso8601;
    // 2019: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC.
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-11-15T02:13:09Z")), 3600);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-07-01T12:00:00Z")), 7200);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-03-31T00:59:59Z")), 3600);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-03-31T01:00:00Z")), 7200);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-10-27T00:59:59Z")), 7200);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2019-10-27T01:00:00Z")), 3600);
    EXPECT_EQ(paris_offset_seconds(*parse_iso8601("2026-03-29T01:00:00Z")), 7200);
    EXPECT_EQ(paris_text(*parse_iso8601("2019-11-15T23:30:00Z")), "2019-11-16 00:30:00");
    EXPECT_EQ(both_zones_text(*parse_iso8601("2019-07-01T12:05:00Z")),
              "2019-07-01 12:05 UTC (14:05 Paris)");
    EXPECT_EQ(utc_text(0), "-");
}

}  // namespace
