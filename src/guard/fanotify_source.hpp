// guard/fanotify_source.hpp - file events from the Linux kernel's fanotify.
//
// Two groups watch every directory of the protected trees (inode marks, so nothing outside
// them reaches the guard):
//  - a pre-content group for opens (permission events: the opener waits for the answer) and
//    closes after writing; both carry a descriptor the guard reads the file through, opened
//    by the kernel so that reading it raises no event;
//  - a notification group with directory file handles and names (FAN_REPORT_DFID_NAME) for
//    creates, deletes and renames, which the pre-content class cannot report.
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
    std::vector<std::string> changed_since(const std::string& root,
                                           std::int64_t since_unix_ns) override;

    std::size_t watched_directories() const noexcept { return directories_.size(); }

  private:
    FanotifySource(int permission_fd, int notification_fd)
        : permission_fd_(permission_fd), notification_fd_(notification_fd) {}
    core::Result<void> mark(const std::string& directory);
    void drain_notifications(std::vector<FsEvent>& out);
    void drain_permissions(std::vector<FsEvent>& out);
    std::string directory_path(const std::string& handle) const;
    void rename_directory(const std::string& from, const std::string& to);

    int permission_fd_ = -1;
    int notification_fd_ = -1;
    std::map<std::string, std::string> directories_;  ///< file handle bytes -> path
    std::vector<char> buffer_;
};

}  // namespace vigie::guard
