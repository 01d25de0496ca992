// guard/replay_source.hpp - the fanotify source's twin: a scripted or recorded stream of file
// events, fed to the same engine.
//
// Scripted, it models a small file system: `write` a file and it yields what fanotify would
// (a create for a new name, the open with the content before, the close with the content
// after); an open the engine denies drops the write it would have allowed. Recorded, it
// replays a JSON-lines stream (`save` writes one; `load` reads it): each event with the
// bytes the engine read, and each process as it was. Unit tests, and platforms without
// fanotify, run the engine on it.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/event_source.hpp"

namespace vigie::guard {

class ReplaySource final : public EventSource {
  public:
    using Bytes = std::vector<std::uint8_t>;

    // Scripting: processes, then what they do, in order.
    void add_process(ProcessInfo info) { processes_[info.pid] = std::move(info); }
    /// What Samba would say of worker `pid`'s session (user, share).
    void add_smb_session(std::int32_t pid, SmbSessionDetails details) {
        smb_sessions_[pid] = std::move(details);
    }
    /// A file that exists before the guard starts (no events).
    void put(const std::string& path, Bytes content);
    /// `pid` writes `content` to `path` (creating it when new): create?, open, close.
    void write(std::int32_t pid, const std::string& path, Bytes content);
    /// `write` in two steps, so that other processes' work can come between the open and
    /// the close (parallel workers each with a file in flight).
    void begin_write(std::int32_t pid, const std::string& path, Bytes content);
    void end_write(std::int32_t pid, const std::string& path);
    /// `pid` opens `path` for reading only: an open event, no close-write.
    void read_only(std::int32_t pid, const std::string& path);
    void rename(std::int32_t pid, const std::string& from, const std::string& to);
    /// `pid` moves the folder `from` (and everything below it) to `to`.
    void move_directory(std::int32_t pid, const std::string& from, const std::string& to);
    /// `pid` writes `content` to the existing file `path` through another name of it (a hard
    /// link elsewhere, /proc/PID/fd): the events name `seen_as`, the inode is `path`'s.
    void write_via(std::int32_t pid, const std::string& seen_as, const std::string& path,
                   Bytes content);
    /// `pid` saves `content` as `path` the way editors do: written whole to the new file
    /// `temp`, then renamed over `path`. `close_after_rename`: the close reaches the guard
    /// after the rename (fanotify's two queues) and names the file by its new name.
    void replace(std::int32_t pid, const std::string& temp, const std::string& path, Bytes content,
                 bool close_after_rename = false);
    void remove(std::int32_t pid, const std::string& path);
    void make_directory(std::int32_t pid, const std::string& path);
    void overflow();

    /// A process (or, negative, a process group) was stopped: it does nothing more, as the
    /// kernel would see it. Test process controls call this on SIGSTOP and SIGKILL.
    void stop(std::int32_t pid_or_group);

    /// Recorded streams (JSON lines); see the file's comment.
    core::Result<void> save(const std::string& path) const;
    static core::Result<std::unique_ptr<ReplaySource>> load(const std::string& path);

    /// What the engine answered to each open, in order (true: allowed).
    const std::vector<std::pair<std::string, bool>>& answers() const noexcept { return answers_; }
    /// Directories the engine asked to watch.
    const std::vector<std::string>& watched() const noexcept { return watched_; }
    /// The content a path has now (after allowed writes), or null.
    const Bytes* content(const std::string& path) const;
    bool done() const noexcept { return next_ >= script_.size(); }

    core::Result<void> read(std::vector<FsEvent>& out, std::chrono::milliseconds timeout) override;
    void answer(const FsEvent& event, bool allow) override;
    core::Result<std::size_t> read_file(const FsEvent& event, std::uint64_t offset,
                                        std::span<std::uint8_t> out) override;
    void release(const FsEvent&) override {}
    std::optional<ProcessInfo> process(std::int32_t pid) override;
    core::Result<SmbSessionDetails> smb_session(std::int32_t worker) override;
    core::Result<void> watch_directory(const std::string& path) override;
    std::vector<std::string> changed_since(const std::string& root, std::int64_t since_unix_ns,
                                           std::size_t limit) override;

  private:
    struct Step {
        FsEvent event;
        std::shared_ptr<const Bytes> bytes;  ///< the file as the event sees it (from 0)
        std::shared_ptr<const Bytes> tail;   ///< recorded streams: the file's last bytes
        std::uint64_t tail_offset = 0;
        std::uint64_t operation = 0;  ///< an open and its close share one
        std::string apply_path;       ///< a close: the write lands here when allowed
        /// begin_write's open: what the writer has written by the time anyone reads the
        /// file through this open again, once it is allowed.
        std::shared_ptr<const Bytes> written;
        bool allowed = false;
    };
    FileId id_of(const std::string& path);
    void push(Step step);
    /// An open or a close of `path` as the file then is.
    void push_file_event(FsEventKind kind, std::int32_t pid, const std::string& path,
                         std::shared_ptr<const Bytes> bytes, std::uint64_t operation,
                         bool for_writing);

    std::vector<Step> script_;
    std::vector<bool> delivered_;
    std::size_t next_ = 0;                 ///< the first step not delivered yet
    std::map<std::int32_t, int> waiting_;  ///< pid -> its opens delivered, not answered
    std::uint64_t operations_ = 0;
    std::uint64_t next_inode_ = 1;
    std::map<std::string, std::shared_ptr<const Bytes>> files_;    ///< as scripted
    std::map<std::string, std::shared_ptr<const Bytes>> applied_;  ///< as allowed
    std::map<std::string, FileId> inodes_;
    std::map<std::int32_t, ProcessInfo> processes_;
    std::vector<std::uint64_t> denied_operations_;
    std::set<std::int32_t> stopped_;
    std::vector<std::pair<std::string, bool>> answers_;
    std::vector<std::string> watched_;
    std::map<std::int32_t, SmbSessionDetails> smb_sessions_;
    struct WriteInFlight {
        std::uint64_t operation = 0;
        std::shared_ptr<const Bytes> after;
    };
    std::map<std::pair<std::int32_t, std::string>, WriteInFlight> writes_in_flight_;
};

}  // namespace vigie::guard
