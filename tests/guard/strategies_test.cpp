// Every strategy of the ransomware simulator (`vigie ransim`) against `vigie guard` on real
// fanotify: detected, the job stopped within a few files, and `vigie restore` from the guard's
// journal brings every file of the corpus back byte for byte. Needs root; skips with the
// reason otherwise.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "guard/fanotify_source.hpp"
#include "guard_process.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

constexpr int kCorpusFiles = 80;

class SimulatorStrategy : public ::testing::TestWithParam<std::string> {
  protected:
    static void SetUpTestSuite() {
        base_ = fs::temp_directory_path() / ("vigie-strategies-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        fs::create_directories(base_);
        generate();
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        fs::remove_all(base_, ec);
        print_files_changed("files changed before containment, per strategy:", changed_);
    }
    static void generate() {
        ASSERT_TRUE(generate_corpus(corpus(), kCorpusFiles, 11)) << "ransim generate failed";
        original_ = tree_hashes(corpus(), ".vigie-ransim");
    }
    static fs::path corpus() { return base_ / "corpus"; }

    static fs::path base_;
    static std::map<std::string, std::size_t> original_;
    static std::map<std::string, int> changed_;
};

fs::path SimulatorStrategy::base_;
std::map<std::string, std::size_t> SimulatorStrategy::original_;
std::map<std::string, int> SimulatorStrategy::changed_;

TEST_P(SimulatorStrategy, IsDetectedAndStoppedWithinAFewFiles) {
    if (::geteuid() != 0) GTEST_SKIP() << "the guard needs root (fanotify permission events)";
    if (auto ok = fanotify_available(); !ok) GTEST_SKIP() << ok.error().to_string();
    const std::string strategy = GetParam();
    const std::string journal = (base_ / ("journal-" + strategy)).string();
    int status = 0;
    {
        GuardProcess guard(corpus().string(), journal);
        ASSERT_TRUE(guard.running()) << guard.log();
        // The guard's journal links every file (a delete then loses nothing); the simulator
        // is told those extra names are the journal's, or it would write no linked file.
        std::vector<std::string> argv = {kVigieBinary,       "ransim",     "encrypt",
                                         corpus().string(),  "--strategy", strategy,
                                         "--allow-links-in", journal};
        if (strategy == "slow") argv.insert(argv.end(), {"--delay-ms", "300"});
        if (strategy == "multi-process") argv.insert(argv.end(), {"--workers", "6"});
        status = run_job(argv, std::chrono::seconds(120), journal + ".ransim.log");
        EXPECT_EQ(guard.stop(), 0) << guard.log();
        const auto alerts = guard.alerts();
        ASSERT_EQ(alerts.size(), 1u) << guard.log() << read_text(journal + ".ransim.log");
        EXPECT_NE(alerts[0].find("\"action\":\"suspended, killed\""), std::string::npos)
            << alerts[0];
    }
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << strategy << " ran to its end (status " << status << ")";
    const int changed = files_changed(original_, tree_hashes(corpus(), ".vigie-ransim"));
    changed_[strategy] = changed;
    EXPECT_GE(changed, 1);
    EXPECT_LE(changed, 10) << strategy;

    // Nothing lost: the guard's journal undoes the job, whatever the strategy.
    const std::string restore_log = journal + ".restore.log";
    const int restored = run_job({kVigieBinary, "restore", "--all", "--journal", journal},
                                 std::chrono::seconds(120), restore_log);
    EXPECT_TRUE(WIFEXITED(restored) && WEXITSTATUS(restored) == 0)
        << strategy << ": vigie restore reported failures (see " << restore_log << ")";
    const int left = files_changed(original_, tree_hashes(corpus(), ".vigie-ransim"));
    EXPECT_EQ(left, 0) << strategy << ": files differ after restore (see " << restore_log << ")";
    // Files the job created (copies, notes) are gone too: the corpus has its files only.
    EXPECT_EQ(tree_hashes(corpus(), ".vigie-ransim").size(), original_.size()) << strategy;
    // A second restore finds everything undone (a rename over a file among them: the name
    // holds the replaced inode again) and changes nothing.
    const std::string again_log = journal + ".restore-again.log";
    const int again = run_job({kVigieBinary, "restore", "--all", "--journal", journal},
                              std::chrono::seconds(120), again_log);
    EXPECT_TRUE(WIFEXITED(again) && WEXITSTATUS(again) == 0) << read_text(again_log);
    EXPECT_NE(read_text(again_log).find(" 0 steps done, 0 failed"), std::string::npos)
        << strategy << ": " << read_text(again_log);
    // The journal links every file of the corpus: gone with it, the next strategy starts
    // from single-named files and a whole corpus.
    std::error_code ec;
    fs::remove_all(journal, ec);
    if (left != 0) generate();
}

INSTANTIATE_TEST_SUITE_P(Guard, SimulatorStrategy, ::testing::ValuesIn(kSimulatorStrategies),
                         DashesToUnderscores());

}  // namespace
