// app/guard_command.hpp - `vigie guard`: watch protected trees and stop whoever encrypts them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigie::app {

struct GuardCommandOptions {
    std::vector<std::string> protect;  ///< trees to protect
    std::string journal;               ///< where pre-images go (outside the trees)
    std::string config;                ///< YAML file; command-line options win
    std::string alerts;                ///< JSON-lines alert file (default: <journal>/alerts.jsonl)
    std::string allow;                 ///< allow-list file (PATH [sha256:HEX] per line)
    std::string policy = "kill";       ///< kill | suspend
    std::string ready_file;            ///< written once every mark is in place
    std::string replay;                ///< run over a recorded stream instead of fanotify
    std::string record;                ///< also write the event stream to this file
    int threshold = 0;                 ///< 0: the default (100)
    std::uint64_t journal_max_mb = 8192;  ///< blobs and deleted files kept, at most
    std::uint64_t journal_max_hours = 24 * 7;
    std::int64_t block_minutes = 10;  ///< an SMB client whose session was ended is refused
                                      ///< new connections this long (0: not blocked)
    bool dry_run = false;
    bool decoys = false;  ///< plant decoy files in the trees (decoys.hpp)
    bool syslog = true;
};

/// Runs until SIGINT or SIGTERM. Exit status: 0 stopped cleanly, 2 error.
int run_guard_command(const GuardCommandOptions& options);

}  // namespace vigie::app
