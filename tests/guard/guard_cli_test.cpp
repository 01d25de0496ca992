// `vigie guard` end to end: refusals with clear errors, a shell job encrypting with dd
// stopped as one job, and the recorded stream replayed to the same decision.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "guard/fanotify_source.hpp"
#include "guard_process.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

struct CommandOutput {
    int status = -1;
    std::string text;
};

CommandOutput run_vigie(const std::string& args) {
    CommandOutput r;
    const std::string command = kVigieBinary + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.text.append(buffer, n);
    const int raw = ::pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

class GuardCommand : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() /
                ("vigie-guard-cli-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        tree_ = base_ / "partage";
        fs::create_directories(tree_ / "Compta");
        for (int i = 0; i < 20; ++i) {
            std::ofstream out(tree_ / "Compta" / ("facture" + std::to_string(i) + ".docx"),
                              std::ios::binary);
            const Bytes doc = zip_document(i, 80000);
            out.write(reinterpret_cast<const char*>(doc.data()),
                      static_cast<std::streamsize>(doc.size()));
        }
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(base_, ec);
    }
    fs::path base_, tree_;
};

TEST_F(GuardCommand, RefusesAJournalInsideTheProtectedTree) {
    const auto r = run_vigie("guard --no-syslog --protect " + tree_.string() + " --journal " +
                             (tree_ / "journal").string());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.text.find("inside the protected tree"), std::string::npos) << r.text;
}

TEST_F(GuardCommand, ABadAllowListLineIsReportedWithItsFileAndLine) {
    const fs::path allow = base_ / "allow.txt";
    std::ofstream(allow) << "# backup agent\n/usr/bin/rsync\n/opt/av/scan sha256:1234\n";
    const auto r = run_vigie("guard --no-syslog --protect " + tree_.string() + " --journal " +
                             (base_ / "journal").string() + " --allow " + allow.string());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.text.find(allow.string() + ":3"), std::string::npos) << r.text;
}

TEST_F(GuardCommand, AShellJobEncryptingWithDdIsStoppedAndItsRecordingReplays) {
    if (::geteuid() != 0) GTEST_SKIP() << "the guard needs root (fanotify permission events)";
    if (auto ok = fanotify_available(); !ok) GTEST_SKIP() << ok.error().to_string();
    const std::string journal = (base_ / "journal").string();
    const std::string recording = (base_ / "stream.jsonl").string();
    const auto before = tree_hashes(tree_);
    int status = 0;
    {
        GuardProcess guard(tree_.string(), journal, {"--record", recording});
        ASSERT_TRUE(guard.running()) << guard.log();
        // One job, one dd process per file: the job adds up, not each dd.
        status = run_job({"/bin/sh", "-c",
                          "for f in " + (tree_ / "Compta").string() +
                              "/*.docx; do dd if=/dev/urandom of=\"$f\" bs=4096 count=8 "
                              "conv=notrunc status=none; done"},
                         std::chrono::seconds(60));
        EXPECT_EQ(guard.stop(), 0) << guard.log();
        ASSERT_EQ(guard.alerts().size(), 1u) << guard.log();
        EXPECT_NE(guard.alerts()[0].find("\"command\":\"sh\""), std::string::npos)
            << guard.alerts()[0];
    }
    EXPECT_TRUE(WIFSIGNALED(status)) << "the job ran to its end";
    const int changed = files_changed(before, tree_hashes(tree_));
    EXPECT_GE(changed, 1);
    EXPECT_LE(changed, 4);

    const auto replay = run_vigie("guard --no-syslog --protect " + tree_.string() + " --alerts " +
                                  (base_ / "replayed.jsonl").string() + " --replay " + recording);
    EXPECT_EQ(replay.status, 0) << replay.text;
    EXPECT_NE(replay.text.find("1 alerts"), std::string::npos) << replay.text;
    std::ifstream replayed(base_ / "replayed.jsonl");
    std::string line;
    ASSERT_TRUE(std::getline(replayed, line));
    EXPECT_NE(line.find("\"action\":\"none (dry run)\""), std::string::npos) << line;
}

}  // namespace
