// The 277 real attack recordings of evtx-attack-samples: every file reads without failure, record
// counts equal libevtx's evtxinfo, and --recover finds at least the records libevtx recovers.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <regex>

#include "evtx/support.hpp"

namespace {

struct LibevtxCounts {
    std::uint64_t records = 0, recovered = 0;
    bool ok = false;
};

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

LibevtxCounts evtxinfo(const std::filesystem::path& p) {
    LibevtxCounts c;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(
        popen(("evtxinfo " + quote(p.string()) + " 2>/dev/null").c_str(), "r"), &pclose);
    if (!pipe) return c;
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe.get())) out += buf;
    std::smatch m;
    static const std::regex records(R"(Number of records\s*:\s*(\d+))"),
        recovered(R"(Number of recovered records\s*:\s*(\d+))");
    if (std::regex_search(out, m, records))
        c.records = std::stoull(m[1]);
    else
        return c;
    if (std::regex_search(out, m, recovered)) c.recovered = std::stoull(m[1]);
    c.ok = true;
    return c;
}

bool have_evtxinfo() {
    return std::system("command -v evtxinfo >/dev/null 2>&1") == 0;
}

}  // namespace

TEST(AttackSamples, EveryFileReadsAndCountsMatchLibevtx) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    if (!have_evtxinfo())
        GTEST_SKIP() << "evtxinfo (Debian package libevtx-utils) is not installed";
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "evtx-attack-samples", ".evtx");
    ASSERT_GE(files.size(), 270u);
    std::uint64_t ours_total = 0, theirs_total = 0, ours_recovered = 0, theirs_recovered = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        const LibevtxCounts reference = evtxinfo(path);
        ASSERT_TRUE(reference.ok);
        auto file = vigie::evtx::EvtxFile::open(path.string());
        ASSERT_TRUE(file) << file.error().to_string();
        const auto plain = vigie::test::dump_file(*file);
        EXPECT_EQ(plain.stats.records, reference.records);
        EXPECT_EQ(plain.json_lines.size(), plain.stats.records);
        EXPECT_EQ(plain.stats.records_failed, 0u);
        EXPECT_EQ(plain.stats.chunks_skipped, 0u);
        const auto recovered = vigie::test::dump_file(*file, /*recover=*/true);
        EXPECT_GE(recovered.stats.recovered, reference.recovered);
        EXPECT_EQ(recovered.stats.records, plain.stats.records);
        ours_total += plain.stats.records;
        theirs_total += reference.records;
        ours_recovered += recovered.stats.recovered;
        theirs_recovered += reference.recovered;
    }
    EXPECT_EQ(ours_total, theirs_total);
    EXPECT_GE(ours_recovered, theirs_recovered);
    std::printf("records: vigie %llu, libevtx %llu; recovered: vigie %llu, libevtx %llu\n",
                static_cast<unsigned long long>(ours_total),
                static_cast<unsigned long long>(theirs_total),
                static_cast<unsigned long long>(ours_recovered),
                static_cast<unsigned long long>(theirs_recovered));
}

TEST(AttackSamples, ThreadsDoNotChangeTheOutput) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "evtx-attack-samples", ".evtx");
    std::size_t multi_chunk = 0;
    for (const auto& path : files) {
        auto file = vigie::evtx::EvtxFile::open(path.string());
        ASSERT_TRUE(file);
        if (file->declared_chunks() < 3) continue;
        ++multi_chunk;
        const auto one = vigie::test::dump_file(*file, true, 1);
        const auto four = vigie::test::dump_file(*file, true, 4);
        EXPECT_EQ(one.json_lines, four.json_lines) << path;
    }
    EXPECT_GT(multi_chunk, 0u);
}

TEST(AttackSamples, DirectJsonWriterEqualsTheGeneralOne) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    std::size_t events = 0;
    for (const auto& dir : {"evtx-attack-samples", "sigma/regression_data"}) {
        for (const auto& path :
             vigie::test::files_under(vigie::test::shared_data() / dir, ".evtx")) {
            auto file = vigie::evtx::EvtxFile::open(path.string());
            ASSERT_TRUE(file);
            vigie::evtx::JsonRenderer direct, general;
            vigie::evtx::ReadOptions options;
            options.recover = true;
            vigie::evtx::for_each_event<int>(
                *file, options,
                [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
                    std::string a, b;
                    direct.render(e, a);
                    general.render_general(e, b);
                    EXPECT_EQ(a, b) << path;
                    ++events;
                },
                [](int&&) {});
        }
    }
    EXPECT_GT(events, 20000u);
}
