// BinXML value tokens of every type a value token can carry, outside substitutions, as recent
// Windows builds write them (Defender 1116/1117/1151, RDP 1149): read and rendered as the Rust
// evtx crate renders them. Constructs the reader does not know cost themselves, not the record.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/byte_source.hpp"
#include "evtx/binxml.hpp"
#include "evtx/support.hpp"
#include "evtx/writer.hpp"
#include "evtx/xml_render.hpp"

using namespace vigie;

namespace {

// Windows layout: Data1 to Data3 little-endian, Data4 as stored.
// B22D8A5F-600C-45FE-88B8-AB70561B9DCD, the Detection ID of a Defender 1116 event.
constexpr std::array<std::uint8_t, 16> kGuid = {0x5F, 0x8A, 0x2D, 0xB2, 0x0C, 0x60, 0xFE, 0x45,
                                                0x88, 0xB8, 0xAB, 0x70, 0x56, 0x1B, 0x9D, 0xCD};
// S-1-5-18 and S-1-5-21-3623811015-3361044348-30300820-1013.
constexpr std::array<std::uint8_t, 12> kSystemSid = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
constexpr std::array<std::uint8_t, 28> kUserSid = {
    0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00, 0xC7, 0xF7,
    0xFE, 0xD7, 0x7C, 0x77, 0x55, 0xC8, 0x94, 0x5A, 0xCE, 0x01, 0xF5, 0x03, 0x00, 0x00};
// A UInt32 value no other field holds, to find its value token in the file.
constexpr std::uint32_t kMarker = 0xA1B2C3D4;

struct Field {
    const char* name;
    core::Value value;
    const char* json;  ///< as the evtx crate writes it in JSON
    const char* xml;   ///< as it writes it in XML
};

// One field per type, with the crate's rendering: integers and booleans bare in JSON, every
// other scalar a string; GUIDs upper-case without braces; FILETIMEs with microseconds;
// hexadecimal integers 0x-prefixed lower-case.
std::vector<Field> fields() {
    const core::FileTimeTicks detection = *core::parse_iso8601("2020-12-11T12:28:42.885Z");
    return {
        {"Product Name", core::Value::utf8("Microsoft Defender Antivirus"),
         R"("Microsoft Defender Antivirus")", "Microsoft Defender Antivirus"},
        {"Int8", core::Value::int64(-5).with_width(1), "-5", "-5"},
        {"UInt8", core::Value::uint64(200).with_width(1), "200", "200"},
        {"Int16", core::Value::int64(-300).with_width(2), "-300", "-300"},
        {"UInt16", core::Value::uint64(60000).with_width(2), "60000", "60000"},
        {"Int32", core::Value::int64(-70000).with_width(4), "-70000", "-70000"},
        {"Marker", core::Value::uint64(kMarker).with_width(4), "2712847316", "2712847316"},
        {"Int64", core::Value::int64(-5000000000).with_width(8), "-5000000000", "-5000000000"},
        {"UInt64", core::Value::uint64(18446744073709551615ULL).with_width(8),
         "18446744073709551615", "18446744073709551615"},
        {"Real32", core::Value::real32(1.5F), R"("1.5")", "1.5"},
        {"Real64", core::Value::real64(-0.25), R"("-0.25")", "-0.25"},
        {"Bool", core::Value::boolean(true), "true", "true"},
        {"Detection ID", core::Value::guid(kGuid.data()),
         R"("B22D8A5F-600C-45FE-88B8-AB70561B9DCD")", "B22D8A5F-600C-45FE-88B8-AB70561B9DCD"},
        {"Detection Time", core::Value::filetime(detection), R"("2020-12-11T12:28:42.885000Z")",
         "2020-12-11T12:28:42.885000Z"},
        {"System SID", core::Value::sid(kSystemSid.data(), kSystemSid.size()), R"("S-1-5-18")",
         "S-1-5-18"},
        {"User SID", core::Value::sid(kUserSid.data(), kUserSid.size()),
         R"("S-1-5-21-3623811015-3361044348-30300820-1013")",
         "S-1-5-21-3623811015-3361044348-30300820-1013"},
        {"HexInt32", core::Value::hex32(0x1A2B), R"("0x1a2b")", "0x1a2b"},
        {"HexInt64", core::Value::hex64(0x8000000000000000ULL), R"("0x8000000000000000")",
         "0x8000000000000000"},
    };
}

// A Defender-like event: every <Data> value and the Execution attributes are value tokens.
void build_event(core::Event& e, std::uint64_t record_id) {
    e.clear();
    e.record_id = record_id;
    e.timestamp = *core::parse_iso8601("2020-12-11T12:28:44.3178756Z");
    e.open_element("Event");
    e.add_attribute("xmlns",
                    core::Value::utf8("http://schemas.microsoft.com/win/2004/08/events/event"));
    e.open_element("System");
    e.open_element("EventID");
    e.add_text(core::Value::uint64(1116).with_width(2));
    e.close_element();
    e.open_element("Execution");
    e.add_attribute("ProcessID", core::Value::uint64(4172).with_width(4));
    e.add_attribute("ThreadID", core::Value::uint64(3144).with_width(4));
    e.close_element();
    e.open_element("EventRecordID");
    e.add_text(core::Value::uint64(record_id).with_width(8));
    e.close_element();
    e.close_element();
    e.open_element("EventData");
    for (const Field& f : fields()) {
        e.open_element("Data");
        e.add_attribute("Name", core::Value::utf8(f.name));
        e.add_text(f.value);
        e.close_element();
    }
    e.close_element();
    e.close_element();
}

std::vector<std::uint8_t> fixture(bool value_tokens, int records = 3) {
    evtx::EvtxWriter writer;
    writer.set_value_tokens(value_tokens);
    core::Event e;
    for (int i = 1; i <= records; ++i) {
        build_event(e, static_cast<std::uint64_t>(i));
        EXPECT_TRUE(writer.add(e));
    }
    return writer.finish();
}

// Offset of the value token [0x05, type, value...] whose value bytes are `value`.
std::size_t find_value_token(const std::vector<std::uint8_t>& bytes, std::uint8_t type,
                             std::span<const std::uint8_t> value) {
    std::vector<std::uint8_t> needle = {evtx::token::kValue, type};
    needle.insert(needle.end(), value.begin(), value.end());
    const auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
    EXPECT_NE(at, bytes.end());
    return static_cast<std::size_t>(at - bytes.begin());
}

std::size_t find_marker(const std::vector<std::uint8_t>& bytes) {
    std::array<std::uint8_t, 4> marker{};
    std::memcpy(marker.data(), &kMarker, 4);
    return find_value_token(bytes, evtx::value_type::kUInt32, marker);
}

struct Read {
    test::DumpResult dump;
    std::vector<std::string> xml;
};

Read read(const std::vector<std::uint8_t>& bytes) {
    Read r;
    auto file = evtx::EvtxFile::open(core::memory_source(bytes));
    EXPECT_TRUE(file);
    if (!file) return r;
    r.dump = test::dump_file(*file);
    evtx::ReadOptions options;
    evtx::for_each_event<int>(
        *file, options,
        [&](const core::Event& e, const evtx::RecordInfo&, int&, unsigned) {
            std::string line;
            evtx::render_xml(e, line);
            r.xml.push_back(std::move(line));
        },
        [](int&&) {});
    return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(ValueTokens, TheWriterPutsTypedValueTokensInTheTemplate) {
    const auto bytes = fixture(true);
    // Value tokens of each type, not substitutions: find a few by their bytes.
    find_marker(bytes);
    find_value_token(bytes, evtx::value_type::kGuid, kGuid);
    find_value_token(bytes, evtx::value_type::kSid, kUserSid);
    const std::array<std::uint8_t, 4> pid = {0x4C, 0x10, 0, 0};  // 4172
    find_value_token(bytes, evtx::value_type::kUInt32, pid);
}

TEST(ValueTokens, EveryTypeReadsAndRendersAsTheEvtxCrate) {
    const Read r = read(fixture(true));
    EXPECT_EQ(r.dump.stats.records, 3u);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    EXPECT_EQ(r.dump.stats.records_partial, 0u);
    EXPECT_TRUE(r.dump.stats.problems.empty());
    ASSERT_EQ(r.dump.json_lines.size(), 3u);
    ASSERT_EQ(r.xml.size(), 3u);
    const std::string& json = r.dump.json_lines[0];
    const std::string& xml = r.xml[0];
    for (const Field& f : fields()) {
        EXPECT_TRUE(contains(json, fmt::format(R"("{}":{})", f.name, f.json)))
            << f.name << " in " << json;
        EXPECT_TRUE(contains(xml, fmt::format(R"(<Data Name="{}">{}</Data>)", f.name, f.xml)))
            << f.name << " in " << xml;
    }
    EXPECT_TRUE(contains(json, R"("EventID":1116)")) << json;
    EXPECT_TRUE(contains(json, R"("Execution":{"#attributes":{"ProcessID":4172,"ThreadID":3144}})"))
        << json;
    EXPECT_TRUE(contains(xml, R"(<Execution ProcessID="4172" ThreadID="3144"/>)")) << xml;
    EXPECT_TRUE(contains(r.dump.json_lines[2], R"("EventRecordID":3)"));
}

TEST(ValueTokens, RenderLikeTheSameValuesInSubstitutions) {
    const Read tokens = read(fixture(true));
    const Read substitutions = read(fixture(false));
    EXPECT_EQ(tokens.dump.json_lines, substitutions.dump.json_lines);
    EXPECT_EQ(tokens.xml, substitutions.xml);
}

TEST(ValueTokens, SystemTimeValueToken) {
    // The writer has no SYSTEMTIME values (they read as FILETIMEs): turn the GUID value token,
    // 16 bytes too, into a SYSTEMTIME one. Thursday 2021-03-04 05:06:07.089.
    auto bytes = fixture(true, 1);
    const std::size_t at = find_value_token(bytes, evtx::value_type::kGuid, kGuid);
    const std::uint16_t systime[8] = {2021, 3, 4, 4, 5, 6, 7, 89};
    bytes[at + 1] = evtx::value_type::kSysTime;
    std::memcpy(bytes.data() + at + 2, systime, sizeof systime);
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    ASSERT_EQ(r.dump.json_lines.size(), 1u);
    EXPECT_TRUE(contains(r.dump.json_lines[0], R"("Detection ID":"2021-03-04T05:06:07.089000Z")"))
        << r.dump.json_lines[0];
}

TEST(ValueTokens, NullValueTokenIsAnEmptyValue) {
    // A Null value token has no data: replace the marker's token (six bytes) by a Null value
    // token with the more-data flag and an empty string token, six bytes too.
    auto bytes = fixture(true, 1);
    const std::size_t at = find_marker(bytes);
    const std::uint8_t replacement[6] = {
        0x45, evtx::value_type::kNull, 0x05, evtx::value_type::kString, 0, 0};
    std::memcpy(bytes.data() + at, replacement, sizeof replacement);
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    EXPECT_EQ(r.dump.stats.records_partial, 0u);
    ASSERT_EQ(r.xml.size(), 1u);
    EXPECT_TRUE(contains(r.xml[0], R"(<Data Name="Marker"></Data>)")) << r.xml[0];
    EXPECT_TRUE(contains(r.xml[0], R"(<Data Name="Int64">-5000000000</Data>)")) << r.xml[0];
}

TEST(ValueTokens, UnsizedValueTokenCostsTheRestOfItsFragmentNotTheRecord) {
    // A binary value token has no size of its own: nothing after it in its fragment can be
    // found. The record keeps what came before, and the skip is counted.
    auto bytes = fixture(true, 1);
    bytes[find_marker(bytes) + 1] = evtx::value_type::kBinary;
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records, 1u);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    EXPECT_EQ(r.dump.stats.records_partial, 1u);
    const auto words = r.dump.stats.skipped_in_words();
    ASSERT_EQ(words.size(), 1u);
    EXPECT_EQ(words[0].second, 1u);
    EXPECT_TRUE(contains(words[0].first, "value token of type 0x0e (Binary)")) << words[0].first;
    ASSERT_EQ(r.xml.size(), 1u);
    EXPECT_TRUE(contains(r.xml[0], R"(<Data Name="Int32">-70000</Data>)")) << r.xml[0];
    EXPECT_FALSE(contains(r.xml[0], "Int64")) << r.xml[0];
    EXPECT_TRUE(contains(r.dump.json_lines[0], R"("EventID":1116)"));
}

TEST(ValueTokens, UnknownTokenCostsTheRestOfItsFragmentNotTheRecord) {
    // Each record has its own template here (its values are in it): the first one's is broken.
    auto bytes = fixture(true, 2);
    bytes[find_marker(bytes)] = 0x1F;  // not a BinXML token
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records, 2u);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    EXPECT_EQ(r.dump.stats.records_partial, 1u);
    const auto words = r.dump.stats.skipped_in_words();
    ASSERT_EQ(words.size(), 1u);
    EXPECT_EQ(words[0].second, 1u);
    EXPECT_TRUE(contains(words[0].first, "unknown BinXML token 0x1f")) << words[0].first;
    ASSERT_EQ(r.xml.size(), 2u);
    EXPECT_TRUE(contains(r.xml[0], R"(<Data Name="Int32">-70000</Data>)")) << r.xml[0];
    EXPECT_FALSE(contains(r.xml[0], "Int64")) << r.xml[0];
    EXPECT_TRUE(contains(r.xml[1], R"(<Data Name="HexInt64">0x8000000000000000</Data>)"))
        << r.xml[1];
}

TEST(ValueTokens, TruncatedValueTokenIsBoundedByItsTemplate) {
    // A SID whose sub-authority count runs past the template: the record fails cleanly (it is
    // corrupt, not unknown), the other records of the chunk are still read.
    auto bytes = fixture(true, 1);
    const std::size_t at = find_value_token(bytes, evtx::value_type::kSid, kUserSid);
    bytes[at + 3] = 0xFF;
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records + r.dump.stats.records_failed, 1u);
}

TEST(SharedData, NoRecordOfAnyFileFails) {
    VIGIE_REQUIRE_SHARED_DATA("");
    const auto files = test::files_under(test::shared_data(), ".evtx");
    ASSERT_FALSE(files.empty());
    std::uint64_t records = 0;
    for (const auto& path : files) {
        auto file = evtx::EvtxFile::open(path.string());
        ASSERT_TRUE(file) << path;
        const auto dump = test::dump_file(*file);
        records += dump.stats.records;
        EXPECT_EQ(dump.stats.records_failed, 0u) << path;
        EXPECT_EQ(dump.stats.chunks_skipped, 0u) << path;
        EXPECT_EQ(dump.stats.records_partial, 0u) << path;
        for (const auto& [what, count] : dump.stats.skipped_in_words())
            ADD_FAILURE() << path << ": " << count << " x " << what;
        EXPECT_EQ(dump.json_lines.size(), dump.stats.records) << path;
    }
    EXPECT_GT(records, 0u);
}
