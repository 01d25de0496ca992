// Bytes from a compromised machine: the reader reports, skips and counts; it never crashes,
// hangs, reads out of bounds (the sanitizer build checks) or loses the rest of the file.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "core/byte_source.hpp"
#include "evtx/format.hpp"
#include "evtx/support.hpp"
#include "evtx/windows_event.hpp"
#include "evtx/writer.hpp"

using namespace vigie;

namespace {

std::vector<std::uint8_t> three_chunk_file() {
    evtx::EvtxWriter writer;
    core::Event event;
    for (std::uint64_t id = 1; id <= 250; ++id) {
        evtx::WindowsEventSpec s;
        s.event_id = 4624;
        s.record_id = id;
        s.time = 132'000'000'000'000'000ULL + id;
        s.data = {{"TargetUserName", "user" + std::to_string(id)},
                  {"IpAddress", "10.20.4.57"},
                  {"CommandLine", std::string(150, 'a')}};
        evtx::build_windows_event(s, event);
        EXPECT_TRUE(writer.add(event));
    }
    return writer.finish();
}

test::DumpResult read_bytes(const std::vector<std::uint8_t>& bytes, bool recover = false) {
    auto file = evtx::EvtxFile::open(core::memory_source(bytes));
    if (!file) return {};
    return test::dump_file(*file, recover);
}

std::size_t chunk_offset(std::size_t chunk) {
    return evtx::kFileHeaderSize + chunk * evtx::kChunkSize;
}

}  // namespace

TEST(HostileInput, EmptyShortAndForeignFilesGiveClearErrors) {
    const std::vector<std::uint8_t> empty;
    auto a = evtx::EvtxFile::open(core::memory_source(empty));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, core::ErrorCode::kTruncated);
    const std::string text = std::string(5000, 'x');
    auto b = evtx::EvtxFile::open(core::memory_source(
        {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, "notes.txt"));
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, core::ErrorCode::kBadSignature);
    EXPECT_NE(b.error().to_string().find("notes.txt"), std::string::npos);
}

TEST(HostileInput, BaselineFileHasSeveralChunks) {
    const auto bytes = three_chunk_file();
    const auto r = read_bytes(bytes);
    EXPECT_EQ(r.stats.chunks, 3u);
    EXPECT_EQ(r.stats.records, 250u);
    EXPECT_EQ(r.stats.checksum_failures, 0u);
}

TEST(HostileInput, BadChunkChecksumIsCountedAndTheChunkStillRead) {
    auto bytes = three_chunk_file();
    bytes[chunk_offset(0) + 60] ^= 0xFF;  // inside the CRC-covered chunk header, unused field
    const auto r = read_bytes(bytes);
    EXPECT_EQ(r.stats.checksum_failures, 1u);
    EXPECT_EQ(r.stats.records, 250u);
}

TEST(HostileInput, DestroyedChunkIsSkippedAndTheNextOneRead) {
    auto bytes = three_chunk_file();
    std::memset(bytes.data() + chunk_offset(0), 0x41, 16);  // no ElfChnk signature any more
    const auto r = read_bytes(bytes);
    EXPECT_EQ(r.stats.chunks_skipped, 1u);
    EXPECT_GT(r.stats.records, 0u);
    EXPECT_LT(r.stats.records, 250u);
}

TEST(HostileInput, CorruptRecordStopsItsChunkOnlyAndRecoveryFindsTheRest) {
    auto bytes = three_chunk_file();
    // Break the size copy of the first record of chunk 0.
    const std::size_t first = chunk_offset(0) + evtx::kChunkHeaderSize;
    std::uint32_t size;
    std::memcpy(&size, bytes.data() + first + 4, 4);
    std::memset(bytes.data() + first + size - 4, 0xEE, 4);
    const auto plain = read_bytes(bytes);
    EXPECT_EQ(plain.stats.records_failed, 1u);
    const auto recovered = read_bytes(bytes, true);
    EXPECT_GT(recovered.stats.recovered, 0u);
    EXPECT_EQ(recovered.stats.records + recovered.stats.recovered, 249u);
}

TEST(HostileInput, TruncatedFileKeepsTheCompleteChunks) {
    auto bytes = three_chunk_file();
    bytes.resize(chunk_offset(1) + 1000);
    const auto r = read_bytes(bytes);
    EXPECT_EQ(r.stats.chunks, 1u);
    EXPECT_GT(r.stats.records, 0u);
}

TEST(HostileInput, SelfReferencingTemplateHitsTheDepthLimit) {
    auto bytes = three_chunk_file();
    // The first record defines its template inline. Replace the template's first element by a
    // template instance pointing back at the same definition: expansion would never end.
    const std::size_t record = chunk_offset(0) + evtx::kChunkHeaderSize;
    std::uint32_t def_offset;
    std::memcpy(&def_offset, bytes.data() + record + 24 + 4 + 1 + 1 + 4, 4);
    const std::size_t body = chunk_offset(0) + def_offset + 24 + 4;  // after the fragment header
    const std::uint8_t loop[] = {0x0c, 0x01, 0, 0, 0, 0};
    std::memcpy(bytes.data() + body, loop, sizeof loop);
    std::memcpy(bytes.data() + body + sizeof loop, &def_offset, 4);
    const std::uint32_t zero = 0;
    std::memcpy(bytes.data() + body + sizeof loop + 4, &zero, 4);  // instance with no values
    const auto r = read_bytes(bytes);
    // Every record of chunk 0 shares the looping template and fails; the other chunks are read.
    EXPECT_GT(r.stats.records_failed, 50u);
    EXPECT_EQ(r.stats.records + r.stats.records_failed, 250u);
    EXPECT_EQ(r.stats.chunks, 3u);
    ASSERT_FALSE(r.stats.problems.empty());
    EXPECT_NE(r.stats.problems[0].find("too deep"), std::string::npos) << r.stats.problems[0];
}

TEST(HostileInput, RandomByteFlipsNeverCrash) {
    const auto original = three_chunk_file();
    std::uint64_t state = 0x243F6A8885A308D3ULL;
    auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int round = 0; round < 300; ++round) {
        auto bytes = original;
        const int flips = 1 + static_cast<int>(next() % 64);
        for (int i = 0; i < flips; ++i) {
            // Aim at the chunk area most of the time: that is where the parser lives.
            const std::size_t at =
                evtx::kFileHeaderSize + next() % (bytes.size() - evtx::kFileHeaderSize);
            bytes[at] = static_cast<std::uint8_t>(next());
        }
        const auto r = read_bytes(bytes, round % 2 == 0);
        EXPECT_LE(r.stats.records + r.stats.recovered, 600u);
    }
}

TEST(HostileInput, EmptyDataNameBecomesAnEmptyKey) {
    // Found by the fuzzer: <Data Name=""> gives an empty key whose view has no data pointer.
    core::Event event;
    event.open_element("Event");
    event.open_element("EventData");
    event.open_element("Data");
    event.add_attribute("Name", core::Value::utf8(event.store("")));
    event.add_text(core::Value::utf8("x"));
    event.close_element();
    event.close_element();
    event.close_element();
    evtx::EvtxWriter writer;
    ASSERT_TRUE(writer.add(event));
    const auto r = read_bytes(writer.finish());
    ASSERT_EQ(r.json_lines.size(), 1u);
    EXPECT_EQ(r.json_lines[0], R"({"Event":{"EventData":{"":"x"}}})");
}
