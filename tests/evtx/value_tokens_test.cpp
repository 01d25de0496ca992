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
#include "evtx/format.hpp"
#include "evtx/support.hpp"
#include "evtx/value_token_fixture.hpp"
#include "evtx/writer.hpp"
#include "evtx/xml_render.hpp"

using namespace vigie;
using namespace vigie::test::value_tokens;

namespace {

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

TEST(ValueTokens, BinXmlValueTokenIsExpandedInPlace) {
    // Replace the 60-byte string value token of "Product Name" by a BinXML value token of the
    // same size: 05 21, a 16-bit byte count, then a fragment <Data>20 characters</Data> whose
    // element name points at the chunk's name "Data" (no dependency identifier inside).
    auto bytes = fixture(true, 1);
    const std::u16string product = u"Microsoft Defender Antivirus";
    std::vector<std::uint8_t> product_token = {evtx::token::kValue, evtx::value_type::kString,
                                               static_cast<std::uint8_t>(product.size()), 0};
    for (char16_t c : product) {
        product_token.push_back(static_cast<std::uint8_t>(c));
        product_token.push_back(0);
    }
    const auto token_at =
        std::search(bytes.begin(), bytes.end(), product_token.begin(), product_token.end());
    ASSERT_NE(token_at, bytes.end());
    // A name: next offset (4), hash (2), character count (2), UTF-16 "Data", NUL.
    const std::uint8_t data_chars[] = {4, 0, 'D', 0, 'a', 0, 't', 0, 'a', 0, 0, 0};
    const auto name_at =
        std::search(bytes.begin(), bytes.end(), std::begin(data_chars), std::end(data_chars));
    ASSERT_NE(name_at, bytes.end());
    const auto name_offset =
        static_cast<std::uint32_t>(name_at - bytes.begin() - 6 - evtx::kFileHeaderSize);
    const std::u16string text = u"ABCDEFGHIJKLMNOPQRST";
    std::vector<std::uint8_t> payload = {evtx::token::kOpenStartElement};
    const std::uint32_t element_size = 4 + 1 + 4 + 2 * 20 + 1;
    for (int i = 0; i < 4; ++i)
        payload.push_back(static_cast<std::uint8_t>(element_size >> (8 * i)));
    for (int i = 0; i < 4; ++i)
        payload.push_back(static_cast<std::uint8_t>(name_offset >> (8 * i)));
    payload.push_back(evtx::token::kCloseStartElement);
    payload.insert(payload.end(), {evtx::token::kValue, evtx::value_type::kString, 20, 0});
    for (char16_t c : text) {
        payload.push_back(static_cast<std::uint8_t>(c));
        payload.push_back(0);
    }
    payload.push_back(evtx::token::kEndElement);
    payload.push_back(evtx::token::kEof);
    std::vector<std::uint8_t> token = {evtx::token::kValue, evtx::value_type::kBinXml,
                                       static_cast<std::uint8_t>(payload.size()), 0};
    token.insert(token.end(), payload.begin(), payload.end());
    ASSERT_EQ(token.size(), product_token.size());
    std::copy(token.begin(), token.end(), token_at);
    const Read r = read(bytes);
    EXPECT_EQ(r.dump.stats.records_failed, 0u);
    EXPECT_EQ(r.dump.stats.records_partial, 0u);
    ASSERT_EQ(r.xml.size(), 1u);
    EXPECT_TRUE(
        contains(r.xml[0], R"(<Data Name="Product Name"><Data>ABCDEFGHIJKLMNOPQRST</Data></Data>)"))
        << r.xml[0];
    EXPECT_TRUE(contains(r.xml[0], R"(<Data Name="Int8">-5</Data>)")) << r.xml[0];
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
