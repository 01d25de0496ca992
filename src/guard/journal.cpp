#include "guard/journal.hpp"

#include "guard/file_digest.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

namespace vigie::guard {
namespace {

constexpr std::size_t kChunk = 1 << 20;

std::int64_t unix_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

core::Error io_error(const std::string& what, const std::string& path) {
    return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)),
                      core::Location::in_file(path));
}

}  // namespace

core::Result<std::unique_ptr<Journal>> Journal::open(JournalOptions options) {
    const std::string dir = options.directory;  // a copy: options is moved below
    for (const char* sub : {"", "/blobs", "/links"}) {
        if (::mkdir((dir + sub).c_str(), 0700) != 0 && errno != EEXIST)
            return io_error("cannot make the journal directory", dir + sub);
    }
    // Pre-images of patients' files: root only, whatever the umask or an earlier owner said.
    ::chmod(dir.c_str(), 0700);
    std::unique_ptr<Journal> journal(new Journal(std::move(options)));
    const std::string log = dir + "/journal.log";
    // Sequence numbers continue after a restart: read the last one.
    if (auto existing = read_journal(log); existing && !existing->records.empty())
        journal->sequence_ = existing->records.back().sequence;
    journal->log_fd_ = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (journal->log_fd_ < 0) return io_error("cannot open the journal log", log);
    // Blobs a crash left half-written never got their final name: remove them.
    if (DIR* blobs = ::opendir((dir + "/blobs").c_str())) {
        while (const dirent* e = ::readdir(blobs))
            if (std::strncmp(e->d_name, ".tmp-", 5) == 0) ::unlinkat(::dirfd(blobs), e->d_name, 0);
        ::closedir(blobs);
    }
    return journal;
}

Journal::~Journal() {
    if (quiet_fd_ >= 0) ::close(quiet_fd_);
    if (log_fd_ < 0) return;
    flush();
    ::close(log_fd_);
}

core::Result<void> Journal::append(JournalRecord record, bool durable) {
    record.sequence = ++sequence_;
    if (auto client = clients_.find(record.actor); client != clients_.end())
        record.client = client->second;
    if (record.time_ns == 0) record.time_ns = unix_ns();
    const std::string line = journal_line(record);
    // One write: a crash leaves at most a cut last line, which fails its check.
    if (!write_all(log_fd_, line.data(), line.size())) {
        ++stats_.errors;
        return io_error("cannot write the journal log", options_.directory + "/journal.log");
    }
    ++stats_.records;
    unsynced_ = true;
    if (durable) flush();
    return {};
}

void Journal::flush() {
    if (!unsynced_) return;
    if (::fdatasync(log_fd_) != 0) ++stats_.errors;
    unsynced_ = false;
}

std::string Journal::link_name(FileId id) const {
    return fmt::format("{}/links/{}-{}", options_.directory, id.device, id.inode);
}

std::string Journal::link_of(const std::string& path) const {
    const auto it = names_.find(path);
    if (it == names_.end()) return {};
    std::string link = link_name(it->second);
    return ::access(link.c_str(), F_OK) == 0 ? link : std::string();
}

void Journal::use_quiet_directory(int fd) {
    if (quiet_fd_ >= 0) ::close(quiet_fd_);
    quiet_fd_ = fd;
}

core::Result<std::uint64_t> Journal::linked_size(const std::string& link) const {
    struct stat st {};
    if (::lstat(link.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return io_error("cannot stat a journal link", link);
    return static_cast<std::uint64_t>(st.st_size);
}

core::Result<std::size_t> Journal::read_linked(const std::string& link, std::uint64_t offset,
                                               std::span<std::uint8_t> out) const {
    const std::string prefix = options_.directory + "/";
    const int flags = O_RDONLY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC;
    const int fd = quiet_fd_ >= 0 && link.starts_with(prefix)
                       ? ::openat(quiet_fd_, link.c_str() + prefix.size(), flags)
                       : ::open(link.c_str(), flags);
    if (fd < 0) return io_error("cannot open a journal link", link);
    ssize_t n = 0;
    do {
        n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (n < 0) {
        errno = err;
        return io_error("cannot read a journal link", link);
    }
    return static_cast<std::size_t>(n);
}

std::string Journal::protected_name(const std::string& path, FileId file) {
    if (auto it = names_.find(path); it != names_.end() && it->second == file) return path;
    for (const auto& [name, id] : names_)
        if (id == file) return name;
    names_[path] = file;
    return path;
}

void Journal::link_file(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    const FileId id{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    names_[path] = id;
    if (::link(path.c_str(), link_name(id).c_str()) == 0 || errno == EEXIST) {
        ++stats_.links;
    } else {
        ++stats_.link_failures;  // EXDEV: the journal is on another filesystem
    }
}

void Journal::link_trees(const std::vector<std::string>& roots) {
    namespace fs = std::filesystem;
    for (const std::string& root : roots) {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(
                 root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec) && !it->is_symlink(ec)) link_file(it->path().string());
        }
    }
}

core::Result<std::string> Journal::write_blob(const Reader& read, std::uint64_t size) {
    const std::string temp =
        fmt::format("{}/blobs/.tmp-{}-{}", options_.directory, ::getpid(), sequence_ + 1);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot write a blob", temp);
    Sha256 sha;
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> zstd(ZSTD_createCCtx(), ZSTD_freeCCtx);
    ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_compressionLevel, options_.compression_level);
    ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setPledgedSrcSize(zstd.get(), size);
    std::vector<std::uint8_t> in(kChunk);
    std::vector<std::uint8_t> out(ZSTD_CStreamOutSize());
    std::uint64_t offset = 0;
    auto fail = [&](core::Error e) {
        ::close(fd);
        ::unlink(temp.c_str());
        ++stats_.errors;
        return e;
    };
    for (;;) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - offset));
        std::size_t got = 0;
        if (want > 0) {
            auto n = read(offset, std::span<std::uint8_t>(in.data(), want));
            if (!n) return fail(n.error());
            got = *n;
        }
        // The file may have changed size since the open was reported: what is read is kept.
        const bool last = got == 0 || offset + got >= size;
        sha.update(in.data(), got);
        ZSTD_inBuffer input{in.data(), got, 0};
        const ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
        if (last) ZSTD_CCtx_setPledgedSrcSize(zstd.get(), ZSTD_CONTENTSIZE_UNKNOWN);
        for (;;) {
            ZSTD_outBuffer output{out.data(), out.size(), 0};
            const std::size_t left = ZSTD_compressStream2(zstd.get(), &output, &input, mode);
            if (ZSTD_isError(left))
                return fail(core::fail(core::ErrorCode::kIo,
                                       std::string("zstd: ") + ZSTD_getErrorName(left)));
            if (!write_all(fd, out.data(), output.pos))
                return fail(io_error("cannot write a blob", temp));
            stats_.bytes_written += output.pos;
            if (last ? left == 0 : input.pos == input.size) break;
        }
        offset += got;
        stats_.bytes_read += got;
        if (last) break;
    }
    const std::string hex = sha.hex();
    if (::fsync(fd) != 0) return fail(io_error("cannot sync a blob", temp));
    ::close(fd);
    const std::string final_name = options_.directory + "/blobs/" + hex + ".zst";
    // Same content kept before: the blob is already whole under its name.
    if (::access(final_name.c_str(), F_OK) == 0) {
        ::unlink(temp.c_str());
    } else if (::rename(temp.c_str(), final_name.c_str()) != 0) {
        ::unlink(temp.c_str());
        ++stats_.errors;
        return io_error("cannot name a blob", final_name);
    } else {
        sync_directory(options_.directory + "/blobs");
        ++stats_.blobs_written;
    }
    return hex;
}

core::Result<void> Journal::keep_content(const std::string& actor, const FsEvent& open,
                                         const Reader& read, const std::string& reference) {
    if (actor.empty() || !open.file.known()) return {};
    const std::string path = protected_name(open.path, open.file);
    // The journal's link to the inode: a later delete or rename-over does not lose it. Made
    // through the event's own file, not its name, which may already point elsewhere.
    const std::string& source = reference.empty() ? open.path : reference;
    if (::linkat(AT_FDCWD, source.c_str(), AT_FDCWD, link_name(open.file).c_str(),
                 AT_SYMLINK_FOLLOW) == 0)
        ++stats_.links;
    const auto key = std::make_pair(open.file.device, open.file.inode);
    JournalRecord record;
    record.op = JournalOp::kContent;
    record.actor = actor;
    record.path = path;
    record.device = open.file.device;
    record.inode = open.file.inode;
    record.size = open.size;
    record.mode = open.mode;
    auto known = kept_.find(key);
    if (known != kept_.end() && known->second.size == open.size &&
        known->second.mtime_ns == open.mtime_ns) {
        record.sha256 = known->second.sha256;  // this version is kept already
    } else if (open.size > options_.max_file_bytes) {
        record.op = JournalOp::kSkipped;
        record.reason = fmt::format("{} bytes, over the journal's limit of {}", open.size,
                                    options_.max_file_bytes);
        return append(std::move(record), true);
    } else {
        auto blob = write_blob(read, open.size);
        if (!blob) {
            record.op = JournalOp::kSkipped;
            record.reason = blob.error().to_string();
            (void)append(std::move(record), true);
            return blob.error();
        }
        record.sha256 = *blob;
        kept_[key] = {open.size, open.mtime_ns, *blob};
    }
    return append(std::move(record), true);
}

void Journal::created(const std::string& actor, const std::string& path, bool directory) {
    if (!directory) link_file(path);
    if (actor.empty()) return;
    JournalRecord record;
    record.op = JournalOp::kCreate;
    record.actor = actor;
    record.path = path;
    record.directory = directory;
    (void)append(std::move(record), false);
}

void Journal::renamed(const std::string& actor, const std::string& from, const std::string& to,
                      bool directory) {
    // Names below a renamed directory move with it.
    std::vector<std::pair<std::string, FileId>> moved;
    for (auto it = names_.lower_bound(from); it != names_.end() && it->first.starts_with(from);) {
        if (it->first.size() == from.size() || (directory && it->first[from.size()] == '/')) {
            moved.emplace_back(to + it->first.substr(from.size()), it->second);
            it = names_.erase(it);
        } else {
            ++it;
        }
    }
    // A rename over an existing file takes that file's name: keep which inode it was (the
    // journal's link holds its data) so that restore can give it back.
    JournalRecord record;
    if (!directory) {
        if (auto over = names_.find(to); over != names_.end()) {
            record.device = over->second.device;
            record.inode = over->second.inode;
            const std::string link = link_name(over->second);
            if (::access(link.c_str(), F_OK) == 0) record.link = link;
        }
    }
    for (auto& [path, id] : moved) names_[path] = id;
    if (!directory && moved.empty()) link_file(to);
    if (actor.empty()) return;
    record.op = JournalOp::kRename;
    record.actor = actor;
    record.from = from;
    record.path = to;
    record.directory = directory;
    (void)append(std::move(record), false);
}

void Journal::deleted(const std::string& actor, const std::string& path, bool directory) {
    JournalRecord record;
    record.op = JournalOp::kDelete;
    record.actor = actor;
    record.path = path;
    record.directory = directory;
    if (auto it = names_.find(path); it != names_.end()) {
        record.device = it->second.device;
        record.inode = it->second.inode;
        const std::string link = link_name(it->second);
        if (::access(link.c_str(), F_OK) == 0) record.link = link;
        names_.erase(it);
    }
    if (actor.empty()) return;
    (void)append(std::move(record), false);
}

void Journal::expire(const std::vector<std::string>& keep) {
    namespace fs = std::filesystem;
    const std::int64_t horizon =
        unix_ns() - std::chrono::duration_cast<std::chrono::nanoseconds>(options_.max_age).count();
    // What the actors to keep (contained ones, whose files may still need restoring) refer
    // to goes last: the work of jobs judged harmless expires first.
    std::set<std::string> protected_entries;
    if (!keep.empty()) {
        if (auto contents = read_journal(options_.directory + "/journal.log")) {
            for (const JournalRecord& r : contents->records) {
                if (std::find(keep.begin(), keep.end(), r.actor) == keep.end()) continue;
                if (!r.sha256.empty())
                    protected_entries.insert(options_.directory + "/blobs/" + r.sha256 + ".zst");
                if (!r.link.empty()) protected_entries.insert(r.link);
            }
        }
    }
    struct Entry {
        std::string path;
        std::int64_t time_ns;
        std::uint64_t bytes;
        bool kept;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    for (const char* sub : {"/blobs", "/links"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(options_.directory + sub, ec)) {
            struct stat st {};
            if (::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            // A link whose file still exists costs nothing: only deleted or replaced files
            // (the journal holds the last link) take room.
            if (std::string_view(sub) == "/links" && st.st_nlink > 1) continue;
            const std::int64_t t = st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec;
            const std::string path = e.path().string();
            entries.push_back({path, t, static_cast<std::uint64_t>(st.st_blocks) * 512,
                               protected_entries.contains(path)});
            total += entries.back().bytes;
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.kept != b.kept ? !a.kept : a.time_ns < b.time_ns;
    });
    for (const Entry& e : entries) {
        const bool too_old = e.time_ns < horizon;
        const bool too_big = total > options_.max_bytes;
        if (!too_old && !too_big) continue;
        if (::unlink(e.path.c_str()) == 0) {
            total -= std::min(total, e.bytes);
            ++stats_.expired;
        }
    }
    stats_.bytes_held = total;
}

}  // namespace vigie::guard
