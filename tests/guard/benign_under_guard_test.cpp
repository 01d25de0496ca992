// The benign suite (tests/guard/benign/) under `vigie guard`: real programs doing heavy
// legitimate work on a document tree must raise no alert and be stopped by nothing. Needs
// root; skips with the reason otherwise.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "guard/fanotify_source.hpp"
#include "guard_process.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

const std::string kBenign = std::string(VIGIE_SOURCE_DIR) + "/tests/guard/benign";

std::vector<std::string> workloads() {
    std::vector<std::string> out;
    std::ifstream in(kBenign + "/list.txt");
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

class BenignWorkload : public ::testing::TestWithParam<std::string> {};

TEST_P(BenignWorkload, RaisesNoAlertUnderTheGuard) {
    if (::geteuid() != 0) GTEST_SKIP() << "the guard needs root (fanotify permission events)";
    if (auto ok = fanotify_available(); !ok) GTEST_SKIP() << ok.error().to_string();
    const std::string name = GetParam();
    const fs::path base =
        fs::temp_directory_path() / ("vigie-benign-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(base);
    fs::create_directories(base / "work");
    const std::string tree = (base / "partage").string();
    const int made = run_job({"bash", kBenign + "/make-tree.sh", tree, "120"},
                             std::chrono::seconds(300), (base / "make-tree.log").string());
    ASSERT_TRUE(WIFEXITED(made) && WEXITSTATUS(made) == 0) << "make-tree.sh failed";
    int status = 0;
    {
        GuardProcess guard(tree, (base / "journal").string(), {"--decoys"});
        ASSERT_TRUE(guard.running()) << guard.log();
        status = run_job({"bash", kBenign + "/" + name + ".sh", tree, (base / "work").string()},
                         std::chrono::seconds(600), (base / "workload.log").string());
        EXPECT_EQ(guard.stop(), 0) << guard.log();
        // The guard saw the work (and every workload does some of it in the tree).
        const std::string log = guard.log();
        const std::string stopped = "vigie guard: stopped: ";
        const auto at = log.find(stopped);
        ASSERT_NE(at, std::string::npos) << log;
        EXPECT_GT(std::stoul(log.substr(at + stopped.size())), 5u) << log;
        std::printf("%s: %s", name.c_str(), log.substr(log.rfind("vigie guard: stopped")).c_str());
        const auto alerts = guard.alerts();
        EXPECT_TRUE(alerts.empty()) << name << ": " << alerts.size()
                                    << " alerts, the first: " << (alerts.empty() ? "" : alerts[0]);
    }
    std::ifstream log(base / "workload.log");
    const std::string output((std::istreambuf_iterator<char>(log)), {});
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << name << " did not complete (status " << status << "):\n"
        << output;
    std::error_code ec;
    fs::remove_all(base, ec);
}

INSTANTIATE_TEST_SUITE_P(Guard, BenignWorkload, ::testing::ValuesIn(workloads()),
                         DashesToUnderscores());

}  // namespace
