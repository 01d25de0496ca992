// The writer's files read back to the same events, in vigie and in libevtx.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/byte_source.hpp"
#include "evtx/support.hpp"
#include "evtx/windows_event.hpp"
#include "evtx/writer.hpp"

using namespace vigie;

namespace {

evtx::WindowsEventSpec sample(std::uint64_t id, std::string image) {
    evtx::WindowsEventSpec s;
    s.provider = "Microsoft-Windows-Sysmon";
    s.provider_guid = "5770385F-C22A-43E0-BF4C-06F5698FFBD9";
    s.event_id = 1;
    s.level = 4;
    s.time = *core::parse_iso8601("2019-11-15T19:58:31.1234567Z") + id;
    s.record_id = id;
    s.channel = "Microsoft-Windows-Sysmon/Operational";
    s.computer = "SRV-FICHIERS-01";
    s.user_sid = "S-1-5-21-3623811015-3361044348-30300820-1013";
    s.data = {{"Image", std::move(image)},
              {"CommandLine", "vssadmin Delete Shadows /all /quiet"},
              {"", "unnamed one"},
              {"", "unnamed two"},
              {"Empty", ""}};
    return s;
}

}  // namespace

TEST(Writer, RoundTripKeepsEveryValueAndSpansChunks) {
    evtx::EvtxWriter writer;
    core::Event event;
    std::vector<std::string> expected;
    evtx::JsonRenderer renderer;
    // Enough events for several chunks, with names and text outside ASCII.
    for (std::uint64_t id = 1; id <= 600; ++id) {
        evtx::build_windows_event(sample(id, "C:\\Santé\\imagerie-" + std::to_string(id) + ".exe"),
                                  event);
        std::string line;
        renderer.render(event, line);
        expected.push_back(line);
        ASSERT_TRUE(writer.add(event));
    }
    const std::vector<std::uint8_t> bytes = writer.finish();
    auto file = evtx::EvtxFile::open(core::memory_source(bytes));
    ASSERT_TRUE(file) << file.error().to_string();
    EXPECT_TRUE(file->header().checksum_ok);
    EXPECT_GT(file->declared_chunks(), 3u);
    const auto dump = test::dump_file(*file);
    EXPECT_EQ(dump.stats.checksum_failures, 0u);
    EXPECT_EQ(dump.stats.records_failed, 0u);
    EXPECT_EQ(dump.json_lines, expected);
}

TEST(Writer, RejectsWhatItCannotWrite) {
    evtx::EvtxWriter writer;
    core::Event empty;
    EXPECT_FALSE(writer.add(empty));
    core::Event huge;
    evtx::WindowsEventSpec s = sample(1, std::string(70000, 'x'));
    evtx::build_windows_event(s, huge);
    auto r = writer.add(huge);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnsupported);
}

TEST(Writer, LibevtxReadsEveryRecordWeWrite) {
    // An independent reader: libevtx's evtxinfo/evtxexport must agree on a multi-chunk file.
    if (std::system("command -v evtxexport >/dev/null 2>&1") != 0) GTEST_SKIP() << "evtxexport not installed";
    evtx::EvtxWriter writer;
    core::Event event;
    for (std::uint64_t id = 1; id <= 3000; ++id) {
        evtx::build_windows_event(sample(id, "C:\\Windows\\" + std::string(id % 97, 'x') + ".exe"), event);
        ASSERT_TRUE(writer.add(event));
    }
    const std::string path = ::testing::TempDir() + "/vigie-writer-libevtx.evtx";
    ASSERT_TRUE(writer.write_file(path));
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("evtxexport '" + path + "' 2>&1").c_str(), "r"), &pclose);
    ASSERT_TRUE(pipe);
    std::string out;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
    std::size_t events = 0;
    for (std::size_t at = out.find("Event number"); at != std::string::npos; at = out.find("Event number", at + 1)) ++events;
    EXPECT_EQ(events, 3000u);
    EXPECT_EQ(out.find("Unable"), std::string::npos) << out.substr(out.find("Unable") == std::string::npos ? 0 : out.find("Unable"), 600);
    std::remove(path.c_str());
}
