#include "watch/folder_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/input_stream.hpp"
#include "evtx/chunk_reader.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/format.hpp"
#include "evtx/json_render.hpp"
#include "json/object_splitter.hpp"

namespace vigie::watch {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kHeadBytes = 1024;
constexpr std::size_t kMarkerBytes = 64;
constexpr int kLogLinesPerMinute = 20;
constexpr auto kSubmitWait = std::chrono::milliseconds(250);
constexpr std::size_t kMinWindow = std::size_t{4} << 20;

enum class FileKind { kEvtx, kJson, kXml, kCompressed, kOther };

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

FileKind kind_of(const fs::path& path) {
    std::string name = path.filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // A rotated file's numeric suffix: x.jsonl.3 is JSON.
    if (const std::size_t dot = name.rfind('.');
        dot != std::string::npos && dot + 1 < name.size() &&
        name.find_first_not_of("0123456789", dot + 1) == std::string::npos) {
        name.resize(dot);
    }
    bool compressed = false;
    for (std::string_view z : {".gz", ".zst"}) {
        if (ends_with(name, z)) {
            name.resize(name.size() - z.size());
            compressed = true;
        }
    }
    FileKind kind = FileKind::kOther;
    if (ends_with(name, ".evtx")) {
        kind = FileKind::kEvtx;
    } else if (ends_with(name, ".json") || ends_with(name, ".jsonl") ||
               ends_with(name, ".ndjson")) {
        kind = FileKind::kJson;
    } else if (ends_with(name, ".xml")) {
        kind = FileKind::kXml;
    }
    if (compressed && kind != FileKind::kOther) return FileKind::kCompressed;
    return kind;
}

std::uint64_t hash_bytes(std::string_view bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

// Reads exactly [offset, offset + size) or less at the end of the file; false on an error.
bool read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out) {
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n =
            ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return true;
}

// A text file's fingerprint: "K:HEAD:MARKER" (bytes hashed at the head, their hash, the hash
// of the bytes before the position). An EVTX file's: "evtx:HEAD".
std::string text_fingerprint(std::size_t head_bytes, std::uint64_t head, std::uint64_t marker) {
    return fmt::format("{}:{:016x}:{:016x}", head_bytes, head, marker);
}

struct ParsedFingerprint {
    std::size_t head_bytes = 0;
    std::uint64_t head = 0;
    std::uint64_t marker = 0;
};

std::optional<ParsedFingerprint> parse_text_fingerprint(const std::string& text) {
    ParsedFingerprint p;
    unsigned long long k = 0, h = 0, m = 0;
    if (std::sscanf(text.c_str(), "%llu:%16llx:%16llx", &k, &h, &m) != 3) return std::nullopt;
    p.head_bytes = static_cast<std::size_t>(k);
    p.head = h;
    p.marker = m;
    return p;
}

// Start of the next <Event> element (not <Events>, <EventData>, <EventID>) at or after `from`.
std::size_t find_event_start(std::string_view text, std::size_t from) {
    while (true) {
        const std::size_t at = text.find("<Event", from);
        if (at == std::string_view::npos || at + 6 >= text.size()) return std::string_view::npos;
        const char next = text[at + 6];
        if (next == ' ' || next == '>' || next == '\t' || next == '\r' || next == '\n') return at;
        from = at + 6;
    }
}

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

}  // namespace

struct FolderFollower::State {
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
    // Bounded logging.
    Clock::time_point log_window = Clock::now();
    int logs_in_window = 0;
    std::uint64_t logs_suppressed = 0;
};

namespace {

class FollowWorker {
  public:
    FollowWorker(WatchEngine& engine, const FolderFollowerOptions& options,
                 const FolderFollower::Log& log, std::uint32_t input, FolderFollower::State& state)
        : engine_(engine),
          options_(options),
          log_(log),
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
    const FolderFollower::Log& log_;
    std::uint32_t input_;
    InputCounters& counters_;
    FolderFollower::State& state_;
};

void FollowWorker::log(std::string line) {
    if (!log_) return;
    const auto now = Clock::now();
    if (now - state_.log_window >= std::chrono::minutes(1)) {
        if (state_.logs_suppressed > 0) {
            log_(fmt::format("watch: {}: {} more problems not logged in the last minute",
                             counters_.name, state_.logs_suppressed));
        }
        state_.log_window = now;
        state_.logs_in_window = 0;
        state_.logs_suppressed = 0;
    }
    if (state_.logs_in_window < kLogLinesPerMinute) {
        ++state_.logs_in_window;
        log_(line);
    } else {
        ++state_.logs_suppressed;
    }
}

void FollowWorker::scan() {
    for (auto& [id, f] : state_.files) f->seen = false;
    std::error_code ec;
    fs::recursive_directory_iterator it(options_.folder,
                                        fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        log(fmt::format("watch: {}: cannot read the folder: {}", counters_.name, ec.message()));
        return;
    }
    const auto now = Clock::now();
    bool complete = true;  // an interrupted walk forgets no file
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
            log(fmt::format("watch: {}: walking the folder: {}", counters_.name, ec.message()));
            complete = false;
            break;
        }
        const FileKind kind = kind_of(it->path());
        const std::string path = it->path().string();
        if (kind == FileKind::kOther) {
            // A followed file renamed to a name of no known kind is still followed.
            struct stat other {};
            if (state_.files.empty() || !it->is_regular_file(ec) ||
                ::stat(path.c_str(), &other) != 0)
                continue;
            auto found = state_.files.find(std::make_pair(other.st_dev, other.st_ino));
            if (found == state_.files.end()) continue;
        }
        if (kind == FileKind::kCompressed) {
            if (state_.skipped_names.insert(path).second) {
                ++state_.skipped;
                log(fmt::format("watch: {}: {} is compressed: skipped (vigie hunt reads it)",
                                counters_.name, path));
            }
            continue;
        }
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        const auto id = std::make_pair(st.st_dev, st.st_ino);
        const std::int64_t mtime_ns =
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        auto found = state_.files.find(id);
        if (found == state_.files.end()) {
            if (kind == FileKind::kOther) continue;
            auto f = std::make_shared<TrackedFile>();
            f->kind = kind;
            f->dev = st.st_dev;
            f->ino = st.st_ino;
            f->path = path;
            f->key = fmt::format("folder {} {}:{}", options_.folder, st.st_dev, st.st_ino);
            f->origin = engine_.intern_origin(path);
            f->size = static_cast<std::uint64_t>(st.st_size);
            f->mtime_ns = mtime_ns;
            f->changed_at = now;
            f->seen = true;
            if (auto saved = engine_.saved_position(f->key); !saved) {
                log(fmt::format("watch: {}: {}: cannot read its saved position: {}", counters_.name,
                                path, saved.error().to_string()));
            } else {
                f->saved = std::move(*saved);
            }
            state_.files.emplace(id, std::move(f));
            continue;
        }
        TrackedFile& f = *found->second;
        f.seen = true;
        if (f.path != path) f.path = path;  // renamed (rotated): same file, new name
        const auto size = static_cast<std::uint64_t>(st.st_size);
        if (size != f.size || mtime_ns != f.mtime_ns) {
            f.size = size;
            f.mtime_ns = mtime_ns;
            f.changed_at = now;
            f.drained = false;
        } else if (f.waiting_tail &&
                   now - f.changed_at >= std::chrono::milliseconds(options_.settle_ms)) {
            f.drained = false;
        }
    }
    for (auto it2 = state_.files.begin(); it2 != state_.files.end();) {
        TrackedFile& f = *it2->second;
        if (f.seen || f.in_flight || !complete) {
            ++it2;
            continue;
        }
        // Deleted, or moved out of the folder.
        const bool unread = f.kind != FileKind::kEvtx && f.has_head &&
                            static_cast<std::uint64_t>(f.offset) < f.size;
        if (unread) {
            log(fmt::format("watch: {}: {} went away with {} bytes unread", counters_.name, f.path,
                            f.size - static_cast<std::uint64_t>(f.offset)));
        }
        it2 = state_.files.erase(it2);
    }
    state_.files_count = state_.files.size();
}

void FollowWorker::collect_outcomes() {
    for (auto& [id, fp] : state_.files) {
        TrackedFile& f = *fp;
        if (!f.in_flight) continue;
        const int outcome = f.outcome.load();
        if (outcome == 0) continue;
        if (outcome == 1) {
            f.offset = f.pending_offset;
            f.marker = f.pending_marker;
            f.next_chunk = f.pending_next_chunk;
        } else {
            f.drained = false;  // read again from the last committed position
        }
        f.outcome = 0;
        f.in_flight = false;
    }
}

void FollowWorker::restart(TrackedFile& f, std::string_view why) {
    ++state_.truncations;
    log(fmt::format("watch: {}: {} {}: read again from the start", counters_.name, f.path, why));
    f.restart_from_zero();
}

bool FollowWorker::submit(const std::shared_ptr<TrackedFile>& file, EventBatch&& batch) {
    const std::size_t events = batch.items.size();
    counters_.events_received += events;
    batch.input = input_;
    batch.origin = file->origin;
    file->outcome = 0;
    file->in_flight = true;
    batch.on_committed = [wake = state_.wake, file](const BatchOutcome& o) {
        file->outcome = o.committed ? 1 : 2;
        wake->notify();
    };
    bool throttled = false;
    while (!state_.stopping) {
        if (engine_.submit(std::move(batch), Clock::now() + kSubmitWait)) return true;
        if (!throttled) ++counters_.throttled;
        throttled = true;
        // submit() refuses at once while the engine stops: do not spin.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    counters_.events_dropped += events;
    file->in_flight = false;
    return false;
}

bool FollowWorker::produce(const std::shared_ptr<TrackedFile>& file) {
    TrackedFile& f = *file;
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT && !f.reported_bad) {
            f.reported_bad = true;
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: cannot open {}: {}", counters_.name, f.path,
                            std::strerror(errno)));
        }
        f.drained = true;  // gone or renamed: the next walk tells
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_dev != f.dev || st.st_ino != f.ino) {
        ::close(fd);
        f.drained = true;  // the name now belongs to another file: the next walk sorts it out
        return false;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (f.kind == FileKind::kEvtx) return produce_evtx(file, fd, size);  // owns fd
    const bool submitted = produce_text(file, fd, size);
    ::close(fd);
    return submitted;
}

void FollowWorker::apply_saved_text(TrackedFile& f) {
    if (!f.saved) return;
    const InputPosition saved = std::move(*f.saved);
    f.saved.reset();
    const auto parsed = parse_text_fingerprint(saved.fingerprint);
    if (!parsed || parsed->head_bytes != f.head_bytes || parsed->head != f.head) {
        return;  // another file on this inode since: from the start
    }
    f.offset = saved.offset;
    f.marker = parsed->marker;
    f.bytes_counted = static_cast<std::uint64_t>(saved.offset);
    ++state_.resumed;
}

bool FollowWorker::produce_text(const std::shared_ptr<TrackedFile>& file, int fd,
                                std::uint64_t size) {
    TrackedFile& f = *file;
    std::string& buffer = state_.buffer;
    // Identity: the head, hashed over the same number of bytes as at first sight.
    if (!f.has_head) {
        if (size == 0) {
            f.drained = true;
            return false;
        }
        f.head_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(size, kHeadBytes));
        if (!read_at(fd, 0, f.head_bytes, buffer) || buffer.size() != f.head_bytes) {
            f.drained = true;
            return false;
        }
        f.head = hash_bytes(buffer);
        f.has_head = true;
        apply_saved_text(f);
    } else {
        const bool same = size >= f.head_bytes && read_at(fd, 0, f.head_bytes, buffer) &&
                          buffer.size() == f.head_bytes && hash_bytes(buffer) == f.head;
        if (!same) {
            restart(f,
                    size < static_cast<std::uint64_t>(f.offset) ? "was truncated" : "was replaced");
            f.has_head = false;
            return produce_text(file, fd, size);
        }
    }
    const auto offset = static_cast<std::uint64_t>(f.offset);
    if (size < offset) {
        restart(f, "was truncated");
    } else if (offset > 0) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(offset, kMarkerBytes));
        if (!read_at(fd, offset - n, n, buffer) || hash_bytes(buffer) != f.marker) {
            restart(f, "was rewritten");
        }
    }
    const auto from = static_cast<std::uint64_t>(f.offset);
    if (size == from) {
        f.drained = true;
        f.waiting_tail = false;
        return false;
    }
    const std::size_t window_limit = std::max(kMinWindow, options_.max_event_bytes + (64u << 10));
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size - from, window_limit));
    if (!read_at(fd, from, want, buffer)) {
        ++counters_.events_rejected;
        log(fmt::format("watch: {}: reading {}: {}", counters_.name, f.path, std::strerror(errno)));
        f.drained = true;
        return false;
    }
    const std::string_view window(buffer);
    const bool at_eof = from + window.size() == size;
    const bool settled =
        at_eof && Clock::now() - f.changed_at >= std::chrono::milliseconds(options_.settle_ms);
    std::size_t consumed = 0;
    EventBatch batch;
    auto full = [&] {
        return batch.items.size() >= options_.batch_events ||
               batch.bytes.size() >= options_.batch_bytes;
    };
    if (f.skipping_line) {
        const std::size_t nl = window.find('\n');
        consumed = nl == std::string_view::npos ? window.size() : nl + 1;
        f.skipping_line = nl == std::string_view::npos;
    } else if (f.kind == FileKind::kJson) {
        // Only complete lines, unless the file has been quiet long enough.
        std::size_t end = window.size();
        if (!settled) {
            const std::size_t nl = window.rfind('\n');
            end = nl == std::string_view::npos ? 0 : nl + 1;
        }
        if (end == 0 && window.size() >= window_limit) {
            // A line longer than any event may be: skip it.
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: {}: a line over {} bytes at offset {}: skipped",
                            counters_.name, f.path, options_.max_event_bytes, from));
            consumed = window.size();
            f.skipping_line = true;
        } else if (end > 0) {
            auto stream = core::memory_input_stream(window.substr(0, end), f.path);
            json::ObjectSplitter splitter(*stream, options_.max_event_bytes);
            json::SplitObject piece;
            std::optional<json::SplitObject> skipped;  // extent known once the next one starts
            auto reject = [&](const json::SplitObject& p) {
                ++counters_.events_rejected;
                if (p.kind == json::SplitObject::Kind::kOversized) {
                    log(fmt::format("watch: {}: {}: an object over {} bytes at offset {}: skipped",
                                    counters_.name, f.path, options_.max_event_bytes,
                                    from + p.offset));
                } else {
                    log(fmt::format("watch: {}: {}: at offset {}: {}: skipped", counters_.name,
                                    f.path, from + p.offset, p.why));
                }
            };
            bool clean_end = false;
            while (true) {
                auto more = splitter.next(piece);
                if (!more) {
                    ++counters_.events_rejected;
                    log(fmt::format("watch: {}: {}: {}", counters_.name, f.path,
                                    more.error().message));
                    skipped.reset();
                    consumed = end;
                    break;
                }
                if (!*more) {
                    clean_end = true;
                    break;
                }
                if (skipped) {
                    reject(*skipped);
                    consumed = piece.offset;
                    skipped.reset();
                }
                if (piece.kind == json::SplitObject::Kind::kObject) {
                    batch.add(piece.text);
                    consumed = piece.offset + piece.text.size();
                    if (full()) break;
                    continue;
                }
                skipped = piece;
            }
            if (clean_end) {
                // Broken at the very end: possibly an object still being written. Wait for
                // the rest unless the file is quiet.
                if (skipped && skipped->kind == json::SplitObject::Kind::kBroken && !settled) {
                    consumed = std::max<std::size_t>(consumed, skipped->offset);
                } else {
                    if (skipped) reject(*skipped);
                    consumed = end;
                }
            }
        }
    } else {  // XML: <Event>...</Event> elements
        std::size_t pos = 0;
        while (!full()) {
            const std::size_t start = find_event_start(window, pos);
            if (start == std::string_view::npos) {
                // Text between events (<?xml?>, <Events>): consumed, except a tag being written.
                const std::size_t lt = window.rfind('<');
                consumed = lt == std::string_view::npos || lt < pos ? window.size() : lt;
                if (settled) consumed = window.size();
                break;
            }
            const std::size_t close = window.find("</Event>", start);
            if (close == std::string_view::npos) {
                consumed = start;
                if (window.size() - start > options_.max_event_bytes || settled) {
                    ++counters_.events_rejected;
                    log(fmt::format(
                        "watch: {}: {}: an <Event> at offset {} never closes within "
                        "{} bytes: skipped",
                        counters_.name, f.path, from + start, options_.max_event_bytes));
                    consumed = window.size();
                }
                break;
            }
            const std::size_t end = close + 8;
            if (end - start > options_.max_event_bytes) {
                ++counters_.events_rejected;
                log(fmt::format("watch: {}: {}: an <Event> over {} bytes: skipped", counters_.name,
                                f.path, options_.max_event_bytes));
            } else {
                batch.add(window.substr(start, end - start));
            }
            consumed = end;
            pos = end;
        }
    }
    if (consumed == 0) {
        f.drained = true;  // a piece being written: the next change (or settle) tells
        f.waiting_tail = !settled;
        return false;
    }
    f.waiting_tail = false;
    const std::uint64_t next = from + consumed;
    const std::size_t marker_size =
        static_cast<std::size_t>(std::min<std::uint64_t>(next, kMarkerBytes));
    std::string marker_bytes;
    if (consumed >= marker_size) {
        marker_bytes.assign(window.substr(consumed - marker_size, marker_size));
    } else if (!read_at(fd, next - marker_size, marker_size, marker_bytes)) {
        f.drained = true;
        return false;
    }
    f.pending_offset = static_cast<std::int64_t>(next);
    f.pending_marker = hash_bytes(marker_bytes);
    f.pending_next_chunk = 0;
    if (next > f.bytes_counted) {
        counters_.bytes_received += next - f.bytes_counted;
        f.bytes_counted = next;
    }
    batch.position = InputPosition{f.key, f.fingerprint(f.pending_marker), f.pending_offset};
    return submit(file, std::move(batch));
}

bool FollowWorker::produce_evtx(const std::shared_ptr<TrackedFile>& file, int fd,
                                std::uint64_t size) {
    TrackedFile& f = *file;
    auto source = core::file_source_from_fd(fd, f.path);  // owns fd from here
    if (!source) {
        f.drained = true;
        return false;
    }
    auto opened = evtx::EvtxFile::open(std::move(*source));
    if (!opened) {
        // A header not written yet (zeros, or too short) waits; anything else is reported once.
        const bool waiting = size < evtx::kFileHeaderSize + evtx::kChunkSize ||
                             opened.error().code == core::ErrorCode::kTruncated;
        if (!waiting && !f.reported_bad) {
            f.reported_bad = true;
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: {} is not an EVTX file: {}", counters_.name, f.path,
                            opened.error().message));
        }
        f.drained = true;
        return false;
    }
    const evtx::EvtxFile& evtx_file = *opened;
    const std::uint64_t present = evtx_file.present_chunks();
    std::vector<std::uint8_t>& chunk = state_.chunk;
    if (present == 0 || !evtx_file.load_chunk(0, chunk)) {
        f.drained = true;
        return false;
    }
    // Identity: the first chunk's first record number and id, and the first record's header.
    std::uint64_t head = 0;
    {
        const bool chunk_started =
            std::memcmp(chunk.data(), evtx::kChunkSignature, sizeof evtx::kChunkSignature) == 0;
        std::uint32_t signature = 0;
        std::memcpy(&signature, chunk.data() + evtx::kChunkHeaderSize, sizeof signature);
        if (!chunk_started || (signature != evtx::kRecordSignature && present < 2)) {
            f.drained = true;  // the first chunk is being written
            return false;
        }
        std::string identity;
        identity.append(reinterpret_cast<const char*>(chunk.data()) + 8, 8);
        identity.append(reinterpret_cast<const char*>(chunk.data()) + 24, 8);
        if (signature == evtx::kRecordSignature) {
            identity.append(reinterpret_cast<const char*>(chunk.data()) + evtx::kChunkHeaderSize,
                            evtx::kRecordHeaderSize);
        }
        head = hash_bytes(identity);
    }
    if (!f.has_head) {
        f.head = head;
        f.has_head = true;
        if (f.saved) {
            if (f.saved->fingerprint == f.fingerprint(0)) {
                f.offset = f.saved->offset;
                ++state_.resumed;
            }
            f.saved.reset();
        }
    } else if (f.head != head) {
        restart(f, "was replaced");
        f.head = head;
    }
    if (f.next_chunk >= present && f.next_chunk > 0) {
        restart(f, "was truncated");
    }
    EventBatch batch;
    std::uint64_t max_id = static_cast<std::uint64_t>(f.offset);
    std::uint64_t last_read = f.next_chunk;
    const auto last_committed = static_cast<std::uint64_t>(f.offset);
    for (std::uint64_t i = f.next_chunk; i < present && !state_.stopping; ++i) {
        last_read = i;
        const bool finished = i + 1 < present;
        if (auto loaded = evtx_file.load_chunk(i, chunk); !loaded) {
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: {}: chunk {}: {}", counters_.name, f.path, i,
                            loaded.error().message));
            break;
        }
        if (finished) {
            // Chunks read before a restart: their header says so.
            const auto header = evtx::parse_chunk_header(chunk);
            if (header && header->header_checksum_ok && header->last_record_id <= last_committed) {
                f.failures_counted_upto = std::max(f.failures_counted_upto, i + 1);
                continue;
            }
        }
        const evtx::ChunkStats stats = state_.chunk_reader.read(
            chunk, i, false, false, [&](const core::Event& e, const evtx::RecordInfo& info) {
                if (info.record_id <= last_committed) return;
                std::string& text = state_.buffer;
                text.clear();
                state_.renderer.render(e, text);
                batch.add(text);
                max_id = std::max(max_id, info.record_id);
            });
        if (finished && i >= f.failures_counted_upto) {
            f.failures_counted_upto = i + 1;
            const std::uint64_t failed = stats.records_failed + (stats.skipped ? 1 : 0);
            if (failed > 0) {
                counters_.events_rejected += failed;
                log(fmt::format("watch: {}: {}: chunk {}: {} records unreadable{}{}",
                                counters_.name, f.path, i, failed,
                                stats.first_error.empty() ? "" : ": ", stats.first_error));
            }
        }
        if (batch.items.size() >= options_.batch_events ||
            batch.bytes.size() >= options_.batch_bytes) {
            break;
        }
    }
    const std::uint64_t next_chunk = last_read + 1 < present ? last_read + 1 : last_read;
    if (size > f.bytes_counted) {
        counters_.bytes_received += size - f.bytes_counted;
        f.bytes_counted = size;
    }
    if (batch.items.empty()) {
        f.next_chunk = next_chunk;  // nothing new in the finished chunks
        f.drained = true;
        return false;
    }
    f.pending_offset = static_cast<std::int64_t>(max_id);
    f.pending_marker = 0;
    f.pending_next_chunk = next_chunk;
    batch.position = InputPosition{f.key, f.fingerprint(0), f.pending_offset};
    return submit(file, std::move(batch));
}

}  // namespace

core::Result<std::unique_ptr<FolderFollower>> FolderFollower::open(WatchEngine& engine,
                                                                   FolderFollowerOptions options,
                                                                   Log log) {
    std::error_code ec;
    if (!fs::is_directory(options.folder, ec)) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("--follow {}: not a folder", options.folder));
    }
    options.folder = fs::absolute(options.folder, ec).lexically_normal().string();
    while (options.folder.size() > 1 && options.folder.back() == '/') options.folder.pop_back();
    std::unique_ptr<FolderFollower> follower(
        new FolderFollower(engine, std::move(options), std::move(log)));
    follower->input_ = engine.register_input("folder " + follower->options_.folder, "folder");
    return follower;
}

FolderFollower::FolderFollower(WatchEngine& engine, FolderFollowerOptions options, Log log)
    : engine_(engine),
      options_(std::move(options)),
      log_(std::move(log)),
      state_(std::make_shared<State>()) {}

FolderFollower::~FolderFollower() {
    stop();
}

void FolderFollower::start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void FolderFollower::stop() {
    state_->stopping = true;
    state_->wake->notify();
    if (thread_.joinable()) thread_.join();
}

FolderFollowerStats FolderFollower::stats() const {
    FolderFollowerStats s;
    s.files = state_->files_count;
    s.truncations = state_->truncations;
    s.resumed = state_->resumed;
    s.skipped = state_->skipped;
    return s;
}

void FolderFollower::run() {
    FollowWorker worker(engine_, options_, log_, input_, *state_);
    auto next_scan = Clock::now();
    std::vector<std::shared_ptr<TrackedFile>> files;
    while (!state_->stopping) {
        if (Clock::now() >= next_scan) {
            worker.scan();
            next_scan = Clock::now() + std::chrono::milliseconds(options_.poll_ms);
        }
        worker.collect_outcomes();
        files.clear();
        for (auto& [id, f] : state_->files) files.push_back(f);
        for (const auto& f : files) {
            if (state_->stopping) break;
            if (f->in_flight || f->drained) continue;
            worker.produce(f);
        }
        std::unique_lock lock(state_->wake->mutex);
        state_->wake->cv.wait_until(lock, next_scan,
                                    [&] { return state_->wake->woken || state_->stopping.load(); });
        state_->wake->woken = false;
    }
}

}  // namespace vigie::watch
