// The Windows event XML reader on documents written by hand: the forms Windows, wevtutil and
// Event Viewer write, and hostile documents, each refused with a clear error.
#include <gtest/gtest.h>

#include <string>

#include "collect.hpp"
#include "core/time.hpp"
#include "json/xml_event_reader.hpp"

namespace {

using vigie::core::ErrorCode;
using vigie::json::WindowsXmlParser;
using vigie::json::XmlLimits;
using vigie::test::FieldList;

constexpr std::string_view kEvent4624 =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
    "<Provider Name='Microsoft-Windows-Security-Auditing' "
    "Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/><EventID>4624</EventID><Version>2</Version>"
    "<Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>"
    "<TimeCreated SystemTime='2023-03-02T09:14:22.1234567Z'/><EventRecordID>7788</EventRecordID>"
    "<Correlation ActivityID='{AAAA0000-1111-2222-3333-444455556666}'/>"
    "<Execution ProcessID='612' ThreadID='700'/><Channel>Security</Channel>"
    "<Computer>dc01.chu.local</Computer><Security/></System><EventData>"
    "<Data Name='TargetUserName'>adm&amp;in</Data><Data Name='LogonType'>3</Data>"
    "<Data Name='IpAddress'>10.0.0.7</Data><Data Name='Empty'></Data><Data Name='Absent'/>"
    "</EventData></Event>";

std::string field(const vigie::core::Event& e, std::string_view name) {
    const auto* v = e.field(name);
    return v != nullptr ? v->text() : "<absent>";
}

vigie::core::Error parse_error(std::string_view xml, const XmlLimits& limits = {}) {
    vigie::core::Event e;
    auto r = vigie::json::parse_windows_event_xml(xml, e, limits);
    EXPECT_FALSE(r) << xml.substr(0, 200);
    if (r) return {};
    EXPECT_TRUE(e.fields().empty());
    return r.error();
}

TEST(XmlEvents, WindowsRenderingGivesTheEvtxFieldNames) {
    vigie::core::Event e;
    ASSERT_TRUE(vigie::json::parse_windows_event_xml(kEvent4624, e));
    const FieldList expected = {
        {"Provider_Name", "Microsoft-Windows-Security-Auditing"},
        {"Provider_Guid", "{54849625-5478-4994-a5ba-3e3b0328c30d}"},
        {"EventID", "4624"},
        {"Version", "2"},
        {"Level", "0"},
        {"Task", "12544"},
        {"Opcode", "0"},
        {"Keywords", "0x8020000000000000"},
        {"TimeCreated_SystemTime", "2023-03-02T09:14:22.1234567Z"},
        {"EventRecordID", "7788"},
        {"Correlation_ActivityID", "{AAAA0000-1111-2222-3333-444455556666}"},
        {"Execution_ProcessID", "612"},
        {"Execution_ThreadID", "700"},
        {"Channel", "Security"},
        {"Computer", "dc01.chu.local"},
        {"TargetUserName", "adm&in"},
        {"LogonType", "3"},
        {"IpAddress", "10.0.0.7"},
        {"Empty", ""},
        {"Absent", ""},
    };
    EXPECT_EQ(vigie::test::field_list(e), expected);
    EXPECT_EQ(e.record_id, 7788u);
    EXPECT_EQ(e.timestamp, *vigie::core::parse_iso8601("2023-03-02T09:14:22.1234567Z"));
    EXPECT_TRUE(e.field("Absent")->is_null());  // <Data Name='Absent'/>: no text at all
    EXPECT_FALSE(e.field("Empty")->is_null());  // <Data Name='Empty'></Data>: empty text
    // The tree: <Event> with its xmlns attribute, System first.
    ASSERT_NE(e.root(), vigie::core::Node::kNone);
    EXPECT_EQ(e.node(e.root()).name, "Event");
    EXPECT_EQ(e.attributes(e.node(e.root())).size(), 1u);
    EXPECT_NE(e.child(e.root(), "System"), vigie::core::Node::kNone);
}

TEST(XmlEvents, UnnamedDataUserDataAndRenderingInfoAsTheEvtxReaderNamesThem) {
    const std::string xml =
        "<Event><System><EventID Qualifiers='16384'>7036</EventID></System>"
        "<EventData><Data>Windows Update</Data><Data>stopped</Data><Binary>0A0B</Binary>"
        "</EventData></Event>";
    vigie::core::Event e;
    ASSERT_TRUE(vigie::json::parse_windows_event_xml(xml, e));
    const FieldList expected = {{"EventID", "7036"},        {"EventID_Qualifiers", "16384"},
                                {"Data", "Windows Update"}, {"Data[1]", "Windows Update"},
                                {"Data", "stopped"},        {"Data[2]", "stopped"},
                                {"Binary", "0A0B"}};
    EXPECT_EQ(vigie::test::field_list(e), expected);

    const std::string user =
        "<Event><System><EventID>1102</EventID></System><UserData><LogFileCleared xmlns='x'>"
        "<SubjectUserName>adm</SubjectUserName></LogFileCleared></UserData>"
        "<RenderingInfo Culture='fr-FR'><Message>Le journal a été effacé.</Message>"
        "<Keywords><Keyword>Audit Success</Keyword></Keywords></RenderingInfo></Event>";
    ASSERT_TRUE(vigie::json::parse_windows_event_xml(user, e));
    EXPECT_EQ(field(e, "SubjectUserName"), "adm");
    EXPECT_EQ(field(e, "UserData.LogFileCleared.SubjectUserName"), "adm");
    EXPECT_EQ(field(e, "RenderingInfo.Message"), "Le journal a été effacé.");
    EXPECT_EQ(field(e, "RenderingInfo.Keywords.Keyword"), "Audit Success");
    EXPECT_EQ(field(e, "Culture"), "<absent>");  // an attribute of a section: not a field
}

TEST(XmlEvents, PrettyPrintedCdataAndControlCharactersKeepTheirValues) {
    // Indentation between elements is not text; text in a leaf is kept as written.
    const std::string xml =
        "<?xml version='1.0' encoding='UTF-16'?>\n<Event>\n  <System>\n    <EventID>1</EventID>\n"
        "  </System>\n  <EventData>\n    <Data Name='Space'> </Data>\n"
        "    <Data Name='C'><![CDATA[a<b&c]]></Data>\n"
        "    <Data Name='Ctl'>x\x01y\x1f</Data>\n    <Data Name='Ref'>a&#13;&#10;b&#x9;</Data>\n"
        "  </EventData>\n</Event>\n";
    vigie::core::Event e;
    auto ok = vigie::json::parse_windows_event_xml(xml, e);  // declared UTF-16, read as UTF-8
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_EQ(vigie::test::field_list(e), (FieldList{{"EventID", "1"},
                                                     {"Space", " "},
                                                     {"C", "a<b&c"},
                                                     {"Ctl", "x\x01y\x1f"},
                                                     {"Ref", "a\r\nb\t"}}));
}

TEST(XmlEvents, EventsFileWevtutilStreamAndUtf16AreReadEventByEvent) {
    const std::string one(kEvent4624);
    WindowsXmlParser parser;
    auto read = [&](const std::string& bytes) {
        std::vector<std::string> computers;
        auto in = vigie::core::memory_input_stream(bytes, "events.xml");
        auto stats = parser.read_events(*in, [&](const vigie::core::Event& e) {
            computers.push_back(field(e, "Computer") + "/" + std::to_string(e.record_id));
        });
        EXPECT_TRUE(stats);
        return std::make_pair(computers, *stats);
    };
    // Event Viewer: an <Events> root.
    auto [a, sa] = read("<?xml version='1.0' encoding='utf-8' standalone='yes'?>\r\n<Events>" +
                        one + "\r\n" + one + "<Other/></Events>");
    EXPECT_EQ(a.size(), 2u);
    EXPECT_FALSE(sa.stopped);
    // wevtutil qe /f:xml: events one after another, no root.
    auto [b, sb] = read(one + "\n" + one + "\n" + one + "\n");
    EXPECT_EQ(b, std::vector<std::string>(3, "dc01.chu.local/7788"));
    EXPECT_FALSE(sb.stopped);
    // The same, redirected by PowerShell: UTF-16LE with a byte order mark.
    std::string utf16 = "\xFF\xFE";
    for (char c : one + "\r\n" + one) {
        utf16.push_back(c);
        utf16.push_back('\0');
    }
    auto [c, sc] = read(utf16);
    EXPECT_EQ(c.size(), 2u);
    EXPECT_FALSE(sc.stopped) << sc.stopped->to_string();
    // Cut in the middle of the third event: the first two were read, the cut is reported.
    auto [d, sd] = read(one + one + one.substr(0, one.size() / 2));
    EXPECT_EQ(d.size(), 2u);
    ASSERT_TRUE(sd.stopped);
    EXPECT_EQ(sd.stopped->code, ErrorCode::kParse);
    EXPECT_EQ(sd.stopped->location.file, "events.xml");
}

TEST(XmlEvents, ParserIsReusedAcrossDocuments) {
    WindowsXmlParser parser;
    vigie::core::Event e;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(parser.parse_event(kEvent4624, e));
        EXPECT_EQ(field(e, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
        EXPECT_FALSE(parser.parse_event("<Event><System>", e));
        EXPECT_TRUE(e.fields().empty());
    }
}

TEST(XmlEvents, HostileDocumentsGetClearErrors) {
    // Cut, wrong nesting, not an event, two events, nothing.
    EXPECT_EQ(parse_error(kEvent4624.substr(0, 300)).code, ErrorCode::kParse);
    auto wrong = parse_error("<Event><System></Event></System>");
    EXPECT_EQ(wrong.code, ErrorCode::kParse);
    EXPECT_NE(wrong.message.find("line 1"), std::string::npos) << wrong.message;
    EXPECT_NE(parse_error("<Foo/>").message.find("not <Event>"), std::string::npos);
    EXPECT_NE(parse_error("<Events><Event/><Event/></Events>").message.find("more than one"),
              std::string::npos);
    EXPECT_EQ(parse_error("<Events></Events>").code, ErrorCode::kParse);
    EXPECT_EQ(parse_error("").code, ErrorCode::kParse);
    // DOCTYPE, entity bombs, external entities: refused before any expansion.
    const std::string bomb =
        "<?xml version='1.0'?><!DOCTYPE Event [<!ENTITY a 'aaaaaaaaaa'>"
        "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
        "<Event><System><Computer>&c;</Computer></System></Event>";
    EXPECT_NE(parse_error(bomb).message.find("DOCTYPE"), std::string::npos);
    EXPECT_NE(parse_error("<!DOCTYPE Event SYSTEM 'file:///etc/passwd'><Event>&x;</Event>")
                  .message.find("DOCTYPE"),
              std::string::npos);
    EXPECT_EQ(parse_error("<Event><System><Computer>&x;</Computer></System></Event>").code,
              ErrorCode::kParse);  // undefined entity
    // Invalid UTF-8, NUL bytes, a character reference to a forbidden character.
    EXPECT_EQ(parse_error("<Event><System><Computer>\xC3\x28</Computer></System></Event>").code,
              ErrorCode::kParse);
    EXPECT_NE(
        parse_error(std::string("<Event><System>\0</System></Event>", 32)).message.find("NUL"),
        std::string::npos);
    EXPECT_EQ(parse_error("<Event><System><Computer>&#0;</Computer></System></Event>").code,
              ErrorCode::kParse);
    // Limits: bytes, depth, nodes, a huge attribute.
    XmlLimits small;
    small.max_bytes = 500;
    small.max_depth = 8;
    small.max_nodes = 50;
    EXPECT_EQ(parse_error(kEvent4624, small).code, ErrorCode::kLimitExceeded);  // about 1,000 bytes
    std::string deep = "<Event>";
    for (int i = 0; i < 20; ++i) deep += "<a>";
    EXPECT_NE(parse_error(deep, small).message.find("deeper than 8"), std::string::npos);
    std::string many = "<Event><EventData>";
    for (int i = 0; i < 60; ++i) many += "<Data/>";
    many += "</EventData></Event>";
    EXPECT_NE(parse_error(many, small).message.find("more than 50 nodes"), std::string::npos);
    std::string deeper = "<Event>";
    for (int i = 0; i < 100'000; ++i) deeper += "<a>";
    EXPECT_EQ(parse_error(deeper).code, ErrorCode::kLimitExceeded);  // default depth 64
    const std::string huge = "<Event><System><Provider Name='" + std::string(5 << 20, 'x') + "'/>";
    EXPECT_EQ(parse_error(huge).code, ErrorCode::kLimitExceeded);  // default 4 MiB
}

TEST(XmlEvents, StreamingBoundsEachEventAndEachUnfinishedToken) {
    XmlLimits limits;
    limits.max_bytes = 64 << 10;
    WindowsXmlParser parser(limits);
    std::uint64_t visited = 0;
    auto count = [&](const vigie::core::Event&) { ++visited; };
    // A small event, then an attribute value that never ends: refused once past the limit,
    // without buffering the whole 8 MiB.
    const std::string endless =
        std::string(kEvent4624) + "<Event><System><Provider Name='" + std::string(8 << 20, 'x');
    auto in = vigie::core::memory_input_stream(endless, "endless.xml");
    auto stats = parser.read_events(*in, count);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->events, 1u);
    ASSERT_TRUE(stats->stopped);
    EXPECT_EQ(stats->stopped->code, vigie::core::ErrorCode::kLimitExceeded);
    // One event larger than the limit in many small elements.
    std::string big = "<Events><Event><EventData>";
    for (int i = 0; i < 10'000; ++i) big += "<Data>0123456789</Data>";
    big += "</EventData></Event></Events>";
    in = vigie::core::memory_input_stream(big, "big.xml");
    stats = parser.read_events(*in, count);
    ASSERT_TRUE(stats);
    ASSERT_TRUE(stats->stopped);
    EXPECT_NE(stats->stopped->message.find("larger than"), std::string::npos);
}

}  // namespace
