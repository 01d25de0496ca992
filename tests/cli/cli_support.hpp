// Helpers for the end-to-end tests of the `vigie` binary.
#pragma once

#include <sys/wait.h>

#include <cstdio>
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

inline const std::string kVigie = std::string(VIGIE_BINARY_DIR) + "/vigie";
inline const std::string kDemo = std::string(VIGIE_SOURCE_DIR) + "/tests/fixtures/demo.evtx";

}  // namespace vigie::test
