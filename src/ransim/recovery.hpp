// ransim/recovery.hpp - undoing a run, and checking that the corpus is as generated.
//
// decrypt does not trust the progress log to say what each file looks like: the guard may
// have stopped the run in the middle of a write, or restored some files itself. For every
// manifest file it looks at what is on disk under the file's name and under the strategy's
// other name (NAME.enc, NAME.locked, NAME.CIop, atomic-replace's .NAME.tmpXXXXXX) and
// rebuilds the original block by block (4 KiB): each block is either still plain, or
// ciphertext (XOR the file's keystream again),
// or, for the one block a killed write was cutting through, ciphertext up to some byte and
// plain after it (every cut point is tried). The base64 strategy's blocks are either plain or
// decoded from the text. The result must match the manifest's digest of the whole file before
// it is written back. What the log adds: the notes to remove.
//
// What cannot be recovered: a file changed by something else than the run (it is reported,
// never overwritten), and a file whose key directory was lost. A half-written NAME.enc (or
// temporary file) whose original still exists is simply removed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ransim/manifest.hpp"
#include "ransim/safety.hpp"
#include "ransim/strategies.hpp"

namespace vigie::ransim {

/// The original content of `entry` from the bytes found on disk after a run with `strategy`
/// and `key`, or nothing when they are not a (partly) encrypted form of it.
std::optional<std::vector<std::uint8_t>> restore_content(Strategy strategy, const Key& key,
                                                         const ManifestEntry& entry,
                                                         std::span<const std::uint8_t> on_disk);

struct DecryptOptions {
    std::string key_dir;         ///< empty: DIR/.vigie-ransim
    std::string allow_links_in;  ///< CorpusRoot::allow_links_in (a guard's journal)
};

struct DecryptReport {
    std::string strategy;
    std::size_t files = 0;              ///< manifest files looked at
    std::size_t intact = 0;             ///< already as generated
    std::size_t restored = 0;           ///< decrypted (and renamed back)
    std::size_t leftovers_removed = 0;  ///< half-written copies, notes
    std::vector<SkippedEntry> unrecoverable;
};

/// Restores every file a run touched; once nothing is left unrecoverable, removes the key and
/// the progress log (a new run can then start).
core::Result<DecryptReport> decrypt(const std::string& dir, const DecryptOptions& options);

struct VerifyReport {
    std::size_t files = 0;
    std::size_t identical = 0;
    std::vector<std::string> missing;
    std::vector<std::string> changed;
    std::vector<std::string> extra;  ///< entries of the tree that the manifest does not list

    bool clean() const { return missing.empty() && changed.empty() && extra.empty(); }
};

core::Result<VerifyReport> verify(const std::string& dir);

}  // namespace vigie::ransim
