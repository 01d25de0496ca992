#include "watch/folder_follower.hpp"
#include "watch/folder_follower_internal.hpp"

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
namespace follow {

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

std::string text_fingerprint(std::size_t head_bytes, std::uint64_t head, std::uint64_t marker) {
    return fmt::format("{}:{:016x}:{:016x}", head_bytes, head, marker);
}

std::optional<ParsedFingerprint> parse_text_fingerprint(const std::string& text) {
    ParsedFingerprint p;
    unsigned long long k = 0, h = 0, m = 0;
    if (std::sscanf(text.c_str(), "%llu:%16llx:%16llx", &k, &h, &m) != 3) return std::nullopt;
    p.head_bytes = static_cast<std::size_t>(k);
    p.head = h;
    p.marker = m;
    return p;
}

std::size_t find_event_start(std::string_view text, std::size_t from) {
    while (true) {
        const std::size_t at = text.find("<Event", from);
        if (at == std::string_view::npos || at + 6 >= text.size()) return std::string_view::npos;
        const char next = text[at + 6];
        if (next == ' ' || next == '>' || next == '\t' || next == '\r' || next == '\n') return at;
        from = at + 6;
    }
}

void FollowWorker::log(std::string line) {
    state_.log.write(line);
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
                    log(settled
                            ? fmt::format("watch: {}: {}: an <Event> at offset {} is not "
                                          "closed and the file was quiet for {} ms: skipped",
                                          counters_.name, f.path, from + start, options_.settle_ms)
                            : fmt::format("watch: {}: {}: an <Event> at offset {} never "
                                          "closes within {} bytes: skipped",
                                          counters_.name, f.path, from + start,
                                          options_.max_event_bytes));
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

}  // namespace follow

using follow::Clock;
using follow::FollowWorker;
using follow::TrackedFile;
namespace fs = std::filesystem;

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
      state_(std::make_shared<State>(log_, "problems in folder " + options_.folder)) {}

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
    FollowWorker worker(engine_, options_, input_, *state_);
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
