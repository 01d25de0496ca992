// The guard on a real Samba file server: every strategy of `vigie ransim` runs from one client
// machine over SMB while a second client works on the same share. The guard must end the
// attacking session alone, block its address, leave the other client's session and files
// alone, and `vigie restore --client` must bring the corpus back byte for byte.
//
// The lab (tests/guard/smb/lab.sh): Debian's smbd in a network namespace of its own, two
// client namespaces on veth pairs (10.231.0.2 and 10.231.1.2), each mounting the share with
// smbnetfs. Needs root, FUSE, network namespaces and nftables; skips with the reason otherwise.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "guard/fanotify_source.hpp"
#include "guard_process.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

constexpr int kCorpusFiles = 60;
const std::string kLab = std::string(VIGIE_SOURCE_DIR) + "/tests/guard/smb/lab.sh";
const std::string kBenignClient =
    std::string(VIGIE_SOURCE_DIR) + "/tests/guard/smb/benign_client.sh";
constexpr const char* kAttacker = "10.231.0.2";

class SmbStrategy : public ::testing::TestWithParam<std::string> {
  protected:
    static void SetUpTestSuite() {
        base_ = fs::temp_directory_path() / ("vigie-smb-" + std::to_string(::getpid()));
        tag_ = "vg" + std::to_string(::getpid() % 100000);
        fs::remove_all(base_);
        fs::create_directories(base_);
        if (::geteuid() != 0) {
            skip_ = "the guard needs root (fanotify permission events)";
            return;
        }
        if (auto ok = fanotify_available(); !ok) {
            skip_ = ok.error().to_string();
            return;
        }
        const std::string check_log = (base_ / "check.log").string();
        if (!exited_ok(run_job({"bash", kLab, "check"}, std::chrono::seconds(30), check_log))) {
            skip_ = "no SMB lab here: " + read_text(check_log);
            return;
        }
        const std::string up_log = (base_ / "lab.log").string();
        lab_up_ = exited_ok(
            run_job({"bash", kLab, "up", lab().string(), tag_}, std::chrono::seconds(60), up_log));
        ASSERT_TRUE(lab_up_) << read_text(up_log);
        generate();
    }
    static void TearDownTestSuite() {
        if (lab_up_)
            run_job({"bash", kLab, "down", lab().string(), tag_}, std::chrono::seconds(60),
                    (base_ / "lab.log").string());
        std::error_code ec;
        fs::remove_all(base_, ec);
        print_files_changed("files changed before the session was ended (SMB):", changed_);
    }
    static void generate() {
        ASSERT_TRUE(generate_corpus(corpus(), kCorpusFiles, 17)) << "ransim generate failed";
        original_ = tree_hashes(corpus(), ".vigie-ransim");
    }
    static fs::path lab() { return base_ / "lab"; }
    static fs::path share() { return lab() / "share"; }
    static fs::path corpus() { return share() / "corpus"; }
    // The same folders as each client sees them, through its SMB mount.
    static fs::path attacker_view() { return lab() / "mnt-a/10.231.0.1/share"; }
    static fs::path benign_view() { return lab() / "mnt-b/10.231.1.1/share"; }
    // Whether a client machine can open a new SMB connection to the server.
    static bool can_connect(const std::string& client, const std::string& server) {
        const std::string ns = "/run/netns/" + tag_ + "-" + client;
        return exited_ok(run_job({"nsenter", "--net=" + ns, "smbclient", "-N",
                                  "//" + server + "/share", "-c", "ls", "-t", "3"},
                                 std::chrono::seconds(20)));
    }

    // smbnetfs reconnects at the next request after a lost session, not at once: wait for it.
    static bool mount_answers(const fs::path& dir) {
        for (int i = 0; i < 150; ++i) {
            std::error_code ec;
            if (fs::is_directory(dir, ec) && !ec) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

    static fs::path base_;
    static std::string tag_;
    static std::string skip_;
    static bool lab_up_;
    static std::map<std::string, std::size_t> original_;
    static std::map<std::string, int> changed_;
};

fs::path SmbStrategy::base_;
std::string SmbStrategy::tag_;
std::string SmbStrategy::skip_;
bool SmbStrategy::lab_up_ = false;
std::map<std::string, std::size_t> SmbStrategy::original_;
std::map<std::string, int> SmbStrategy::changed_;

TEST_P(SmbStrategy, TheAttackingSessionIsEndedAndBlockedTheOtherClientWorksOn) {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(lab_up_);
    const std::string strategy = GetParam();
    const std::string journal = (base_ / ("journal-" + strategy)).string();
    const std::string key_dir = (base_ / ("key-" + strategy)).string();
    const std::string benign_dir = (benign_view() / ("notes-" + strategy)).string();
    // The previous strategy's block is lifted; the attacker's mount reconnects.
    run_job({"bash", kLab, "unblock", lab().string(), tag_}, std::chrono::seconds(30));
    ASSERT_TRUE(can_connect("a", "10.231.0.1"));
    ASSERT_TRUE(mount_answers(attacker_view() / "corpus")) << "the attacker's mount is stuck";
    int attack = 0, benign = 0;
    {
        GuardProcess guard(share().string(), journal);
        ASSERT_TRUE(guard.running()) << guard.log();
        // The benign user starts first and is still working when the attack is cut.
        const pid_t benign_job =
            spawn_job({"bash", kBenignClient, benign_dir, "60"}, journal + ".benign.log");
        std::vector<std::string> argv = {
            kVigieBinary, "ransim", "encrypt",   (attacker_view() / "corpus").string(),
            "--strategy", strategy, "--key-dir", key_dir};
        if (strategy == "slow") argv.insert(argv.end(), {"--delay-ms", "300"});
        if (strategy == "multi-process") argv.insert(argv.end(), {"--workers", "6"});
        attack = run_job(argv, std::chrono::seconds(180), journal + ".ransim.log");
        benign = wait_job(benign_job, std::chrono::seconds(120));
        // Blocked: the attacker's machine cannot come back; the other one can.
        EXPECT_FALSE(can_connect("a", "10.231.0.1")) << strategy;
        EXPECT_TRUE(can_connect("b", "10.231.1.1")) << strategy;
        EXPECT_EQ(guard.stop(), 0) << guard.log();
        const auto alerts = guard.alerts();
        ASSERT_EQ(alerts.size(), 1u) << guard.log() << read_text(journal + ".ransim.log");
        EXPECT_NE(alerts[0].find("\"client\":\"10.231.0.2\""), std::string::npos) << alerts[0];
        EXPECT_NE(alerts[0].find("\"action\":\"session ended\""), std::string::npos) << alerts[0];
        EXPECT_NE(alerts[0].find("\"block\":\"blocked for 600 s\""), std::string::npos)
            << alerts[0];
        EXPECT_NE(alerts[0].find("\"share\":\"share\""), std::string::npos) << alerts[0];
    }
    EXPECT_TRUE(attack >= 0) << strategy << ": the simulator hung after its session ended";
    // The benign client's session was never touched: every note it wrote reads back whole.
    EXPECT_TRUE(exited_ok(benign)) << strategy << ": " << read_text(journal + ".benign.log");
    const int changed = files_changed(original_, tree_hashes(corpus(), ".vigie-ransim"));
    changed_[strategy] = changed;
    EXPECT_GE(changed, 1);
    EXPECT_LE(changed, 10) << strategy;

    // Undo what the attacking client did, and only that: the benign notes stay.
    const std::string restore_log = journal + ".restore.log";
    const int restored =
        run_job({kVigieBinary, "restore", "--client", kAttacker, "--journal", journal},
                std::chrono::seconds(120), restore_log);
    EXPECT_TRUE(exited_ok(restored)) << strategy << ": " << read_text(restore_log);
    const int left = files_changed(original_, tree_hashes(corpus(), ".vigie-ransim"));
    EXPECT_EQ(left, 0) << strategy << ": files differ after restore: " << read_text(restore_log);
    EXPECT_EQ(tree_hashes(corpus(), ".vigie-ransim").size(), original_.size()) << strategy;
    EXPECT_TRUE(exited_ok(
        run_job({kVigieBinary, "ransim", "verify", corpus().string()}, std::chrono::seconds(60))))
        << strategy;
    EXPECT_EQ(tree_hashes(share() / ("notes-" + strategy)).size(), 60u) << strategy;
    // A second restore changes nothing (an SMB client replaces a file by deleting it, then
    // renaming over the freed name: both are found undone).
    const std::string again_log = journal + ".restore-again.log";
    EXPECT_TRUE(
        exited_ok(run_job({kVigieBinary, "restore", "--client", kAttacker, "--journal", journal},
                          std::chrono::seconds(120), again_log)));
    EXPECT_NE(read_text(again_log).find(" 0 steps done, 0 failed"), std::string::npos)
        << strategy << ": " << read_text(again_log);
    std::error_code ec;
    fs::remove_all(journal, ec);
    fs::remove_all(key_dir, ec);
    if (left != 0) generate();
}

INSTANTIATE_TEST_SUITE_P(Guard, SmbStrategy, ::testing::ValuesIn(kSimulatorStrategies),
                         DashesToUnderscores());

}  // namespace
