// guard/subprocess.hpp - running a helper program (smbstatus, nft) with a deadline.
//
// The guard answers permission events: a helper that hangs must not hang it. The child is
// killed at the deadline, and its output is capped.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::guard {

struct ProgramRun {
    int exit_code = -1;  ///< -1 when killed by a signal
    std::string output;  ///< standard output (at most 4 MiB)
    std::string errors;  ///< standard error (at most 64 KiB)
};

struct ProgramOptions {
    std::string input;                        ///< written to standard input, then closed
    std::chrono::milliseconds timeout{2000};  ///< the child is killed after this
    std::int32_t network_namespace_of = 0;    ///< run in this process's network namespace
};

/// Runs argv[0] (searched in PATH) with `argv`; an error when it cannot start, or timed out.
core::Result<ProgramRun> run_program(const std::vector<std::string>& argv,
                                     const ProgramOptions& options = {});

}  // namespace vigie::guard
