#include "ransim/key_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>

namespace vigie::ransim {
namespace {

constexpr std::string_view kKeyName = "key";
constexpr std::string_view kLogName = "progress.log";
constexpr std::string_view kKeyMagic = "vigie-ransim-key 1";

core::Error refusal(const std::string& path, std::string message) {
    return core::fail(core::ErrorCode::kInvalidArgument, std::move(message),
                      core::Location::in_file(path));
}

std::string real_path(const std::string& path) {
    char buffer[PATH_MAX];
    return ::realpath(path.c_str(), buffer) != nullptr ? std::string(buffer) : std::string();
}

bool is_within(const std::string& inner, const std::string& outer) {
    return inner == outer ||
           (inner.size() > outer.size() && inner.starts_with(outer) && inner[outer.size()] == '/');
}

std::string_view text_of(const std::vector<std::uint8_t>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        // A last line without its newline was cut by a kill: it may be incomplete.
        if (end == std::string_view::npos) break;
        f(text.substr(pos, end - pos));
        pos = end + 1;
    }
}

}  // namespace

core::Result<KeyDir> KeyDir::open(const CorpusRoot& root, const std::string& path, bool create) {
    KeyDir dir;
    if (path.empty()) {
        auto state = root.open_state_dir(create);
        if (!state) return std::move(state).error();
        dir.fd_ = std::move(*state);
        dir.path_ = root.path() + "/" + std::string(kStateDirName);
        return dir;
    }
    // Where the directory is (or would be), checked before anything is made.
    struct stat link {};
    const bool exists = ::lstat(path.c_str(), &link) == 0;
    if (!exists && (errno != ENOENT || !create)) return system_error(path, "cannot stat", errno);
    if (exists && S_ISLNK(link.st_mode)) {
        return refusal(path, "the key directory is a symbolic link");
    }
    if (exists && !S_ISDIR(link.st_mode)) {
        return refusal(path, "the key directory is not a directory");
    }
    std::string real;
    if (exists) {
        real = real_path(path);
    } else {
        const std::size_t slash = path.find_last_of('/', path.find_last_not_of('/'));
        const std::string parent = slash == std::string::npos ? "."
                                   : slash == 0               ? "/"
                                                              : path.substr(0, slash);
        const std::string parent_real = real_path(parent);
        if (!parent_real.empty()) real = parent_real + "/" + path.substr(slash + 1);
    }
    const std::string corpus = real_path(root.path());
    if (real.empty() || corpus.empty()) return system_error(path, "cannot resolve", errno);
    if (is_within(real, corpus) && real != corpus + "/" + std::string(kStateDirName)) {
        return refusal(path,
                       "the key directory is inside the corpus it would encrypt: choose one "
                       "outside " +
                           root.path());
    }
    if (!exists && ::mkdir(path.c_str(), 0700) != 0) {
        return system_error(path, "cannot make the key directory", errno);
    }
    dir.fd_ = Fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.fd_.valid()) return system_error(path, "cannot open", errno);
    dir.path_ = path;
    return dir;
}

bool KeyDir::has_key() const {
    struct stat st {};
    return ::fstatat(fd_.get(), std::string(kKeyName).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

core::Result<void> KeyDir::write_key(const RunKey& key) const {
    const std::string path = path_ + "/" + std::string(kKeyName);
    std::string hex;
    for (const std::uint8_t b : key.key) hex += fmt::format("{:02x}", b);
    const std::string text = fmt::format("{}\ncorpus {}\nstrategy {}\nkey {}\n", kKeyMagic,
                                         key.corpus_id, strategy_info(key.strategy).name, hex);
    Fd fd(::openat(fd_.get(), std::string(kKeyName).c_str(),
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) {
        if (errno == EEXIST) {
            return refusal(path, "a previous run's key is here: run `vigie ransim decrypt` first");
        }
        return system_error(path, "cannot create the key file", errno);
    }
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    if (auto r = write_at(fd.get(), bytes, 0, path); !r) return r;
    if (auto r = sync(fd.get(), path); !r) return r;
    return sync(fd_.get(), path_);
}

core::Result<RunKey> KeyDir::read_key() const {
    const std::string path = path_ + "/" + std::string(kKeyName);
    Fd fd(::openat(fd_.get(), std::string(kKeyName).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) {
            return core::fail(core::ErrorCode::kNotFound,
                              "no key here: nothing was encrypted with this key directory, or it "
                              "was already decrypted",
                              core::Location::in_file(path));
        }
        return system_error(path, "cannot open", errno);
    }
    auto bytes = read_range(fd.get(), 0, 4096, path);
    if (!bytes) return std::move(bytes).error();
    RunKey key;
    bool magic = false, corpus = false, strategy = false, secret = false;
    for_each_line(text_of(*bytes), [&](std::string_view line) {
        if (line == kKeyMagic) {
            magic = true;
        } else if (line.starts_with("corpus ")) {
            key.corpus_id = std::string(line.substr(7));
            corpus = true;
        } else if (line.starts_with("strategy ")) {
            const auto parsed = parse_strategy(line.substr(9));
            if (parsed) key.strategy = *parsed;
            strategy = parsed.has_value();
        } else if (line.starts_with("key ") && line.size() == 4 + 64) {
            secret = true;
            for (std::size_t i = 0; i < 32; ++i) {
                const char* at = line.data() + 4 + 2 * i;
                if (std::from_chars(at, at + 2, key.key[i], 16).ec != std::errc{}) secret = false;
            }
        }
    });
    if (!magic || !corpus || !strategy || !secret) {
        return core::fail(core::ErrorCode::kCorrupt, "unreadable key file",
                          core::Location::in_file(path));
    }
    return key;
}

core::Result<Fd> KeyDir::open_log() const {
    const std::string path = path_ + "/" + std::string(kLogName);
    Fd fd(::openat(fd_.get(), std::string(kLogName).c_str(),
                   O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) return system_error(path, "cannot open the progress log", errno);
    return fd;
}

core::Result<ProgressLog> KeyDir::read_log() const {
    const std::string path = path_ + "/" + std::string(kLogName);
    ProgressLog log;
    Fd fd(::openat(fd_.get(), std::string(kLogName).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) return log;  // killed between the key and the first line
        return system_error(path, "cannot open", errno);
    }
    auto bytes = read_whole(fd.get(), path);
    if (!bytes) return std::move(bytes).error();
    for_each_line(text_of(*bytes), [&](std::string_view line) {
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos) return;
        const std::string_view kind = line.substr(0, space);
        const std::string_view rest = line.substr(space + 1);
        if (kind == "start") {
            log.started.emplace_back(rest);
        } else if (kind == "done") {
            log.done.emplace_back(rest);
        } else if (kind == "note") {
            log.notes.emplace_back(rest);
        } else if (kind == "fail") {
            log.failed.emplace_back(rest);
        } else if (kind == "worker") {
            // "worker K pid P"
            int index = 0;
            std::int64_t pid = 0;
            const std::size_t pid_at = rest.find(" pid ");
            if (pid_at == std::string_view::npos) return;
            std::from_chars(rest.data(), rest.data() + pid_at, index);
            const std::string_view p = rest.substr(pid_at + 5);
            std::from_chars(p.data(), p.data() + p.size(), pid);
            log.workers.emplace_back(index, pid);
        }
    });
    return log;
}

core::Result<void> KeyDir::retire() const {
    for (const std::string_view name : {kKeyName, kLogName}) {
        if (::unlinkat(fd_.get(), std::string(name).c_str(), 0) != 0 && errno != ENOENT) {
            return system_error(path_ + "/" + std::string(name), "cannot remove", errno);
        }
    }
    return sync(fd_.get(), path_);
}

core::Result<void> log_line(const Fd& log, std::string_view kind, std::string_view text,
                            bool durable) {
    const std::string line = fmt::format("{} {}\n", kind, text);
    if (auto r = append(log.get(), line, "progress.log"); !r) return r;
    if (durable && ::fdatasync(log.get()) != 0) {
        return system_error("progress.log", "fdatasync failed", errno);
    }
    return {};
}

}  // namespace vigie::ransim
