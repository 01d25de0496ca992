// guard/event_source.hpp - where file events come from, and the kernel-facing calls the
// engine needs around them.
//
// Two implementations: FanotifySource (fanotify_source.hpp), the real one, and ReplaySource
// (replay_source.hpp), which feeds a recorded or scripted stream to the same engine for unit
// tests and for platforms without fanotify. The engine never calls the kernel itself.
#pragma once

#include <fcntl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/fs_event.hpp"
#include "guard/smb_session.hpp"

namespace vigie::guard {

/// What the guard knows of a process: enough to group it with its job and its user.
struct ProcessInfo {
    std::int32_t pid = 0;      ///< as the event gave it: a thread id for permission events
    std::int32_t process = 0;  ///< the thread group (the process) it belongs to; 0: `pid`
    std::int32_t parent = 0;
    std::int32_t process_group = 0;
    std::int32_t session = 0;
    std::uint32_t uid = 0;
    std::uint64_t start_ticks = 0;  ///< start time since boot: tells a reused pid apart
    std::string executable;         ///< resolved path of the program ("" when unknown)
    std::string command;            ///< short name (comm)
    /// A Samba worker (smbd) and the client machine it serves: its work is the client's,
    /// not the server's (smb_session.hpp). `smb_client.address` is "" when not known.
    bool smb_worker = false;
    SmbClient smb_client;
};

class EventSource {
  public:
    virtual ~EventSource() = default;

    /// Waits up to `timeout` for events and appends them to `out` in the order they happened
    /// (name changes before the opens they precede). An empty result is a timeout.
    virtual core::Result<void> read(std::vector<FsEvent>& out,
                                    std::chrono::milliseconds timeout) = 0;

    /// Answers a permission event (kOpen). Every one must be answered, exactly once.
    virtual void answer(const FsEvent& event, bool allow) = 0;

    /// Reads the file of an open or close event at `offset`; returns the bytes read.
    virtual core::Result<std::size_t> read_file(const FsEvent& event, std::uint64_t offset,
                                                std::span<std::uint8_t> out) = 0;

    /// A path naming exactly the file of an open or close event, whatever its name now
    /// ("/proc/self/fd/N" for fanotify): the journal links the inode through it.
    virtual std::string file_reference(const FsEvent& event) { return event.path; }

    /// Frees what the source holds for an event (its descriptor). Called once per event.
    virtual void release(const FsEvent& event) = 0;

    /// The process behind a pid, while it lives (or as recorded).
    virtual std::optional<ProcessInfo> process(std::int32_t pid) = 0;

    /// The user and share of a Samba worker's session (smbstatus; slow: asked once per session).
    virtual core::Result<SmbSessionDetails> smb_session(std::int32_t worker) {
        return core::fail(
            core::ErrorCode::kUnsupported,
            "no SMB session information from this source for " + std::to_string(worker));
    }

    /// Starts watching a directory and everything below it (one created or moved in after
    /// start-up: fanotify marks are per inode).
    virtual core::Result<void> watch_directory(const std::string& path) = 0;

    /// A descriptor of the directory `path` (O_PATH) through which the guard's own reads
    /// raise no event: the journal's links are the protected files themselves, and a read
    /// through them that waited for the guard's own answer would never end. The caller
    /// closes it.
    virtual core::Result<int> quiet_directory(const std::string& path) {
        const int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return core::fail(core::ErrorCode::kIo, "cannot open the directory",
                              core::Location::in_file(path));
        return fd;
    }

    /// Files under `root` changed (modified or renamed) at or after `since_unix_ns`, found
    /// without opening them, at most `limit`: what a lost event may have hidden (and, with
    /// 0, the files a folder holds).
    virtual std::vector<std::string> changed_since(const std::string& root,
                                                   std::int64_t since_unix_ns,
                                                   std::size_t limit) = 0;
};

}  // namespace vigie::guard
