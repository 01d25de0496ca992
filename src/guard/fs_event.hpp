// guard/fs_event.hpp - one thing that happened to a file in a protected tree.
//
// Event sources (fanotify on Linux, a replay of a recorded stream in tests) turn what the
// kernel reports into FsEvents; the engine (engine.hpp) sees nothing else. Opens are
// permission events: the opening process waits until the engine answers, which is how a
// stopped actor is denied further files.
#pragma once

#include <cstdint>
#include <string>

namespace vigie::guard {

enum class FsEventKind : unsigned char {
    kOpen,        ///< a file is being opened (permission: the opener waits for the answer)
    kCloseWrite,  ///< a file opened for writing was closed: its new content can be read
    kCreate,      ///< a name was created (file or directory)
    kDelete,      ///< a name was removed
    kRename,      ///< a name moved: old_path -> path
    kOverflow,    ///< the kernel dropped events: what happened meanwhile is unknown
};

const char* fs_event_kind_name(FsEventKind kind) noexcept;

/// Identity of a file that survives renames: device and inode number.
struct FileId {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileId&) const = default;
    bool known() const noexcept { return inode != 0; }
};

struct FsEvent {
    FsEventKind kind = FsEventKind::kOpen;
    bool is_directory = false;
    bool for_writing = true;    ///< opens: the opener asked for write access (true when unsure)
    std::int32_t pid = 0;       ///< the process that caused it (0 when the kernel did not say)
    std::string path;           ///< absolute path (for a rename: the new one)
    std::string old_path;       ///< rename: the path before
    FileId file;                ///< when the source has the file at hand (opens, closes)
    std::uint64_t size = 0;     ///< file size at the event, when known
    std::uint32_t mode = 0;     ///< permission bits, when known
    std::int64_t mtime_ns = 0;  ///< last modification (Unix ns), when known
    std::int64_t time_ns = 0;   ///< monotonic time the source read the event
    std::uint64_t source_handle = 0;  ///< the source's own reference (a descriptor, an index)
};

}  // namespace vigie::guard
