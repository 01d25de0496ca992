// Helpers for the end-to-end tests of the `vigie` binary.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace vigie::test {

struct CommandResult {
    int status = -1;
    std::string out;
};

/// Runs a shell command; stdout is captured, stderr goes where `command` sends it.
inline CommandResult run(const std::string& command) {
    CommandResult r;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
    if (!pipe) return r;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) r.out.append(buf, n);
    const int raw = pclose(pipe.release());
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

inline std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

/// A folder of rules (or other files) written by a test, removed at the end.
class RuleDir {
  public:
    RuleDir()
        : path_(std::filesystem::temp_directory_path() /
                ("vigie-hunt-" + std::to_string(getpid()) + "-" + std::to_string(counter_++))) {
        std::filesystem::create_directories(path_);
    }
    ~RuleDir() { std::filesystem::remove_all(path_); }
    RuleDir(const RuleDir&) = delete;
    RuleDir& operator=(const RuleDir&) = delete;
    void write(const std::string& name, const std::string& text) {
        std::ofstream(path_ / name) << text;
    }
    std::string path() const { return path_.string(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

inline const std::string kVigie = std::string(VIGIE_BINARY_DIR) + "/vigie";
inline const std::string kDemo = std::string(VIGIE_SOURCE_DIR) + "/tests/fixtures/demo.evtx";

}  // namespace vigie::test
