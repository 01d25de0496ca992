// OpenWEC's output formats (Json, JsonRaw, Nxlog, Raw XML) and NXLog CE's im_msvistalog +
// to_json(), from the hand-written samples in tests/json/fixtures/ (the same events in each
// form, after OpenWEC's doc/formats.md and NXLog's field list), read by the file reader and
// by the per-event entry point a daemon uses (event_text.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "collect.hpp"
#include "core/time.hpp"
#include "json/event_text.hpp"

namespace {

using vigie::json::JsonFormat;
using vigie::test::FieldList;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/tests/json/fixtures/" + name,
                     std::ios::binary);
    EXPECT_TRUE(in) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Parsed {
    FieldList fields;  // in order
    vigie::json::JsonFormat format = JsonFormat::kAuto;
    std::uint64_t record_id = 0, timestamp = 0;
    bool has_tree = false;
};

Parsed parse(vigie::json::EventTextParser& parser, std::string_view text) {
    vigie::core::Event e;
    auto format = parser.build_event(text, e);
    EXPECT_TRUE(format) << format.error().to_string();
    if (!format) return {};
    return {vigie::test::field_list(e), *format, e.record_id, e.timestamp, !e.empty()};
}

FieldList sorted_without_openwec(FieldList l) {
    std::erase_if(l, [](const auto& f) { return f.first.rfind("OpenWEC.", 0) == 0; });
    std::sort(l.begin(), l.end());
    return l;
}

std::string at(const FieldList& l, std::string_view name) {
    for (const auto& [n, v] : l) {
        if (n == name) return v;
    }
    return "<absent>";
}

TEST(OpenWecShapes, JsonFormatGivesTheFieldsOfTheRawXml) {
    vigie::json::EventTextParser parser;
    const Parsed xml = parse(parser, fixture("openwec_4688.xml"));
    const Parsed json = parse(parser, fixture("openwec_4688.json"));
    EXPECT_EQ(xml.format, JsonFormat::kXml);
    EXPECT_EQ(json.format, JsonFormat::kOpenWec);
    // OpenWEC writes EventData from a hash map: same fields, another order.
    EXPECT_EQ(sorted_without_openwec(json.fields), sorted_without_openwec(xml.fields));
    EXPECT_EQ(at(json.fields, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(at(json.fields, "TimeCreated_SystemTime"), "2022-12-14T16:06:51.0643605Z");
    EXPECT_EQ(at(json.fields, "Execution_ProcessID"), "4");
    EXPECT_EQ(at(json.fields, "CommandLine"),
              "vssadmin.exe delete shadows /all /quiet & echo \"done\" > C:\\x");
    EXPECT_EQ(at(json.fields, "RenderingInfo.Keywords.Keyword"), "Audit Success");
    EXPECT_EQ(at(json.fields, "OpenWEC.IpAddress"), "192.168.58.100");
    EXPECT_EQ(at(json.fields, "OpenWEC.Subscription.Name"), "Test");
    EXPECT_EQ(at(json.fields, "IpAddress"), "<absent>");  // metadata never by a bare name
    EXPECT_EQ(json.record_id, 114689u);
    EXPECT_EQ(xml.record_id, 114689u);
    EXPECT_EQ(json.timestamp, *vigie::core::parse_iso8601("2022-12-14T16:06:51.0643605Z"));
    EXPECT_EQ(json.timestamp, xml.timestamp);
}

TEST(OpenWecShapes, UserDataStringIsReadAsXml) {
    vigie::json::EventTextParser parser;
    const Parsed xml = parse(parser, fixture("openwec_1102_userdata.xml"));
    const Parsed json = parse(parser, fixture("openwec_1102_userdata.json"));
    EXPECT_EQ(json.format, JsonFormat::kOpenWec);
    EXPECT_EQ(sorted_without_openwec(json.fields), sorted_without_openwec(xml.fields));
    EXPECT_EQ(at(json.fields, "UserData.LogFileCleared.SubjectUserName"), "Administrateur");
    EXPECT_EQ(at(json.fields, "Security_UserID"), "<absent>");
}

TEST(OpenWecShapes, JsonRawCarriesTheXmlAndItsMetadata) {
    vigie::json::EventTextParser parser;
    const Parsed xml = parse(parser, fixture("openwec_4688.xml"));
    const Parsed raw = parse(parser, fixture("openwec_4688_raw.json"));
    EXPECT_EQ(raw.format, JsonFormat::kOpenWecRaw);
    ASSERT_GT(raw.fields.size(), xml.fields.size());
    // The XML's fields first, in its order, then the metadata.
    EXPECT_EQ(FieldList(raw.fields.begin(), raw.fields.begin() + xml.fields.size()), xml.fields);
    EXPECT_EQ(at(raw.fields, "OpenWEC.Principal"), "WIN10$@WINDOMAIN.LOCAL");
    EXPECT_TRUE(raw.has_tree);
    EXPECT_EQ(raw.record_id, 114689u);
    // The file reader reads it too.
    auto c = vigie::test::collect(fixture("openwec_4688_raw.json"));
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.infos[0].shape, JsonFormat::kOpenWecRaw);
    // Data that is not an event: an error for the daemon, a malformed object for the reader.
    vigie::core::Event e;
    const std::string bad = R"({"meta":{"IpAddress":"10.0.0.1"},"data":"<Event><System>"})";
    EXPECT_EQ(parser.build_event(bad, e).error().code, vigie::core::ErrorCode::kParse);
    c = vigie::test::collect(bad);
    EXPECT_EQ(c.events.size(), 0u);
    EXPECT_EQ(c.stats.malformed, 1u);
}

TEST(OpenWecShapes, OpenWecNxlogFormatGivesTheWindowsNames) {
    vigie::json::EventTextParser parser;
    const Parsed xml = parse(parser, fixture("openwec_4688.xml"));
    const Parsed nx = parse(parser, fixture("openwec_4688_nxlog.json"));
    EXPECT_EQ(nx.format, JsonFormat::kFlat);
    for (const char* name :
         {"Provider_Name", "EventID", "Version", "Task", "Keywords", "EventRecordID",
          "Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer", "CommandLine",
          "SubjectUserSid", "NewProcessName", "ParentProcessName", "TokenElevationType"}) {
        EXPECT_EQ(at(nx.fields, name), at(xml.fields, name)) << name;
    }
    // Upper-cased by OpenWEC's Nxlog formatter; the Windows rendering is lower case.
    EXPECT_EQ(at(nx.fields, "Provider_Guid"), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
    EXPECT_EQ(at(nx.fields, "Opcode"), "Info");  // the rendered name wins over OpcodeValue
    EXPECT_EQ(nx.record_id, 114689u);
    EXPECT_EQ(nx.timestamp, xml.timestamp);
    EXPECT_EQ(at(nx.fields, "OpenWEC.IpAddress"), "192.168.58.100");
}

TEST(OpenWecShapes, NxlogCeMsvistalogToJson) {
    const auto c = vigie::test::collect(fixture("nxlog_ce_7045.jsonl"));
    ASSERT_EQ(c.events.size(), 2u);
    EXPECT_EQ(c.infos[0].shape, JsonFormat::kFlat);
    EXPECT_EQ(c.at(0, "Computer"), "SRV-FICHIERS.chu.local");
    EXPECT_EQ(c.at(0, "Provider_Name"), "Service Control Manager");
    EXPECT_EQ(c.at(0, "Provider_Guid"), "{555908D1-A6D7-4695-8E1E-26931D2012F4}");
    EXPECT_EQ(c.at(0, "EventRecordID"), "48213");
    EXPECT_EQ(c.at(0, "Execution_ProcessID"), "712");
    EXPECT_EQ(c.at(0, "Security_UserID"), "S-1-5-21-1-2-3-1107");
    EXPECT_EQ(c.at(0, "Correlation_ActivityID"), "{3A0C1B6E-4D3B-0002-1C2E-0C3A3B4DD901}");
    EXPECT_EQ(c.at(0, "Keywords"), "0x8080000000000000");
    EXPECT_EQ(c.at(0, "ServiceName"), "PSEXESVC");
    EXPECT_EQ(c.at(0, "ImagePath"), "%SystemRoot%\\PSEXESVC.exe");
    EXPECT_EQ(c.record_ids[0], 48213u);
    // EventTime has no zone (the sender's local time): taken as UTC.
    EXPECT_EQ(c.timestamps[0], *vigie::core::parse_iso8601("2023-03-02T10:02:11Z"));
    EXPECT_EQ(c.at(1, "Keywords"), "0x8000000000000000");  // INT64_MIN, the top bit alone
    EXPECT_EQ(c.count(1, "Data"), 3u);
    EXPECT_EQ(c.at(1, "Data[2]"), "CHU");
    EXPECT_EQ(c.at(1, "Opcode"), "0");  // no rendered name: OpcodeValue
}

TEST(OpenWecShapes, ShapeDetectionKeepsEvtxCrateApart) {
    vigie::json::EventTextParser parser;
    // Velociraptor's parse_evtx(): the crate's shape without the Event wrapper.
    const Parsed crate = parse(
        parser,
        R"({"System":{"Provider":{"#attributes":{"Name":"P"}},"EventID":1,)"
        R"("TimeCreated":{"#attributes":{"SystemTime":"2023-01-01T00:00:00Z"}}},"EventData":{"A":"b"}})");
    EXPECT_EQ(crate.format, JsonFormat::kEvtxCrate);
    EXPECT_EQ(at(crate.fields, "Provider_Name"), "P");
    EXPECT_EQ(at(crate.fields, "TimeCreated_SystemTime"), "2023-01-01T00:00:00Z");
    // OpenWEC without its metadata is still recognised by its System.
    const Parsed bare = parse(parser, R"({"System":{"Provider":{"Name":"P"},"EventID":1}})");
    EXPECT_EQ(bare.format, JsonFormat::kOpenWec);
    EXPECT_EQ(at(bare.fields, "Provider_Name"), "P");
    EXPECT_EQ(vigie::json::parse_json_format("openwec"), JsonFormat::kOpenWec);
    EXPECT_EQ(vigie::json::parse_json_format("openwec-raw"), JsonFormat::kOpenWecRaw);
    EXPECT_EQ(vigie::json::parse_json_format("nxlog"), JsonFormat::kFlat);
}

TEST(OpenWecShapes, EventTextParserRefusesWhatIsNotAnEvent) {
    vigie::json::EventTextParser parser;
    vigie::core::Event e;
    for (std::string_view text : {"", "   \n", "hello", "[1,2]", "{\"a\":", "42", "<Event"}) {
        auto r = parser.build_event(text, e);
        EXPECT_FALSE(r) << text;
        EXPECT_TRUE(e.fields().empty()) << text;
    }
    // A JSON object with bytes that are not UTF-8 is repaired, as in files.
    auto r = parser.build_event("{\"EventID\":4624,\"Computer\":\"PC\xE9\"}", e);
    ASSERT_TRUE(r);
    EXPECT_EQ(e.field("Computer")->text(), "PC\xEF\xBF\xBD");
    // Leading byte order mark and whitespace before XML.
    r = parser.build_event("\xEF\xBB\xBF\n <Event><System><EventID>4</EventID></System></Event>",
                           e);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, JsonFormat::kXml);
    EXPECT_EQ(e.field("EventID")->text(), "4");
    vigie::json::EventTextOptions options;
    options.max_json_bytes = 16;
    vigie::json::EventTextParser small(options);
    EXPECT_EQ(small.build_event(R"({"EventID":4624,"Computer":"PC"})", e).error().code,
              vigie::core::ErrorCode::kLimitExceeded);
}

}  // namespace
