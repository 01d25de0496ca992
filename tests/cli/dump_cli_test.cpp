// `vigie dump` end to end: the built binary, its output, its errors and exit codes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli_support.hpp"
#include "evtx/value_token_fixture.hpp"

namespace {

using vigie::test::CommandResult;
using vigie::test::kDemo;
using vigie::test::kVigie;
using vigie::test::lines;
using vigie::test::run;

const std::string kGen = std::string(VIGIE_BINARY_DIR) + "/vigie-evtxgen";

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("vigie-cli-" + std::to_string(getpid()) + "-" + name))
        .string();
}

}  // namespace

TEST(DumpCli, JsonlOneValidObjectPerEvent) {
    const CommandResult r = run(kVigie + " dump " + kDemo);
    ASSERT_EQ(r.status, 0);
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 11u);
    simdjson::dom::parser parser;
    for (const auto& l : out) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(l).get(e), simdjson::SUCCESS) << l;
        EXPECT_FALSE(e["Event"]["System"]["EventID"].error());
    }
    EXPECT_NE(r.out.find("\"ServiceName\":\"SecurityCenterIBM\""), std::string::npos);
    EXPECT_NE(r.out.find("ClopReadMe.txt"), std::string::npos);
}

TEST(DumpCli, XmlFormat) {
    const CommandResult r = run(kVigie + " dump --format xml " + kDemo);
    ASSERT_EQ(r.status, 0);
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 11u);
    for (const auto& l : out) {
        EXPECT_EQ(l.rfind("<Event xmlns=", 0), 0u) << l;
        EXPECT_EQ(l.substr(l.size() - 8), "</Event>");
    }
    EXPECT_NE(r.out.find("<Data Name=\"CommandLine\">vssadmin Delete Shadows /all /quiet</Data>"),
              std::string::npos);
}

TEST(DumpCli, StatsGoToStandardError) {
    const CommandResult r = run(kVigie + " dump --stats " + kDemo + " 2>&1 >/dev/null");
    ASSERT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("records 11, recovered 0, records failed 0, chunks 1, chunks skipped 0"),
              std::string::npos)
        << r.out;
}

TEST(DumpCli, MissingAndForeignFilesExitWithTwo) {
    CommandResult r = run(kVigie + " dump /nonexistent/file.evtx 2>&1");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("file.evtx"), std::string::npos) << r.out;
    const std::string foreign = temp_path("foreign.evtx");
    std::ofstream(foreign) << std::string(8192, 'z');
    r = run(kVigie + " dump " + foreign + " 2>&1");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("not an EVTX file"), std::string::npos) << r.out;
    std::filesystem::remove(foreign);
}

TEST(DumpCli, ClosedPipeIsNotAnError) {
    const std::string big = temp_path("pipe.evtx");
    ASSERT_EQ(run(kGen + " --synthetic 20000 " + big).status, 0);
    // bash for PIPESTATUS: the exit status of vigie itself, not of head.
    const CommandResult r =
        run("bash -c '" + kVigie + " dump " + big +
            " 2>/tmp/vigie-pipe-err | head -n 1 >/dev/null; echo ${PIPESTATUS[0]}'");
    EXPECT_EQ(r.out, "0\n");
    std::filesystem::remove(big);
}

TEST(DumpCli, ThreadCountDoesNotChangeOutput) {
    const std::string big = temp_path("threads.evtx");
    ASSERT_EQ(run(kGen + " --synthetic 3000 " + big).status, 0);
    const CommandResult one = run(kVigie + " dump --threads 1 " + big);
    const CommandResult two = run(kVigie + " dump --threads 2 " + big);
    const CommandResult all = run(kVigie + " dump " + big);
    ASSERT_EQ(one.status, 0);
    EXPECT_EQ(lines(one.out).size(), 3000u);
    EXPECT_EQ(one.out, two.out);
    EXPECT_EQ(one.out, all.out);
    std::filesystem::remove(big);
}

TEST(DumpCli, CommittedDemoFileIsWhatTheGeneratorWrites) {
    const std::string fresh = temp_path("demo.evtx");
    ASSERT_EQ(run(kGen + " --demo " + fresh).status, 0);
    std::ifstream a(fresh, std::ios::binary), b(kDemo, std::ios::binary);
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    EXPECT_EQ(sa.str(), sb.str()) << "regenerate tests/fixtures/demo.evtx with: "
                                     "build/vigie-evtxgen --demo tests/fixtures/demo.evtx";
    std::filesystem::remove(fresh);
}

// Value tokens of every type outside substitutions, as recent Windows builds write them; one
// record with a construct vigie does not know: every record is printed, the skip is reported.
TEST(DumpCli, TypedValueTokensAndSkippedConstructs) {
    using namespace vigie::test::value_tokens;
    auto bytes = fixture(true, 2);
    bytes[find_marker(bytes) + 1] = vigie::evtx::value_type::kBinary;
    const std::string path = temp_path("value-tokens.evtx");
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));

    const CommandResult dump = run(kVigie + " dump --stats " + path + " 2>/dev/null");
    ASSERT_EQ(dump.status, 0);
    const auto out = lines(dump.out);
    ASSERT_EQ(out.size(), 2u);
    // The second record is whole, rendered as the evtx crate renders each type.
    for (const Field& f : fields()) {
        std::string expected = "\"";
        expected.append(f.name).append("\":").append(f.json);
        EXPECT_NE(out[1].find(expected), std::string::npos) << expected << " in " << out[1];
    }
    EXPECT_NE(out[0].find("\"Int32\":-70000"), std::string::npos) << out[0];

    const CommandResult stats = run(kVigie + " dump --stats " + path + " 2>&1 >/dev/null");
    EXPECT_NE(stats.out.find("records 2, recovered 0, records failed 0"), std::string::npos)
        << stats.out;
    EXPECT_NE(stats.out.find("records with constructs skipped 1"), std::string::npos) << stats.out;
    EXPECT_NE(stats.out.find("skipped 1 x value token of type 0x0e (Binary)"), std::string::npos)
        << stats.out;

    const CommandResult hunt =
        run(kVigie + " hunt --no-summary --no-progress --stats " + path + " 2>&1 >/dev/null");
    EXPECT_NE(hunt.out.find("events 2,"), std::string::npos) << hunt.out;
    EXPECT_NE(hunt.out.find("records with constructs skipped 1"), std::string::npos) << hunt.out;
    EXPECT_NE(hunt.out.find("skipped 1 x value token of type 0x0e (Binary)"), std::string::npos)
        << hunt.out;
    const CommandResult summary =
        run(kVigie + " hunt --summary --no-progress " + path + " 2>&1 >/dev/null");
    EXPECT_NE(summary.out.find("skipped    1 EVTX records"), std::string::npos) << summary.out;
    std::filesystem::remove(path);
}
