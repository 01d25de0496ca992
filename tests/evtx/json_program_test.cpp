// The JSON written straight from compiled templates (json_program.hpp) against the tree and
// JsonRenderer, record by record, on every EVTX file of the shared data, normal walk and
// recovery alike.
#include <gtest/gtest.h>

#include <sstream>

#include "core/byte_source.hpp"
#include "evtx/chunk_reader.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/support.hpp"
#include "evtx/value_token_fixture.hpp"

namespace {

using vigie::test::files_under;
using vigie::test::shared_data;

struct Comparison {
    std::uint64_t records = 0;
    std::uint64_t recovered = 0;  // always through the tree: their templates may be stale
    std::uint64_t from_programs = 0;
};

// Both paths over every chunk of `path`; the first difference fails with its line.
void compare_file(vigie::core::Result<vigie::evtx::EvtxFile>&& file, bool recover,
                  Comparison& total) {
    if (!file) return;  // files that do not open are other tests' business
    vigie::evtx::ChunkReader programs;
    vigie::evtx::ChunkReader trees;
    trees.set_index_fields(false);
    vigie::evtx::JsonRenderer renderer;
    std::vector<std::uint8_t> buffer;
    const std::uint64_t chunks = recover ? file->present_chunks() : file->declared_chunks();
    for (std::uint64_t index = 0; index < chunks; ++index) {
        if (!file->load_chunk(index, buffer)) continue;
        const bool beyond = index >= file->declared_chunks();
        std::string fast, slow;
        const auto fast_stats = programs.read_json(buffer, index, recover, beyond, fast);
        const auto slow_stats =
            trees.read(buffer, index, recover, beyond,
                       [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&) {
                           renderer.render(e, slow);
                           slow.push_back('\n');
                       });
        ASSERT_EQ(fast_stats.records, slow_stats.records) << "chunk " << index;
        ASSERT_EQ(fast_stats.recovered, slow_stats.recovered) << "chunk " << index;
        ASSERT_EQ(fast_stats.records_failed, slow_stats.records_failed) << "chunk " << index;
        ASSERT_EQ(fast_stats.records_partial, slow_stats.records_partial) << "chunk " << index;
        ASSERT_EQ(fast_stats.constructs_skipped, slow_stats.constructs_skipped);
        ASSERT_EQ(fast_stats.skipped, slow_stats.skipped) << "chunk " << index;
        ASSERT_EQ(fast_stats.first_error, slow_stats.first_error) << "chunk " << index;
        if (fast != slow) {
            std::istringstream a(fast), b(slow);
            std::string la, lb;
            for (std::size_t line = 1;; ++line) {
                const bool more_a = static_cast<bool>(std::getline(a, la));
                const bool more_b = static_cast<bool>(std::getline(b, lb));
                ASSERT_EQ(more_a, more_b) << "chunk " << index << " line " << line;
                if (!more_a) break;
                ASSERT_EQ(la, lb) << "chunk " << index << " line " << line;
            }
        }
        total.records += fast_stats.records;
        total.recovered += fast_stats.recovered;
    }
    total.from_programs += programs.records_from_programs();
}

void compare_all(bool recover) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    const auto files = files_under(shared_data(), ".evtx");
    ASSERT_GE(files.size(), 400u);
    Comparison total;
    for (const auto& path : files) {
        SCOPED_TRACE(std::filesystem::relative(path, shared_data()).string());
        compare_file(vigie::evtx::EvtxFile::open(path.string()), recover, total);
        if (::testing::Test::HasFatalFailure()) return;
    }
    // Most records are one template instance: the programs must carry them.
    EXPECT_GT(total.records, 8'000u);
    if (recover) {
        EXPECT_GT(total.recovered, 10'000u);
    }
    EXPECT_GT(total.from_programs, total.records * 9 / 10)
        << total.from_programs << " of " << total.records;
}

TEST(JsonProgram, SameJsonAsTheTreeOnEveryRecordOfTheSharedData) {
    compare_all(false);
}

TEST(JsonProgram, SameJsonAsTheTreeWhenRecovering) {
    compare_all(true);
}

TEST(JsonProgram, ValueTokensOfEveryTypeAndSubstitutions) {
    // Typed values written as value tokens in the template (literal pieces of the program) and
    // as substitutions (its slots).
    for (const bool value_tokens : {true, false}) {
        SCOPED_TRACE(value_tokens ? "value tokens" : "substitutions");
        const auto bytes = vigie::test::value_tokens::fixture(value_tokens);
        Comparison total;
        compare_file(vigie::evtx::EvtxFile::open(vigie::core::memory_source(bytes)), false, total);
        EXPECT_EQ(total.records, 3u);
        EXPECT_EQ(total.from_programs, 3u);
    }
}

TEST(JsonProgram, FileReaderGivesTheSameLinesAsRenderingEvents) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    const auto files = files_under(shared_data() / "evtx-attack-samples", ".evtx");
    ASSERT_FALSE(files.empty());
    for (std::size_t i = 0; i < files.size(); i += 25) {
        SCOPED_TRACE(std::filesystem::relative(files[i], shared_data()).string());
        auto file = vigie::evtx::EvtxFile::open(files[i].string());
        ASSERT_TRUE(file);
        const auto expected = vigie::test::dump_file(*file, false, 2);
        std::string lines;
        vigie::evtx::ReadOptions options;
        options.threads = 2;
        const auto stats = vigie::evtx::for_each_json_line(
            *file, options, [&](std::string&& part) { lines.append(part); });
        std::string joined;
        for (const auto& l : expected.json_lines) joined.append(l).push_back('\n');
        EXPECT_EQ(lines, joined);
        EXPECT_EQ(stats.records, expected.stats.records);
    }
}

}  // namespace
