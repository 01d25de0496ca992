// guard/journal.hpp - what a file was before an untrusted actor changed it, kept so that
// `vigie restore` can bring it back.
//
//   JOURNAL/journal.log        records (journal_record.hpp), append-only, each made durable
//                              before the change it prepares for is let through
//   JOURNAL/blobs/SHA256.zst   file contents, zstd-compressed, named by the SHA-256 of the
//                              content; written to a temporary name, synced, then renamed:
//                              a blob that exists under its name is whole
//   JOURNAL/links/DEV-INO      a hard link to every protected file: a deleted or replaced
//                              file's data stays reachable (same filesystem only)
//
// Unlink and rename cannot be refused by fanotify, so the journal holds a link to each file
// before anything happens to it: at start-up for what exists, at creation for what comes.
// Content is copied at the first open for writing (the open waits for it), once per version.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/fs_event.hpp"
#include "guard/journal_record.hpp"

namespace vigie::guard {

struct JournalOptions {
    std::string directory;
    std::uint64_t max_bytes = 8ULL << 30;       ///< blobs and deleted files together
    std::chrono::hours max_age{24 * 7};         ///< older entries expire
    std::uint64_t max_file_bytes = 2ULL << 30;  ///< larger files are not copied (recorded)
    int compression_level = 1;
};

struct JournalStats {
    std::uint64_t records = 0;
    std::uint64_t blobs_written = 0;
    std::uint64_t bytes_read = 0;     ///< content read to keep it
    std::uint64_t bytes_written = 0;  ///< compressed blob bytes
    std::uint64_t links = 0;
    std::uint64_t link_failures = 0;  ///< e.g. the journal is on another filesystem
    std::uint64_t errors = 0;
    std::uint64_t expired = 0;     ///< blobs and deleted files removed by the limits
    std::uint64_t bytes_held = 0;  ///< at the last expiry pass
};

class Journal {
  public:
    /// Reads `size` bytes of the file at an offset (the event's descriptor).
    using Reader =
        std::function<core::Result<std::size_t>(std::uint64_t offset, std::span<std::uint8_t> out)>;

    static core::Result<std::unique_ptr<Journal>> open(JournalOptions options);
    ~Journal();

    /// Links every regular file under the roots into links/ and learns their names. Call
    /// before the guard marks the trees (it opens nothing, but walks them).
    void link_trees(const std::vector<std::string>& roots);

    /// Keeps a file's content before `actor` writes it (once per version of the file).
    /// `reference` names the very file (EventSource::file_reference) for the journal's link.
    core::Result<void> keep_content(const std::string& actor, const FsEvent& open,
                                    const Reader& read, const std::string& reference = {});
    /// Name changes. An empty actor only updates what the journal knows of names (a trusted
    /// program's work is not recorded).
    void created(const std::string& actor, const std::string& path, bool directory);
    void renamed(const std::string& actor, const std::string& from, const std::string& to,
                 bool directory);
    void deleted(const std::string& actor, const std::string& path, bool directory);

    /// The journal's link to the file now named `path` (a protected file it linked), or ""
    /// when it has none. Asked before a rename over `path` is recorded: the link holds the
    /// replaced content, which the guard compares with the content that takes its name.
    std::string link_of(const std::string& path) const;
    /// Reads a file of links/, and its size. A link is the protected file itself (same
    /// inode): the guard reads it through the descriptor given here (EventSource::
    /// quiet_directory of the journal's directory), so that its own read raises no event it
    /// would have to answer while waiting for it. The journal owns the descriptor.
    void use_quiet_directory(int fd);
    core::Result<std::uint64_t> linked_size(const std::string& link) const;
    core::Result<std::size_t> read_linked(const std::string& link, std::uint64_t offset,
                                          std::span<std::uint8_t> out) const;

    /// Records of `actor` carry this SMB client address from now on (`vigie restore --client`).
    void set_actor_client(const std::string& actor, const std::string& client) {
        if (!actor.empty() && !client.empty()) clients_[actor] = client;
    }

    /// Makes the records appended since the last sync durable. Content records are synced as
    /// they are written (the open waits for them); name changes, recorded after they happened
    /// anyway, are synced in batches: the engine calls this after each batch of events.
    void flush();

    /// Removes entries past the age limit, then the oldest until under the size limit; the
    /// entries of actors in `keep` (contained ones) go last.
    void expire(const std::vector<std::string>& keep = {});

    const JournalStats& stats() const noexcept { return stats_; }
    const std::string& directory() const noexcept { return options_.directory; }

  private:
    explicit Journal(JournalOptions options) : options_(std::move(options)) {}
    core::Result<void> append(JournalRecord record, bool durable);
    core::Result<std::string> write_blob(const Reader& read, std::uint64_t size);
    void link_file(const std::string& path);
    std::string link_name(FileId id) const;

    JournalOptions options_;
    int log_fd_ = -1;
    int quiet_fd_ = -1;  ///< the journal's directory, seen through a private mount
    std::uint64_t sequence_ = 0;
    bool unsynced_ = false;
    /// The name of a protected file to record for an open of `path`: `path` itself when
    /// it is one, else the protected name of the same inode (an open through a hard link
    /// made outside the trees: restore must write the protected name).
    std::string protected_name(const std::string& path, FileId file);

    std::map<std::string, FileId> names_;         ///< protected path -> inode
    std::map<std::string, std::string> clients_;  ///< actor -> SMB client address
    struct Version {
        std::uint64_t size = 0;
        std::int64_t mtime_ns = 0;
        std::string sha256;
    };
    std::map<std::pair<std::uint64_t, std::uint64_t>, Version> kept_;  ///< by (dev, inode)
    JournalStats stats_;
};

}  // namespace vigie::guard
