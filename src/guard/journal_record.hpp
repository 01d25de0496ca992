// guard/journal_record.hpp - one line of the guard's journal, and reading the journal back.
//
// The journal log (JOURNAL/journal.log) is append-only JSON lines, each followed by a tab and
// the CRC-32 of the JSON text. A line is written in one write() and made durable before the
// change it prepares for is let through. A line cut by a crash, or damaged since, fails its
// check: readers skip it and count it, never trust it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::guard {

enum class JournalOp : unsigned char {
    kContent,  ///< a file's content before an actor's first write (a blob holds it)
    kCreate,   ///< a name the actor created
    kRename,   ///< from -> path
    kDelete,   ///< a name the actor removed (its inode is kept as a link when possible)
    kSkipped,  ///< content that could not be kept (too large, unreadable): restore says so
};

const char* journal_op_name(JournalOp op) noexcept;

struct JournalRecord {
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;  ///< Unix time
    JournalOp op = JournalOp::kContent;
    std::string actor;
    std::string client;  ///< the actor's SMB client address ("" for a local process)
    std::string path;
    std::string from;  ///< rename: the name before
    bool directory = false;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::uint32_t mode = 0;
    std::string sha256;  ///< content: the blob; delete: the content when it was known
    std::string link;    ///< delete: the journal's hard link to the inode ("" when none)
    std::string reason;  ///< skipped: why
};

/// The line for a record, with its check, ending in '\n'.
std::string journal_line(const JournalRecord& record);

struct JournalContents {
    std::vector<JournalRecord> records;
    std::uint64_t damaged_lines = 0;  ///< lines that failed their check or did not parse
};

/// Reads a journal log; a missing log is an empty journal.
core::Result<JournalContents> read_journal(const std::string& log_path);

}  // namespace vigie::guard
