#include "guard/fanotify_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "guard/monotonic_clock.hpp"
#include "guard/proc_info.hpp"

namespace vigie::guard {
namespace {

// Directories: the closes of the files in them (a new file's first close included). Opens are
// asked of each file's own mark, set as soon as the file is created: a file being created
// holds nothing to keep, and its creator does not wait for the guard for nothing (what a
// copy into a protected tree would otherwise pay per file).
constexpr unsigned kDirectoryMask = FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD;
constexpr unsigned kNotificationMask = FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ONDIR;
constexpr unsigned kFileMask = FAN_OPEN_PERM | FAN_CLOSE_WRITE;

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

core::Error os_error(std::string what, const std::string& path = {}) {
    return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)),
                      core::Location::in_file(path));
}

// A directory's file handle as the kernel reports it in events: type, then the bytes.
std::string handle_key(int type, const unsigned char* bytes, unsigned length) {
    std::string key(reinterpret_cast<const char*>(&type), sizeof type);
    key.append(reinterpret_cast<const char*>(bytes), length);
    return key;
}

std::optional<std::string> handle_of(const std::string& path) {
    struct {
        file_handle header;
        unsigned char bytes[MAX_HANDLE_SZ];
    } h{};
    h.header.handle_bytes = MAX_HANDLE_SZ;
    int mount_id = 0;
    if (::name_to_handle_at(AT_FDCWD, path.c_str(), &h.header, &mount_id, 0) != 0)
        return std::nullopt;
    return handle_key(h.header.handle_type, h.header.f_handle, h.header.handle_bytes);
}

std::string fd_path(int fd) {
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[4096];
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

// Calls `handle(metadata, event bytes)` for each event of a read. Events are packed with
// lengths the kernel rounds to 4 bytes, not 8: every structure is copied out before use,
// never read in place.
template <typename Handle>
void for_each_event(const char* buffer, std::size_t length, Handle handle) {
    std::size_t at = 0;
    while (length - at >= sizeof(fanotify_event_metadata)) {
        fanotify_event_metadata meta{};
        std::memcpy(&meta, buffer + at, sizeof meta);
        if (meta.event_len < sizeof meta || meta.event_len > length - at ||
            meta.vers != FANOTIFY_METADATA_VERSION)
            return;
        handle(meta, std::string_view(buffer + at, meta.event_len));
        at += meta.event_len;
    }
}

}  // namespace

core::Result<void> fanotify_available() {
    const int fd = ::fanotify_init(FAN_CLASS_PRE_CONTENT | FAN_CLOEXEC, O_RDONLY);
    if (fd < 0) {
        if (errno == EPERM)
            return core::fail(core::ErrorCode::kUnsupported,
                              "fanotify permission events need root (CAP_SYS_ADMIN)");
        return os_error("fanotify is not available");
    }
    ::close(fd);
    return {};
}

core::Result<std::unique_ptr<FanotifySource>> FanotifySource::open(
    const std::vector<std::string>& roots) {
    const unsigned common = FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE | FAN_UNLIMITED_MARKS;
    const int permission = ::fanotify_init(FAN_CLASS_PRE_CONTENT | FAN_REPORT_TID | common,
                                           O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME);
    if (permission < 0) return os_error("fanotify_init (pre-content group)");
    const int notification =
        // The target's own handle too: a rename into a folder the guard does not watch
        // reports no new folder and name, only what moved.
        ::fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME_TARGET | common,
                        O_RDONLY | O_CLOEXEC);
    if (notification < 0) {
        const core::Error e = os_error("fanotify_init (notification group)");
        ::close(permission);
        return e;
    }
    std::unique_ptr<FanotifySource> source(new FanotifySource(permission, notification));
    source->buffer_.resize(256 * 1024);
    for (const std::string& root : roots) {
        // open_by_handle_at refuses an O_PATH descriptor; opened before the marks.
        const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) source->root_fds_.push_back(fd);
        if (auto marked = source->watch_directory(root); !marked) return marked.error();
    }
    return source;
}

FanotifySource::~FanotifySource() {
    if (permission_fd_ >= 0) ::close(permission_fd_);
    if (notification_fd_ >= 0) ::close(notification_fd_);
    for (const int fd : root_fds_) ::close(fd);
}

void FanotifySource::mark_file(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    if (::fanotify_mark(permission_fd_, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW, kFileMask, AT_FDCWD,
                        path.c_str()) == 0)
        ++marked_files_;
}

core::Result<int> FanotifySource::quiet_directory(const std::string& path) {
    // A private copy of the mount, attached nowhere, with an ignore mark: what is opened
    // through it raises no event in this group, though the inodes themselves are marked.
    const int tree = static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | O_CLOEXEC));
    if (tree < 0) return os_error("open_tree (a private view of the journal)", path);
    // The mount mark takes the path "." from the tree's descriptor (an O_PATH descriptor
    // alone is refused).
    if (::fanotify_mark(
            permission_fd_,
            FAN_MARK_ADD | FAN_MARK_MOUNT | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
            kFileMask, tree, ".") != 0) {
        const core::Error e = os_error("fanotify_mark (the journal's private view)", path);
        ::close(tree);
        return e;
    }
    return tree;
}

core::Result<void> FanotifySource::mark(const std::string& directory) {
    const unsigned flags = FAN_MARK_ADD | FAN_MARK_ONLYDIR | FAN_MARK_DONT_FOLLOW;
    if (::fanotify_mark(permission_fd_, flags, kDirectoryMask, AT_FDCWD, directory.c_str()) != 0)
        return os_error("fanotify_mark (pre-content group)", directory);
    if (::fanotify_mark(notification_fd_, flags, kNotificationMask, AT_FDCWD, directory.c_str()) !=
        0)
        return os_error("fanotify_mark (notification group)", directory);
    if (auto handle = handle_of(directory)) directories_[*handle] = directory;
    return {};
}

core::Result<void> FanotifySource::watch_directory(const std::string& path) {
    if (auto marked = mark(path); !marked) return marked;
    std::error_code ec;
    namespace fs = std::filesystem;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_symlink(ec)) continue;
        // A directory or file removed meanwhile is no error.
        if (it->is_directory(ec))
            (void)mark(it->path().string());
        else if (it->is_regular_file(ec))
            mark_file(it->path().string());
    }
    return {};
}

std::vector<std::string> FanotifySource::changed_since(const std::string& root,
                                                       std::int64_t since_unix_ns,
                                                       std::size_t limit) {
    std::vector<std::string> out;
    std::error_code ec;
    namespace fs = std::filesystem;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator() && out.size() < limit; it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        const std::int64_t changed = st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec;
        if (changed >= since_unix_ns) out.push_back(it->path().string());
    }
    return out;
}

std::string FanotifySource::directory_path(const std::string& handle) const {
    auto it = directories_.find(handle);
    if (it != directories_.end()) return it->second;
    return path_of_handle(handle);
}

std::string FanotifySource::path_of_handle(const std::string& handle) const {
    // Asked of the kernel each time (not kept: nothing tells the guard when something outside
    // the trees moves). An O_PATH open raises no event.
    int type = 0;
    if (handle.size() < sizeof type || handle.size() - sizeof type > MAX_HANDLE_SZ) return {};
    std::memcpy(&type, handle.data(), sizeof type);
    struct {
        file_handle header;
        unsigned char bytes[MAX_HANDLE_SZ];
    } h{};
    h.header.handle_type = type;
    h.header.handle_bytes = static_cast<unsigned>(handle.size() - sizeof type);
    std::memcpy(h.header.f_handle, handle.data() + sizeof type, h.header.handle_bytes);
    for (const int root : root_fds_) {
        const int fd = ::open_by_handle_at(root, &h.header, O_PATH | O_CLOEXEC);
        if (fd < 0) continue;
        std::string path = fd_path(fd);
        ::close(fd);
        if (!path.empty() && path.front() == '/') return path;
    }
    return {};
}

void FanotifySource::rename_directory(const std::string& from, const std::string& to) {
    for (auto& [handle, path] : directories_) {
        if (path == from)
            path = to;
        else if (path.starts_with(from) && path[from.size()] == '/')
            path = to + path.substr(from.size());
    }
}

core::Result<void> FanotifySource::read(std::vector<FsEvent>& out,
                                        std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{notification_fd_, POLLIN, 0}, {permission_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
    if (ready < 0) {
        if (errno == EINTR) return {};
        return os_error("poll");
    }
    if (ready == 0) return {};
    // Notifications first: a rename or delete that came before an open now waiting is read
    // before that open is handled. A name change that happened while the permission queue
    // was read is in the next round, after the opens it did not precede.
    drain_notifications(out);
    if (fds[1].revents & POLLIN) drain_permissions(out);
    return {};
}

void FanotifySource::drain_notifications(std::vector<FsEvent>& out) {
    for (;;) {
        const ssize_t length = ::read(notification_fd_, buffer_.data(), buffer_.size());
        if (length <= 0) return;
        // A read that did not fill the buffer took everything queued: no read to see EAGAIN.
        const bool more = static_cast<std::size_t>(length) > buffer_.size() - 4096;
        const std::int64_t now = monotonic_ns();
        for_each_event(
            buffer_.data(), static_cast<std::size_t>(length),
            [&](const fanotify_event_metadata& meta, std::string_view bytes) {
                FsEvent e;
                e.time_ns = now;
                e.pid = meta.pid;
                e.is_directory = (meta.mask & FAN_ONDIR) != 0;
                if (meta.mask & FAN_Q_OVERFLOW) {
                    e.kind = FsEventKind::kOverflow;
                    out.push_back(std::move(e));
                    return;
                }
                std::string old_path;
                std::string new_path;
                std::string target;  ///< the handle of what was created, moved or deleted
                bool old_directory_watched = false;
                std::size_t at = meta.metadata_len;
                while (at + sizeof(fanotify_event_info_header) <= bytes.size()) {
                    fanotify_event_info_header header{};
                    std::memcpy(&header, bytes.data() + at, sizeof header);
                    if (header.len == 0 || at + header.len > bytes.size()) break;
                    const auto type = header.info_type;
                    // fanotify_event_info_fid: header, fsid, then a struct file_handle (its
                    // length and type, then the handle's bytes), then the entry's name.
                    const std::size_t handle_at =
                        at + sizeof(fanotify_event_info_header) + sizeof(__kernel_fsid_t);
                    if (type == FAN_EVENT_INFO_TYPE_FID &&
                        handle_at + sizeof(file_handle) <= at + header.len) {
                        file_handle handle{};
                        std::memcpy(&handle, bytes.data() + handle_at, sizeof handle);
                        const std::size_t bytes_at = handle_at + sizeof(file_handle);
                        if (bytes_at + handle.handle_bytes <= at + header.len)
                            target = handle_key(
                                handle.handle_type,
                                reinterpret_cast<const unsigned char*>(bytes.data() + bytes_at),
                                handle.handle_bytes);
                    }
                    if ((type == FAN_EVENT_INFO_TYPE_DFID_NAME ||
                         type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME ||
                         type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME) &&
                        handle_at + sizeof(file_handle) <= at + header.len) {
                        file_handle handle{};
                        std::memcpy(&handle, bytes.data() + handle_at, sizeof handle);
                        const std::size_t bytes_at = handle_at + sizeof(file_handle);
                        const std::size_t name_at = bytes_at + handle.handle_bytes;
                        if (name_at < at + header.len) {
                            const char* name = bytes.data() + name_at;
                            const std::size_t name_length =
                                ::strnlen(name, at + header.len - name_at);
                            const std::string key = handle_key(
                                handle.handle_type,
                                reinterpret_cast<const unsigned char*>(bytes.data() + bytes_at),
                                handle.handle_bytes);
                            if (type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
                                old_directory_watched = directories_.contains(key);
                            const std::string dir = directory_path(key);
                            const std::string path =
                                dir.empty() ? std::string()
                                            : dir + "/" + std::string(name, name_length);
                            if (type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
                                old_path = path;
                            else
                                new_path = path;
                        }
                    }
                    at += header.len;
                }
                if (meta.mask & FAN_RENAME) {
                    e.kind = FsEventKind::kRename;
                    // Moved out to a folder the guard does not watch: where it went, from
                    // its own handle (the files keep their marks; the journal must know).
                    if (new_path.empty() && !old_path.empty() && !target.empty()) {
                        new_path = path_of_handle(target);
                        if (!e.is_directory && !new_path.empty()) {
                            if (moved_out_.size() >= 65536) moved_out_.clear();
                            moved_out_[target] = new_path;
                        }
                    }
                    // Moved back in from there: the old folder and name are not reported
                    // either, but what moved is a folder or file the guard saw leave.
                    if (old_path.empty() && !new_path.empty() && !target.empty()) {
                        if (auto dir = directories_.find(target); dir != directories_.end()) {
                            old_path = dir->second;
                        } else if (auto file = moved_out_.find(target); file != moved_out_.end()) {
                            old_path = std::move(file->second);
                            moved_out_.erase(file);
                        }
                    }
                    if (e.is_directory && !old_path.empty() && !new_path.empty())
                        rename_directory(old_path, new_path);
                } else if (meta.mask & FAN_CREATE) {
                    e.kind = FsEventKind::kCreate;
                } else if (meta.mask & FAN_DELETE) {
                    e.kind = FsEventKind::kDelete;
                } else {
                    return;
                }
                if (new_path.empty()) return;  // a directory the guard does not know
                // A new file, or one moved in from outside the trees: its inode is marked
                // like the others (a file moved within the trees is marked already).
                if (!e.is_directory &&
                    (meta.mask & FAN_CREATE || (meta.mask & FAN_RENAME && !old_directory_watched)))
                    mark_file(new_path);
                e.path = std::move(new_path);
                e.old_path = std::move(old_path);
                out.push_back(std::move(e));
            });
        if (!more) return;
    }
}

void FanotifySource::drain_permissions(std::vector<FsEvent>& out) {
    for (;;) {
        const ssize_t length = ::read(permission_fd_, buffer_.data(), buffer_.size());
        if (length <= 0) return;
        const bool more = static_cast<std::size_t>(length) > buffer_.size() - 4096;
        const std::int64_t now = monotonic_ns();
        for_each_event(buffer_.data(), static_cast<std::size_t>(length),
                       [&](const fanotify_event_metadata& meta, std::string_view) {
                           FsEvent e;
                           e.time_ns = now;
                           e.pid = meta.pid;
                           if (meta.mask & FAN_Q_OVERFLOW) {
                               e.kind = FsEventKind::kOverflow;
                               out.push_back(std::move(e));
                               return;
                           }
                           if (meta.fd < 0) return;
                           e.source_handle = static_cast<std::uint64_t>(meta.fd);
                           e.kind = (meta.mask & FAN_OPEN_PERM) ? FsEventKind::kOpen
                                                                : FsEventKind::kCloseWrite;
                           struct stat st {};
                           if (::fstat(meta.fd, &st) == 0) {
                               e.file = {static_cast<std::uint64_t>(st.st_dev),
                                         static_cast<std::uint64_t>(st.st_ino)};
                               e.size = static_cast<std::uint64_t>(st.st_size);
                               e.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
                               e.mtime_ns =
                                   st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
                               e.is_directory = S_ISDIR(st.st_mode);
                           }
                           e.path = fd_path(meta.fd);
                           if (e.kind == FsEventKind::kOpen)
                               e.for_writing = open_asks_for_write(meta.pid);
                           out.push_back(std::move(e));
                       });
        if (!more) return;
    }
}

void FanotifySource::answer(const FsEvent& event, bool allow) {
    if (event.kind != FsEventKind::kOpen) return;
    fanotify_response response{static_cast<std::int32_t>(event.source_handle),
                               static_cast<std::uint32_t>(allow ? FAN_ALLOW : FAN_DENY)};
    // A failed answer would leave the opener waiting until the guard exits: retry on EINTR.
    while (::write(permission_fd_, &response, sizeof response) < 0 && errno == EINTR) {
    }
}

core::Result<std::size_t> FanotifySource::read_file(const FsEvent& event, std::uint64_t offset,
                                                    std::span<std::uint8_t> out) {
    if (event.kind != FsEventKind::kOpen && event.kind != FsEventKind::kCloseWrite)
        return core::fail(core::ErrorCode::kInvalidArgument, "this event has no file to read");
    for (;;) {
        const ssize_t n = ::pread(static_cast<int>(event.source_handle), out.data(), out.size(),
                                  static_cast<off_t>(offset));
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) return os_error("pread", event.path);
    }
}

std::string FanotifySource::file_reference(const FsEvent& event) {
    if (event.kind != FsEventKind::kOpen && event.kind != FsEventKind::kCloseWrite)
        return event.path;
    return "/proc/self/fd/" + std::to_string(event.source_handle);
}

void FanotifySource::release(const FsEvent& event) {
    if (event.kind == FsEventKind::kOpen || event.kind == FsEventKind::kCloseWrite)
        ::close(static_cast<int>(event.source_handle));
}

std::optional<ProcessInfo> FanotifySource::process(std::int32_t pid) {
    return read_process_info(pid);
}

core::Result<SmbSessionDetails> FanotifySource::smb_session(std::int32_t worker) {
    return query_smb_session(worker, std::chrono::milliseconds(1500));
}

}  // namespace vigie::guard
