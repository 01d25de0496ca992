// A protected file is protected under every name and in every place: a job that reaches the
// files of a guarded tree by another path (a hard link made outside the tree, the file's folder
// moved out of the tree and back or left there, /proc/self/fd, a file handle, another mount)
// is stopped within a few files, and `vigie restore --all` puts every file back, where it
// belongs. Real fanotify and the real `vigie guard`; needs root, skips with the reason
// otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "guard/fanotify_source.hpp"
#include "guard_process.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

constexpr int kCorpusFiles = 80;
constexpr const char* kSimulatorState = ".vigie-ransim";

// Rewrites every byte of the file opened through `path` with a keystream: what encryption
// leaves, written in place through whichever name the job chose.
bool scramble_fd(int fd, std::uint64_t seed);

bool scramble(const std::string& path, std::uint64_t seed) {
    return scramble_fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC), seed);
}

// The same through a descriptor the caller opened (closed here).
bool scramble_fd(int fd, std::uint64_t seed) {
    if (fd < 0) return false;
    struct stat st {};
    ::fstat(fd, &st);
    std::vector<std::uint8_t> block(64 * 1024);
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
    bool ok = true;
    for (off_t at = 0; at < st.st_size && ok; at += static_cast<off_t>(block.size())) {
        for (std::uint8_t& b : block) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b = static_cast<std::uint8_t>(state >> 24);
        }
        const std::size_t n =
            static_cast<std::size_t>(std::min<off_t>(st.st_size - at, block.size()));
        ok = ::pwrite(fd, block.data(), n, at) == static_cast<ssize_t>(n);
    }
    ::close(fd);
    return ok;
}

// The corpus's documents (not the simulator's own state), sorted.
std::vector<fs::path> documents_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it) {
        if (it->path().filename().string().starts_with(kSimulatorState)) {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && !it->is_symlink()) out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> top_folders(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory() && !e.path().filename().string().starts_with(kSimulatorState))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Runs `job` in a child process of its own group (as a shell starts a job); its wait status.
template <typename Job>
int run_in_child(Job job, std::chrono::seconds limit) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        job();
        ::_exit(0);
    }
    ::setpgid(pid, pid);
    return wait_job(pid, limit);
}

enum class Path {
    kHardLinkOutside,
    kFolderOutAndBack,
    kFolderOutLeft,
    kProcFd,
    kFileHandle,
    kBindMount
};

struct PathCase {
    const char* name;
    Path path;
};

class ProtectedUnderEveryName : public ::testing::TestWithParam<PathCase> {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the guard needs root (fanotify permission events)";
        if (auto ok = fanotify_available(); !ok) GTEST_SKIP() << ok.error().to_string();
        base_ = fs::temp_directory_path() /
                ("vigie-paths-" + std::to_string(::getpid()) + "-" + GetParam().name);
        fs::remove_all(base_);
        fs::create_directories(outside());
        ASSERT_TRUE(generate_corpus(corpus(), kCorpusFiles, 23)) << "ransim generate failed";
        original_ = tree_hashes(corpus(), kSimulatorState);
    }
    void TearDown() override {
        std::error_code ec;
        if (!base_.empty()) fs::remove_all(base_, ec);
    }
    fs::path corpus() const { return base_ / "corpus"; }
    // Outside the protected tree, on the same filesystem.
    fs::path outside() const { return base_ / "elsewhere"; }

    // The attack, through the case's path, until the guard stops it.
    void attack(Path path) const {
        std::uint64_t seed = 1;
        switch (path) {
            case Path::kHardLinkOutside: {
                int n = 0;
                for (const fs::path& file : documents_under(corpus())) {
                    const std::string other =
                        (outside() / ("name-" + std::to_string(++n))).string();
                    if (::link(file.c_str(), other.c_str()) != 0) continue;
                    scramble(other, ++seed);
                }
                break;
            }
            case Path::kFolderOutAndBack:
            case Path::kFolderOutLeft:
                for (const fs::path& folder : top_folders(corpus())) {
                    const fs::path away = outside() / folder.filename();
                    if (::rename(folder.c_str(), away.c_str()) != 0) continue;
                    if (path == Path::kFolderOutLeft) {
                        for (const fs::path& file : documents_under(away)) scramble(file, ++seed);
                        continue;
                    }
                    // One file per trip: several folders go out and come back before the
                    // guard has seen enough.
                    const auto files = documents_under(away);
                    if (!files.empty()) scramble(files.front(), ++seed);
                    ::rename(away.c_str(), folder.c_str());
                }
                break;
            case Path::kBindMount: {
                // Another mount of the tree, in a mount namespace of the job's own (nothing
                // of it is seen outside this process).
                const fs::path view = outside() / "view";
                fs::create_directories(view);
                if (::unshare(CLONE_NEWNS) != 0 ||
                    ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                    ::mount(corpus().c_str(), view.c_str(), nullptr, MS_BIND, nullptr) != 0)
                    ::_exit(3);
                for (const fs::path& file : documents_under(view)) scramble(file, ++seed);
                break;
            }
            case Path::kFileHandle: {
                // open_by_handle_at: no path at all, only the file's handle.
                const int mount = ::open(corpus().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                for (const fs::path& file : documents_under(corpus())) {
                    struct {
                        file_handle header;
                        unsigned char bytes[MAX_HANDLE_SZ];
                    } h{};
                    h.header.handle_bytes = MAX_HANDLE_SZ;
                    int mount_id = 0;
                    if (::name_to_handle_at(AT_FDCWD, file.c_str(), &h.header, &mount_id, 0) != 0)
                        continue;
                    scramble_fd(::open_by_handle_at(mount, &h.header, O_WRONLY | O_CLOEXEC),
                                ++seed);
                }
                ::close(mount);
                break;
            }
            case Path::kProcFd:
                for (const fs::path& file : documents_under(corpus())) {
                    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
                    if (fd < 0) continue;
                    scramble("/proc/self/fd/" + std::to_string(fd), ++seed);
                    ::close(fd);
                }
                break;
        }
    }

    // Files of the corpus whose content is gone: not in the tree, nor (moved out with their
    // folder) at the same place under the outside folder.
    int files_lost() const {
        std::map<std::string, std::size_t> now = tree_hashes(corpus(), kSimulatorState);
        if (GetParam().path == Path::kFolderOutAndBack || GetParam().path == Path::kFolderOutLeft)
            for (auto& [relative, hash] : tree_hashes(outside())) now.emplace(relative, hash);
        return files_changed(original_, now);
    }

    fs::path base_;
    std::map<std::string, std::size_t> original_;
};

TEST_P(ProtectedUnderEveryName, IsStoppedWithinAFewFilesAndRestored) {
    const std::string journal = (base_ / "journal").string();
    int status = 0;
    {
        GuardProcess guard(corpus().string(), journal);
        ASSERT_TRUE(guard.running()) << guard.log();
        status = run_in_child([&] { attack(GetParam().path); }, std::chrono::seconds(120));
        EXPECT_EQ(guard.stop(), 0) << guard.log();
        const auto alerts = guard.alerts();
        ASSERT_GE(alerts.size(), 1u) << guard.log();
        EXPECT_NE(alerts[0].find("\"action\":\"suspended, killed\""), std::string::npos)
            << alerts[0];
    }
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << GetParam().name << ": the job ran to its end (status " << status << ")";
    const int lost = files_lost();
    std::printf("%s: %d files changed before containment\n", GetParam().name, lost);
    EXPECT_GE(lost, 1);
    EXPECT_LE(lost, 10);

    const std::string restore_log = journal + ".restore.log";
    const int restored = run_job({kVigieBinary, "restore", "--all", "--journal", journal},
                                 std::chrono::seconds(120), restore_log);
    EXPECT_TRUE(exited_ok(restored)) << read_text(restore_log);
    // Every file is back in the tree, byte for byte, and nothing else is there.
    const auto after = tree_hashes(corpus(), kSimulatorState);
    EXPECT_EQ(files_changed(original_, after), 0) << read_text(restore_log);
    EXPECT_EQ(after.size(), original_.size()) << read_text(restore_log);
    // Folders moved out are back where they belong.
    if (GetParam().path == Path::kFolderOutAndBack || GetParam().path == Path::kFolderOutLeft) {
        EXPECT_TRUE(tree_hashes(outside()).empty()) << read_text(restore_log);
    }
    // A second restore changes nothing.
    const std::string again_log = journal + ".restore-again.log";
    const int again = run_job({kVigieBinary, "restore", "--all", "--journal", journal},
                              std::chrono::seconds(120), again_log);
    EXPECT_TRUE(exited_ok(again)) << read_text(again_log);
    EXPECT_NE(read_text(again_log).find(" 0 steps done, 0 failed"), std::string::npos)
        << read_text(again_log);
}

INSTANTIATE_TEST_SUITE_P(Guard, ProtectedUnderEveryName,
                         ::testing::Values(PathCase{"hard_link_outside", Path::kHardLinkOutside},
                                           PathCase{"folder_out_and_back", Path::kFolderOutAndBack},
                                           PathCase{"folder_out_left", Path::kFolderOutLeft},
                                           PathCase{"proc_fd", Path::kProcFd},
                                           PathCase{"file_handle", Path::kFileHandle},
                                           PathCase{"bind_mount", Path::kBindMount}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
