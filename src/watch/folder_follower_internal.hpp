// watch/folder_follower_internal.hpp - the pieces of the folder input shared by its two
// source files: folder_follower.cpp (walking the folder, text files, the public class) and
// folder_follower_evtx.cpp (EVTX files that grow chunk by chunk). Not part of the library's
// interface.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "evtx/chunk_reader.hpp"
#include "evtx/json_render.hpp"
#include "watch/folder_follower.hpp"
#include "watch/rate_limited_log.hpp"

namespace vigie::watch {
namespace follow {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kHeadBytes = 1024;
constexpr std::size_t kMarkerBytes = 64;
constexpr std::uint64_t kLogLinesPerMinute = 20;
constexpr auto kSubmitWait = std::chrono::milliseconds(250);
constexpr std::size_t kMinWindow = std::size_t{4} << 20;

enum class FileKind { kEvtx, kJson, kXml, kCompressed, kOther };

bool ends_with(std::string_view s, std::string_view suffix);
FileKind kind_of(const fs::path& path);
std::uint64_t hash_bytes(std::string_view bytes);
/// Reads exactly [offset, offset + size) or less at the end of the file; false on an error.
bool read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out);
/// A text file's fingerprint: "K:HEAD:MARKER" (bytes hashed at the head, their hash, the hash
/// of the bytes before the position). An EVTX file's: "evtx:HEAD".
std::string text_fingerprint(std::size_t head_bytes, std::uint64_t head, std::uint64_t marker);

struct ParsedFingerprint {
    std::size_t head_bytes = 0;
    std::uint64_t head = 0;
    std::uint64_t marker = 0;
};

std::optional<ParsedFingerprint> parse_text_fingerprint(const std::string& text);
/// Start of the next <Event> element (not <Events>, <EventData>, <EventID>) at or after `from`.
std::size_t find_event_start(std::string_view text, std::size_t from);

/// Set from the commit thread, read by the follower: the only state the two share.
struct Wake {
    std::mutex mutex;
    std::condition_variable cv;
    bool woken = false;
    void notify() {
        {
            std::lock_guard lock(mutex);
            woken = true;
        }
        cv.notify_all();
    }
};

struct TrackedFile {
    FileKind kind = FileKind::kOther;
    dev_t dev = 0;
    ino_t ino = 0;
    std::string path;
    std::string key;
    std::uint32_t origin = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    Clock::time_point changed_at = Clock::now();
    bool seen = false;
    bool drained = false;        ///< nothing to read until the file changes
    bool waiting_tail = false;   ///< a last line without newline waits for settle_ms
    bool skipping_line = false;  ///< the rest of an oversized line is being skipped
    bool reported_bad = false;

    // Identity: empty `head` until the file has bytes to fingerprint.
    bool has_head = false;
    std::size_t head_bytes = 0;
    std::uint64_t head = 0;
    std::optional<InputPosition> saved;  ///< looked up at discovery, applied at first read

    // Committed progress. Text: the next byte; EVTX: the last record id.
    std::int64_t offset = 0;
    std::uint64_t marker = 0;
    std::uint64_t next_chunk = 0;
    std::uint64_t failures_counted_upto = 0;
    std::uint64_t bytes_counted = 0;

    // The batch in flight: what becomes committed when it is.
    std::atomic<bool> in_flight{false};
    std::atomic<int> outcome{0};  ///< 0 waiting, 1 committed, 2 failed
    std::int64_t pending_offset = 0;
    std::uint64_t pending_marker = 0;
    std::uint64_t pending_next_chunk = 0;

    std::string fingerprint(std::uint64_t with_marker) const {
        if (kind == FileKind::kEvtx) return fmt::format("evtx:{:016x}", head);
        return text_fingerprint(head_bytes, head, with_marker);
    }
    void restart_from_zero() {
        offset = 0;
        marker = 0;
        next_chunk = 0;
        failures_counted_upto = 0;
        bytes_counted = 0;
        skipping_line = false;
    }
};

}  // namespace follow

struct FolderFollower::State {
    State(RateLimitedLog::Sink sink, std::string what)
        : log(std::move(sink), follow::kLogLinesPerMinute, std::move(what)) {}
    using TrackedFile = follow::TrackedFile;
    using Wake = follow::Wake;
    std::shared_ptr<Wake> wake = std::make_shared<Wake>();
    std::atomic<bool> stopping{false};
    std::map<std::pair<dev_t, ino_t>, std::shared_ptr<TrackedFile>> files;
    std::set<std::string> skipped_names;
    std::atomic<std::uint64_t> files_count{0};
    std::atomic<std::uint64_t> truncations{0};
    std::atomic<std::uint64_t> resumed{0};
    std::atomic<std::uint64_t> skipped{0};
    evtx::JsonRenderer renderer;
    evtx::ChunkReader chunk_reader;
    std::vector<std::uint8_t> chunk;
    std::string buffer;
    RateLimitedLog log;  // bounded logging of the folder's problems
};

namespace follow {

class FollowWorker {
  public:
    FollowWorker(WatchEngine& engine, const FolderFollowerOptions& options, std::uint32_t input,
                 FolderFollower::State& state)
        : engine_(engine),
          options_(options),
          input_(input),
          counters_(engine.counters(input)),
          state_(state) {}

    void scan();
    void collect_outcomes();
    /// Reads and submits the file's next batch; false when there was nothing to submit.
    bool produce(const std::shared_ptr<TrackedFile>& file);

  private:
    void log(std::string line);
    bool produce_text(const std::shared_ptr<TrackedFile>& file, int fd, std::uint64_t size);
    bool produce_evtx(const std::shared_ptr<TrackedFile>& file, int fd, std::uint64_t size);
    bool submit(const std::shared_ptr<TrackedFile>& file, EventBatch&& batch);
    void restart(TrackedFile& f, std::string_view why);
    void apply_saved_text(TrackedFile& f);

    WatchEngine& engine_;
    const FolderFollowerOptions& options_;
    std::uint32_t input_;
    InputCounters& counters_;
    FolderFollower::State& state_;
};

}  // namespace follow
}  // namespace vigie::watch
