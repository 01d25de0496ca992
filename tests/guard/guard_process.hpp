// Running the `vigie` binary's guard and the jobs it watches as real processes, for the
// end-to-end tests of the guard (root and fanotify required; callers skip otherwise).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vigie::guard::testing {

inline const std::string kVigieBinary = std::string(VIGIE_BINARY_DIR) + "/vigie";

/// Starts `argv` in its own process group (a job, as a shell starts one), output to `log`.
inline pid_t spawn_job(const std::vector<std::string>& argv, const std::string& log = "/dev/null",
                       const std::string& cwd = "") {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from here: no race with the child's own call
    return pid;
}

/// Waits for a job; kills its group after `limit`. The raw wait status, or -1 on timeout.
inline int wait_job(pid_t pid, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

/// Runs a job to its end; the raw wait status (-1 on timeout).
inline int run_job(const std::vector<std::string>& argv, std::chrono::seconds limit,
                   const std::string& log = "/dev/null", const std::string& cwd = "") {
    return wait_job(spawn_job(argv, log, cwd), limit);
}

/// `vigie guard` on `tree`, its state in `journal`; stopped (SIGTERM) on destruction.
class GuardProcess {
  public:
    GuardProcess(const std::string& tree, const std::string& journal,
                 std::vector<std::string> extra = {}) {
        ready_ = journal + ".ready";
        log_ = journal + ".log";
        std::filesystem::remove(ready_);
        std::vector<std::string> argv = {kVigieBinary,   "guard",     "--protect",
                                         tree,           "--journal", journal,
                                         "--ready-file", ready_,      "--no-syslog"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        pid_ = spawn_job(argv, log_);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!std::filesystem::exists(ready_) && std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        alerts_ = journal + "/alerts.jsonl";
    }
    ~GuardProcess() { stop(); }
    /// SIGKILL: the guard dies mid-work, as in a crash.
    void kill_now() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        wait_job(pid_, std::chrono::seconds(30));
        pid_ = -1;
    }
    bool running() const { return pid_ > 0 && std::filesystem::exists(ready_); }

    /// Stops the guard; its exit status (0 when it stopped cleanly).
    int stop() {
        if (pid_ <= 0) return status_;
        ::kill(pid_, SIGTERM);
        const int raw = wait_job(pid_, std::chrono::seconds(30));
        status_ = raw >= 0 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        pid_ = -1;
        return status_;
    }
    /// The alert lines of a type ("ransomware", "overflow", ...).
    std::vector<std::string> alerts(const std::string& type = "ransomware") const {
        std::vector<std::string> out;
        std::ifstream in(alerts_);
        for (std::string line; std::getline(in, line);)
            if (line.find("\"type\":\"" + type + "\"") != std::string::npos) out.push_back(line);
        return out;
    }
    std::string log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    std::string ready_, log_, alerts_;
};

/// Whether a raw wait status is a normal exit with status 0.
inline bool exited_ok(int status) {
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// A fresh `vigie ransim` corpus in `dir` (removed first); false when generate failed.
inline bool generate_corpus(const std::filesystem::path& dir, int files, int seed) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return exited_ok(run_job({kVigieBinary, "ransim", "generate", dir.string(), "--files",
                              std::to_string(files), "--seed", std::to_string(seed)},
                             std::chrono::seconds(120)));
}

/// The per-strategy count of changed files, printed at the end of a suite.
inline void print_files_changed(const char* title, const std::map<std::string, int>& changed) {
    if (changed.empty()) return;
    std::printf("%s\n", title);
    for (const auto& [strategy, count] : changed)
        std::printf("  %-26s %d\n", strategy.c_str(), count);
}

/// Every strategy of `vigie ransim` (src/ransim/strategies.cpp), for parameterised tests.
inline const std::vector<std::string> kSimulatorStrategies = {"in-place",
                                                              "copy-delete",
                                                              "rename-overwrite",
                                                              "intermittent-16",
                                                              "intermittent-head",
                                                              "intermittent-skip-header",
                                                              "base64",
                                                              "multi-process",
                                                              "slow",
                                                              "mmap",
                                                              "clop",
                                                              "atomic-replace"};

/// Test names from string parameters: "multi-process" -> "multi_process".
struct DashesToUnderscores {
    std::string operator()(const ::testing::TestParamInfo<std::string>& info) const {
        std::string name = info.param;
        for (char& c : name)
            if (c == '-') c = '_';
        return name;
    }
};

/// Every regular file of a tree with a hash of its content (symlinks not followed).
inline std::map<std::string, std::size_t> tree_hashes(const std::filesystem::path& root,
                                                      const std::string& skip_dir = "") {
    std::map<std::string, std::size_t> out;
    for (auto it = std::filesystem::recursive_directory_iterator(root);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
        if (!skip_dir.empty() && it->is_directory() && it->path().filename() == skip_dir) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file() || it->is_symlink()) continue;
        std::ifstream in(it->path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        out[std::filesystem::relative(it->path(), root).string()] = std::hash<std::string>{}(bytes);
    }
    return out;
}

/// Files of `before` that are gone or changed in `after`.
inline int files_changed(const std::map<std::string, std::size_t>& before,
                         const std::map<std::string, std::size_t>& after) {
    int n = 0;
    for (const auto& [path, hash] : before) {
        auto it = after.find(path);
        if (it == after.end() || it->second != hash) ++n;
    }
    return n;
}

}  // namespace vigie::guard::testing
