// The guard on the real kernel: fanotify marks on a generated tree, real processes writing
// it. Needs root (fanotify permission events); skips with the reason otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "guard/engine.hpp"
#include "guard/fanotify_source.hpp"
#include "guard/guard_loop.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

#define SKIP_WITHOUT_FANOTIFY()                                                          \
    do {                                                                                 \
        if (::geteuid() != 0) GTEST_SKIP() << "fanotify permission events need root";    \
        if (auto ok = fanotify_available(); !ok) GTEST_SKIP() << ok.error().to_string(); \
    } while (0)

class GuardOnFanotify : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("vigie-guard-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        for (const char* dir : {"Compta", "Patients", "RH"}) fs::create_directories(root_ / dir);
        for (int i = 0; i < 30; ++i) {
            fs::path path;
            Bytes content;
            switch (i % 3) {
                case 0:
                    path = root_ / "Compta" / ("facture" + std::to_string(i) + ".docx");
                    content = zip_document(i, 60000);
                    break;
                case 1:
                    path = root_ / "Patients" / ("cr" + std::to_string(i) + ".pdf");
                    content = pdf_document(i);
                    break;
                default:
                    path = root_ / "RH" / ("liste" + std::to_string(i) + ".csv");
                    content = text_bytes(20000, i);
                    break;
            }
            write_bytes(path, content);
            originals_.emplace(path.string(), content);
        }
    }
    void TearDown() override {
        stop_guard();
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    void start_guard(GuardConfig config = {}) {
        config.protected_roots = {root_.string()};
        auto source = FanotifySource::open(config.protected_roots);
        ASSERT_TRUE(source) << source.error().to_string();
        source_ = std::move(*source);
        engine_ = std::make_unique<Engine>(config, *source_, control_, alerts_);
        stop_ = false;
        thread_ = std::thread([this] {
            result_ = run_guard(*engine_, *source_, stop_, std::chrono::milliseconds(50));
        });
    }
    void stop_guard() {
        if (!thread_.joinable()) return;
        stop_ = true;
        thread_.join();
        EXPECT_TRUE(result_) << result_.error().to_string();
        // Closing the groups removes the marks: the test's own reads must not wait for a
        // guard that no longer answers. The engine is kept for its state, never run again.
        source_.reset();
    }
    int changed_files() const {
        int n = 0;
        for (const auto& [path, content] : originals_)
            if (!fs::exists(path) || read_bytes(path) != content) ++n;
        return n;
    }
    std::vector<Alert> ransomware_alerts() const {
        std::vector<Alert> out;
        for (const Alert& a : alerts_.alerts)
            if (a.type == "ransomware") out.push_back(a);
        return out;
    }

    fs::path root_;
    std::map<std::string, Bytes> originals_;
    std::unique_ptr<FanotifySource> source_;
    SystemProcessControl control_;
    MemoryAlertSink alerts_;
    std::unique_ptr<Engine> engine_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    vigie::core::Result<void> result_;
};

// Forks a process in its own group (a job, as a shell starts one) that runs `work` with
// only system calls; returns its wait status.
template <typename Work>
int run_job(Work work) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        work();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

TEST_F(GuardOnFanotify, InPlaceEncryptionIsStoppedAndTheJobKilled) {
    SKIP_WITHOUT_FANOTIFY();
    start_guard();
    // Everything the child needs is prepared before the fork: it only makes system calls.
    std::vector<std::string> paths;
    for (const auto& [path, content] : originals_) paths.push_back(path);
    const Bytes noise = random_bytes(1 << 20, 77);
    const int status = run_job([&] {
        for (const std::string& path : paths) {
            const int fd = ::open(path.c_str(), O_RDWR);
            if (fd < 0) continue;  // denied: the guard said no
            struct stat st {};
            ::fstat(fd, &st);
            ::pwrite(fd, noise.data(), static_cast<std::size_t>(st.st_size), 0);
            ::close(fd);
        }
    });
    stop_guard();
    ASSERT_TRUE(WIFSIGNALED(status)) << "the encrypting job ran to its end";
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    const auto alerts = ransomware_alerts();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_LE(changed_files(), 3);
    EXPECT_GE(changed_files(), 1);
    EXPECT_EQ(alerts[0].action, "suspended, killed");
    EXPECT_GE(alerts[0].response_us, 0);
    EXPECT_LT(alerts[0].response_us, 1'000'000);
}

TEST_F(GuardOnFanotify, RenamesDeletesAndNewDirectoriesAreSeenWithTheirPaths) {
    SKIP_WITHOUT_FANOTIFY();
    start_guard();
    const std::string fresh = (root_ / "Nouveau").string();
    const std::string inside = fresh + "/lettre.txt";
    const std::string moved = (root_ / "RH" / "lettre-2019.txt").string();
    const std::string note = (root_ / "RH" / "ClopReadMe.txt").string();
    const int status = run_job([&] {
        ::mkdir(fresh.c_str(), 0755);
        ::usleep(300'000);  // the guard marks the new directory
        int fd = ::open(inside.c_str(), O_CREAT | O_WRONLY, 0644);
        ::write(fd, "Bonjour\n", 8);
        ::close(fd);
        ::rename(inside.c_str(), moved.c_str());
        fd = ::open(note.c_str(), O_CREAT | O_WRONLY, 0644);
        ::close(fd);
        ::unlink(moved.c_str());
    });
    stop_guard();
    EXPECT_TRUE(WIFEXITED(status));
    // The note is evidence (a ransom note's name), attributed to the job with its full path.
    bool saw_note = false;
    for (const auto& [group, actor] : engine_->actors()) {
        saw_note |= actor.files.contains(note);
        EXPECT_TRUE(actor.touched.contains(moved)) << "the rename into RH was not seen";
    }
    // The write inside the directory made after start-up was seen: it was watched in time.
    EXPECT_EQ(engine_->stats().closes_assessed, 2u);  // lettre.txt, then the note
    EXPECT_TRUE(saw_note);
    EXPECT_TRUE(ransomware_alerts().empty());
}

TEST_F(GuardOnFanotify, CopyingAndEditingRaisesNothing) {
    SKIP_WITHOUT_FANOTIFY();
    start_guard();
    const std::string from = (root_ / "Compta").string();
    const std::string to = (root_ / "Compta-copie").string();
    int status = run_job([&] {
        ::execl("/bin/cp", "cp", "-a", from.c_str(), to.c_str(), static_cast<char*>(nullptr));
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    std::vector<std::string> csv;
    for (const auto& [path, content] : originals_)
        if (path.ends_with(".csv")) csv.push_back(path);
    const Bytes edited = text_bytes(21000, 99);
    status = run_job([&] {
        for (const std::string& path : csv) {
            const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
            ::write(fd, edited.data(), edited.size());
            ::close(fd);
        }
    });
    EXPECT_TRUE(WIFEXITED(status));
    stop_guard();
    EXPECT_TRUE(ransomware_alerts().empty());
    EXPECT_GE(engine_->stats().closes_assessed, 10u + csv.size());
}

TEST(GuardFailsOpen, AGuardThatDiesReleasesTheOpensWaitingForIt) {
    SKIP_WITHOUT_FANOTIFY();
    const fs::path root =
        fs::temp_directory_path() / ("vigie-guard-failopen-" + std::to_string(::getpid()));
    fs::create_directories(root);
    write_bytes(root / "a.txt", text_bytes(100));
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    // A guard that marks the tree and then never answers (hung, or about to crash).
    const pid_t guard = ::fork();
    if (guard == 0) {
        auto source = FanotifySource::open({root.string()});
        const char ok = source ? '1' : '0';
        ::write(ready[1], &ok, 1);
        ::pause();
        ::_exit(0);
    }
    char ok = 0;
    ASSERT_EQ(::read(ready[0], &ok, 1), 1);
    ASSERT_EQ(ok, '1');
    const std::string file = (root / "a.txt").string();
    const pid_t opener = ::fork();
    if (opener == 0) {
        const int fd = ::open(file.c_str(), O_RDONLY);
        ::_exit(fd >= 0 ? 0 : 1);
    }
    ::usleep(300'000);
    int status = 0;
    EXPECT_EQ(::waitpid(opener, &status, WNOHANG), 0) << "the open did not wait for the guard";
    ::kill(guard, SIGKILL);
    ::waitpid(guard, nullptr, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    pid_t done = 0;
    while ((done = ::waitpid(opener, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline)
        ::usleep(10'000);
    if (done == 0) {
        ::kill(opener, SIGKILL);
        ::waitpid(opener, &status, 0);
    }
    EXPECT_EQ(done, opener) << "the open stayed blocked after the guard died";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ::close(ready[0]);
    ::close(ready[1]);
    fs::remove_all(root);
}

}  // namespace
