// guard/restore.hpp - undoing what actors did, from the guard's journal.
//
// Records are undone newest first: a rename goes back, a created file (an encrypted copy, a
// ransom note) is removed, a deleted file comes back from the journal's link, and a file's
// content from its blob. Every restored file is written to a temporary name beside it,
// synced, checked against the SHA-256 recorded before the change, then renamed over: an
// interrupted restore never leaves half a file. What is already as it was is left alone,
// so a second run changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/journal_record.hpp"

namespace vigie::guard {

struct RestoreOptions {
    std::string journal;               ///< the guard's journal directory
    std::vector<std::string> actors;   ///< only these actors (empty: any)
    std::vector<std::string> clients;  ///< only SMB sessions of these client addresses (empty: any)
    std::int64_t since_ns = -1;        ///< only records at or after this Unix time
    std::string path_prefix;           ///< only records about paths under this prefix
    bool all = false;                  ///< no filter (required when none is given)
    bool dry_run = false;              ///< say what would be done, do nothing
};

struct RestoreStep {
    std::string path;
    std::string action;  ///< "content restored", "rename undone", "created file removed", ...
    bool ok = true;
    std::string reason;  ///< why it could not be done
};

struct RestoreReport {
    std::vector<RestoreStep> steps;  ///< what was done, or could not be
    std::uint64_t records = 0;       ///< records selected
    std::uint64_t unchanged = 0;     ///< records whose effect was already undone
    std::uint64_t damaged_lines = 0;
    std::uint64_t failures() const;
};

core::Result<RestoreReport> restore(const RestoreOptions& options);

/// Lines of `vigie journal`: per actor, its records, files and the bytes kept.
struct ActorSummary {
    std::string actor;
    std::string client;  ///< SMB client address ("" for a local process)
    std::int64_t first_ns = 0, last_ns = 0;
    std::uint64_t contents = 0, creates = 0, renames = 0, deletes = 0, skipped = 0;
    std::uint64_t content_bytes = 0;  ///< sizes of the files whose content was kept
    std::vector<std::string> paths;
};
core::Result<std::vector<ActorSummary>> summarise_journal(const std::string& journal,
                                                          std::uint64_t* damaged_lines = nullptr);

}  // namespace vigie::guard
