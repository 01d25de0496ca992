// Windows event XML must give the same fields as the EVTX record it renders, so that a rule
// matches an event received from OpenWEC or NXLog as it matches the same event in a log file.
// Every record of the EVTX files in ../shared/data (SigmaHQ's regression data and the
// evtx-attack-samples) is rendered to XML by vigie's own renderer (what `vigie dump --format
// xml` prints), parsed back by the XML reader, and compared: field names and texts in order,
// timestamp, record id. Both as one document per record and as one <Events> file per log.
#include <gtest/gtest.h>

#include <cstdio>

#include "collect.hpp"
#include "evtx/xml_render.hpp"
#include "json/xml_event_reader.hpp"
#include "support.hpp"

namespace {

using vigie::test::FieldList;

struct Totals {
    std::size_t files = 0, records = 0, fields = 0;
};

// The XML renderer prints times with microseconds (as Event Viewer does with 7 digits, but
// vigie's text form stops at 6); EVTX holds 100 ns ticks.
std::uint64_t micros(std::uint64_t ticks) {
    return ticks / 10 * 10;
}

void compare_file(const std::filesystem::path& path, vigie::json::WindowsXmlParser& parser,
                  Totals& totals) {
    SCOPED_TRACE(path.string());
    auto file = vigie::evtx::EvtxFile::open(path.string());
    ASSERT_TRUE(file);
    vigie::evtx::ReadOptions options;
    options.threads = 1;
    std::vector<FieldList> expected;
    std::vector<std::uint64_t> timestamps, record_ids;
    std::string all = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n";
    std::string xml;
    vigie::core::Event back;
    vigie::evtx::for_each_event<int>(
        *file, options,
        [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
            xml.clear();
            vigie::evtx::render_xml(e, xml);
            all += xml;
            all += '\n';
            const FieldList want = vigie::test::field_list(e);
            const auto* id = e.field("EventRecordID");
            const std::uint64_t record_id =
                id != nullptr ? static_cast<std::uint64_t>(id->to_int().value_or(0)) : 0;
            expected.push_back(want);
            timestamps.push_back(micros(e.timestamp));
            record_ids.push_back(record_id);
            auto ok = parser.parse_event(xml, back);
            ASSERT_TRUE(ok) << ok.error().to_string() << "\n" << xml;
            EXPECT_EQ(vigie::test::field_list(back), want) << xml;
            EXPECT_EQ(back.timestamp, micros(e.timestamp));
            EXPECT_EQ(back.record_id, record_id);
            // The tree comes back too: rendering it again gives the same XML.
            std::string again;
            vigie::evtx::render_xml(back, again);
            EXPECT_EQ(again, xml);
            ++totals.records;
            totals.fields += want.size();
        },
        [](int&&) {});
    // The whole log as one Event Viewer export.
    all += "</Events>\n";
    auto in = vigie::core::memory_input_stream(all, path.string());
    std::size_t i = 0;
    auto stats = parser.read_events(*in, [&](const vigie::core::Event& e) {
        ASSERT_LT(i, expected.size());
        EXPECT_EQ(vigie::test::field_list(e), expected[i]);
        EXPECT_EQ(e.timestamp, timestamps[i]);
        EXPECT_EQ(e.record_id, record_ids[i]);
        ++i;
    });
    ASSERT_TRUE(stats);
    EXPECT_FALSE(stats->stopped) << stats->stopped->to_string();
    EXPECT_EQ(stats->events, expected.size());
    ++totals.files;
}

TEST(XmlEvtxDifferential, RegressionDataRecordsReadBackFromXmlToTheSameFields) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "sigma/regression_data", ".evtx");
    ASSERT_EQ(files.size(), 202u);
    vigie::json::WindowsXmlParser parser;
    Totals totals;
    for (const auto& path : files) compare_file(path, parser, totals);
    EXPECT_GT(totals.records, 0u);
    std::printf("regression data as XML: %zu files, %zu records, %zu fields equal\n", totals.files,
                totals.records, totals.fields);
}

TEST(XmlEvtxDifferential, AttackSamplesReadBackFromXmlToTheSameFields) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "evtx-attack-samples", ".evtx");
    ASSERT_GE(files.size(), 270u);
    vigie::json::WindowsXmlParser parser;
    Totals totals;
    for (const auto& path : files) compare_file(path, parser, totals);
    EXPECT_GT(totals.records, 8'000u);
    std::printf("attack samples as XML: %zu files, %zu records, %zu fields equal\n", totals.files,
                totals.records, totals.fields);
}

}  // namespace
