// guard/fanotify_source.hpp - file events from the Linux kernel's fanotify.
//
// Two groups watch the protected trees through inode marks:
//  - a pre-content group for opens (permission events: the opener waits for the answer) and
//    closes after writing; both carry a descriptor the guard reads the file through, opened
//    by the kernel so that reading it raises no event. Every directory of the trees is
//    marked (for the files created in them) and so is every file: a mark belongs to the
//    inode, not to a path, so the file is seen whatever name it is opened by (a hard link
//    made elsewhere, its folder moved out of the tree, /proc/PID/fd, another mount of the
//    filesystem, a file handle). The rest of the filesystem raises nothing: its users pay
//    nothing for the guard. (A filesystem-wide mark would see the same opens, but every open
//    of every other file would then wait for the guard's answer.) The price is kernel
//    memory: a marked inode stays cached while the guard runs, about a kilobyte per file;
//  - a notification group with directory file handles and names (FAN_REPORT_DFID_NAME) for
//    creates, deletes and renames, which the pre-content class cannot report. A folder
//    moved out of a tree keeps its marks; its new place is found from its file handle.
// The notification group is drained before the permission group each round, so the name
// changes a process made before an open it now waits in are known when the open is answered.
// Both queues are unlimited; an overflow is still reported as an event if one happens.
// If the guard dies, the kernel allows every waiting open: the guard fails open, never shut.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/event_source.hpp"

namespace vigie::guard {

/// fanotify with permission events works here (root, a kernel with CONFIG_FANOTIFY_ACCESS_
/// PERMISSIONS); the reason when not.
core::Result<void> fanotify_available();

class FanotifySource final : public EventSource {
  public:
    /// Marks every directory under each root (absolute paths of existing directories).
    static core::Result<std::unique_ptr<FanotifySource>> open(
        const std::vector<std::string>& roots);
    ~FanotifySource() override;

    core::Result<void> read(std::vector<FsEvent>& out, std::chrono::milliseconds timeout) override;
    void answer(const FsEvent& event, bool allow) override;
    core::Result<std::size_t> read_file(const FsEvent& event, std::uint64_t offset,
                                        std::span<std::uint8_t> out) override;
    std::string file_reference(const FsEvent& event) override;
    void release(const FsEvent& event) override;
    std::optional<ProcessInfo> process(std::int32_t pid) override;
    core::Result<SmbSessionDetails> smb_session(std::int32_t worker) override;
    core::Result<void> watch_directory(const std::string& path) override;
    core::Result<int> quiet_directory(const std::string& path) override;
    std::vector<std::string> changed_since(const std::string& root, std::int64_t since_unix_ns,
                                           std::size_t limit) override;

    std::size_t watched_directories() const noexcept { return directories_.size(); }
    std::size_t watched_files() const noexcept { return marked_files_; }

  private:
    FanotifySource(int permission_fd, int notification_fd)
        : permission_fd_(permission_fd), notification_fd_(notification_fd) {}
    core::Result<void> mark(const std::string& directory);
    /// Marks one file's inode (a regular file; anything else is left alone).
    void mark_file(const std::string& path);
    void drain_notifications(std::vector<FsEvent>& out);
    void drain_permissions(std::vector<FsEvent>& out);
    /// The path of a directory from its file handle: a watched one from the map, any other
    /// (a folder outside the trees that something was moved to or from) from the kernel.
    std::string directory_path(const std::string& handle) const;
    /// The path of anything on a protected filesystem from its file handle ("" if gone).
    std::string path_of_handle(const std::string& handle) const;
    void rename_directory(const std::string& from, const std::string& to);

    int permission_fd_ = -1;
    int notification_fd_ = -1;
    std::map<std::string, std::string> directories_;  ///< file handle bytes -> path
    /// Files renamed out of the trees, by handle: where they went, for when they come back.
    std::map<std::string, std::string> moved_out_;
    std::vector<int> root_fds_;  ///< one per protected root: resolves other file handles
    std::size_t marked_files_ = 0;
    std::vector<char> buffer_;
};

}  // namespace vigie::guard
