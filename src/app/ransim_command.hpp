// app/ransim_command.hpp - `vigie ransim`: a safe ransomware simulator for testing the guard
// on a corpus it generates (generate, encrypt, decrypt, verify, strategies).
#pragma once

#include <cstdint>
#include <string>

namespace vigie::app {

struct RansimCommandOptions {
    std::string dir;
    std::uint64_t files = 200;   ///< generate
    std::uint64_t seed = 2019;   ///< generate
    std::string strategy;        ///< encrypt
    unsigned workers = 8;        ///< encrypt, multi-process
    std::int64_t delay_ms = -1;  ///< encrypt: -1 is the strategy's default
    std::int64_t limit = -1;     ///< encrypt: -1 is every file
    std::string key_dir;         ///< encrypt, decrypt: empty is DIR/.vigie-ransim
    std::string allow_links_in;  ///< encrypt, decrypt: a guard's journal (other names there)
};

// Exit status: 0 done, 1 differences remain (verify; decrypt with unrecoverable files),
// 2 error or refusal.
int run_ransim_generate(const RansimCommandOptions& options);
int run_ransim_encrypt(const RansimCommandOptions& options);
int run_ransim_decrypt(const RansimCommandOptions& options);
int run_ransim_verify(const RansimCommandOptions& options);
int run_ransim_strategies();

}  // namespace vigie::app
