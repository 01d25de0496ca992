// watch/folder_follower.hpp - the folder input of `vigie watch --follow DIR`: EVTX, JSON and
// Windows event XML files that appear or grow in a folder (a collector's file output, a share
// where logs land), read as they grow, resumed after a restart where the last commit left them.
//
//   watch::FolderFollowerOptions o;  o.folder = "/srv/wec";
//   auto follower = watch::FolderFollower::open(engine, o, log);   // registers "folder DIR"
//   if (!follower) return follower.error();
//   engine.start();  (*follower)->start();   ...   (*follower)->stop();   engine.stop();
//
// One thread per folder walks it recursively every `poll_ms` (no inotify: a CIFS or NFS mount
// gives no events, so polling is the one mechanism that always works) and stats each file of a
// known kind: *.evtx; *.json, *.jsonl, *.ndjson; *.xml. Compressed files (*.gz, *.zst) are
// skipped with a log line: they are archives, complete when they land, and `vigie hunt` reads
// them; a collector's live output is plain.
//
// Files are known by identity, not by name (Vector's lesson). Identity = device and inode, the
// position key ("folder DIR DEV:INO"), plus a fingerprint of the file's head, kept with the
// position: the first min(size, 1 KiB) bytes at first sight for text files (the number of
// bytes hashed is part of the fingerprint, so appending never changes it), the first chunk's
// first record number and id and the first record's header (id, written time) for EVTX (the
// file header and the chunk headers change as a log grows; its first record does not). So:
//  - rotation by rename (x -> x.1, a new x): x.1 keeps its inode and is read to its end under
//    its new name; the new x is a new inode, read from 0. Nothing twice, nothing lost.
//  - truncation (shorter than the position), replacement in place (the head's hash changed, or,
//    for text, the hash of the 64 bytes before the position changed: Fluent Bit's offset
//    marker), a new file on a recycled inode: read again from 0, counted in truncations().
//  - a restart: each file is looked up by its key; the saved position is used when the
//    fingerprint matches, else the file starts from 0.
//  - a followed file keeps being followed under any new name in the folder, whatever its
//    extension (x.jsonl -> x.jsonl.1 or x.old); a new file's kind is read from its name,
//    ignoring one numeric rotation suffix (x.jsonl.3).
//  - deleted (or moved out of the folder) before being read to the end: forgotten, and logged
//    when it had unread bytes. Files are opened for each read, never held open.
//  - copy-and-truncate rotation (logrotate copytruncate) makes the copy a new file: it is read
//    again, and the engine, which knows every detection by identity, alerts nothing twice.
//
// Positions commit through the engine: each batch carries InputPosition{key, fingerprint,
// offset}, stored in the transaction that stores the batch's detections. At most one batch per
// file is in flight; the next is cut once the previous one is committed, so positions move in
// order and a failed commit makes the file read again from its last committed position.
//
// Text files (JSON, XML): the position is the byte offset after the last complete event.
// JSON is cut into top-level objects with json::ObjectSplitter (JSON Lines, pretty-printed
// objects one after the other, an array of objects), over the bytes up to the last newline:
// a line being written is read once its newline is there, or once the file has not changed
// for `settle_ms` (a last line that never gets one). XML is cut into <Event>...</Event>
// elements. A piece over `max_event_bytes` is skipped and counted as rejected.
//
// EVTX: Windows (and a collector copying a log) writes 64 KiB chunks in order and rewrites the
// last one in place as records are added. The position is the last record id committed (ids
// increase within a file), so a record is never read twice or skipped: when the file's size or
// mtime changes, the chunks from the last unfinished one on are read again and records with a
// greater id are submitted, rendered as the evtx crate's JSON (evtx::JsonRenderer), which the
// engine reads back into the same fields. A chunk is finished once a later one exists. After
// a restart, chunks whose header says their last record id is at or below the position are
// skipped. A corrupt record ends its chunk's walk; the records that failed are counted as
// rejected once the chunk is finished. Not handled: a live log that wraps around (Windows
// reuses its first chunks when the log is full): its changed first record reads as a new file.
//
// Bad input never stops the follower: unreadable files, corrupt chunks, UTF-16 text and huge
// pieces are counted (InputCounters) and logged at most kLogLinesPerMinute times a minute.
// When the engine's queue is full, submit() waits (the file simply is read later); stop()
// returns within about a quarter of a second. Batches still in flight at stop() are committed
// by the engine (or not) and their positions saved with them: the follower's state they touch
// is shared, so it may be destroyed before the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.hpp"
#include "watch/watch_engine.hpp"

namespace vigie::watch {

struct FolderFollowerOptions {
    std::string folder;
    int poll_ms = 500;     ///< how often the folder is walked
    int settle_ms = 5000;  ///< a last line without newline is read after this quiet
    std::size_t batch_events = 512;
    std::size_t batch_bytes = std::size_t{1} << 20;
    std::size_t max_event_bytes = std::size_t{1} << 20;  ///< larger pieces are rejected
};

/// What the follower did so far, beside the input's InputCounters.
struct FolderFollowerStats {
    std::uint64_t files = 0;        ///< files followed now
    std::uint64_t truncations = 0;  ///< files read again from 0 (truncated, replaced)
    std::uint64_t resumed = 0;      ///< files resumed from a saved position
    std::uint64_t skipped = 0;      ///< compressed files left alone
};

class FolderFollower {
  public:
    using Log = std::function<void(std::string_view)>;

    /// Fails when `options.folder` is not a readable directory.
    static core::Result<std::unique_ptr<FolderFollower>> open(WatchEngine& engine,
                                                              FolderFollowerOptions options,
                                                              Log log);
    ~FolderFollower();
    FolderFollower(const FolderFollower&) = delete;
    FolderFollower& operator=(const FolderFollower&) = delete;

    std::uint32_t input() const noexcept { return input_; }
    void start();
    /// Stops reading and joins the thread; batches already submitted stay with the engine.
    void stop();
    FolderFollowerStats stats() const;

    struct State;  ///< the follower's thread state, shared with batches in flight (.cpp only)

  private:
    FolderFollower(WatchEngine& engine, FolderFollowerOptions options, Log log);
    void run();

    WatchEngine& engine_;
    FolderFollowerOptions options_;
    Log log_;
    std::uint32_t input_ = 0;
    std::shared_ptr<State> state_;
    std::thread thread_;
};

}  // namespace vigie::watch
