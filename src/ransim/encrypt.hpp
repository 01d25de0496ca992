// ransim/encrypt.hpp - one run of the simulated ransomware over a generated corpus.
//
// The run checks the corpus marker, reads the manifest, walks the tree (symbolic links, other
// file systems, hard links and special files are skipped and reported), saves a fresh random
// key, then encrypts the manifest's files one after another in walk order with the chosen
// strategy. It never touches the network, never leaves the tree, never starts anything that
// outlives it. Being stopped (SIGSTOP) and killed (SIGKILL) midway by the guard is expected:
// `decrypt` restores what the run left.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ransim/safety.hpp"
#include "ransim/strategies.hpp"

namespace vigie::ransim {

struct EncryptOptions {
    Strategy strategy = Strategy::kInPlace;
    unsigned workers = 8;                ///< multi-process: child processes
    std::optional<unsigned> delay_ms;    ///< pause after each file (slow: 2000 by default)
    std::optional<std::uint64_t> limit;  ///< stop after this many files
    std::string key_dir;                 ///< empty: DIR/.vigie-ransim
    std::string allow_links_in;          ///< CorpusRoot::allow_links_in (a guard's journal)
};

struct EncryptReport {
    std::string key_dir;
    std::size_t planned = 0;    ///< files the run set out to encrypt
    std::size_t encrypted = 0;  ///< `done` lines in the progress log
    std::vector<SkippedEntry> skipped;
    std::vector<std::int64_t> worker_pids;  ///< multi-process: the children
};

core::Result<EncryptReport> encrypt(const std::string& dir, const EncryptOptions& options);

}  // namespace vigie::ransim
