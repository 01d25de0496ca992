#include "ransim/encrypt.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>
#include <thread>

#include "ransim/key_dir.hpp"
#include "ransim/manifest.hpp"

namespace vigie::ransim {
namespace {

std::string directory_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// A placeholder note in the folder of `path`, logged (and synced) before it exists so that
// decrypt finds it even after a kill.
void drop_note(const CorpusRoot& root, const Fd& log, const std::string& path,
               std::set<std::string>& folders_done) {
    const std::string folder = directory_of(path);
    if (!folders_done.insert(folder).second) return;
    const std::string note =
        folder.empty() ? std::string(kClopNoteName) : folder + "/" + std::string(kClopNoteName);
    if (!log_line(log, "note", note, true)) return;
    auto fd = root.open_file(note, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (!fd) return;  // already there: leave whatever it is alone
    const std::string_view text = clop_note_text();
    (void)write_at(fd->get(),
                   std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 0,
                   root.path() + "/" + note);
}

// Encrypts `files` in order; returns how many failed.
std::size_t run_files(const CorpusRoot& root, const Fd& log, const RunKey& key,
                      const std::vector<const ManifestEntry*>& files, unsigned delay_ms) {
    std::size_t failed = 0;
    std::set<std::string> folders_with_note;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const ManifestEntry& entry = *files[i];
        if (key.strategy == Strategy::kClop) drop_note(root, log, entry.path, folders_with_note);
        // No file is touched unless its `start` line is on disk.
        if (!log_line(log, "start", entry.path, true)) return failed + files.size() - i;
        if (auto r = encrypt_file(root, key.strategy, key.key, entry); r) {
            (void)log_line(log, "done", entry.path, false);
        } else {
            ++failed;
            (void)log_line(log, "fail", entry.path + "\t" + r.error().message, false);
        }
        if (delay_ms > 0 && i + 1 < files.size()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        }
    }
    return failed;
}

core::Result<std::vector<std::int64_t>> run_workers(const CorpusRoot& root, const Fd& log,
                                                    const RunKey& key,
                                                    const std::vector<const ManifestEntry*>& files,
                                                    unsigned workers, unsigned delay_ms) {
    std::vector<std::int64_t> pids;
    for (unsigned w = 0; w < workers; ++w) {
        std::vector<const ManifestEntry*> share;
        for (std::size_t i = w; i < files.size(); i += workers) share.push_back(files[i]);
        const pid_t pid = ::fork();
        if (pid < 0) {
            const int err = errno;
            for (const std::int64_t child : pids) ::waitpid(static_cast<pid_t>(child), nullptr, 0);
            return system_error(root.path(), "fork failed", err);
        }
        if (pid == 0) {
            // The child: its share, then _exit (no atexit handlers, no stdio flush of the
            // parent's buffers).
            (void)log_line(log, "worker", fmt::format("{} pid {}", w, ::getpid()), false);
            const std::size_t failed = run_files(root, log, key, share, delay_ms);
            ::_exit(failed == 0 ? 0 : 1);
        }
        pids.push_back(pid);
    }
    for (const std::int64_t pid : pids) {
        int status = 0;
        while (::waitpid(static_cast<pid_t>(pid), &status, 0) < 0 && errno == EINTR) {
        }
    }
    return pids;
}

}  // namespace

core::Result<EncryptReport> encrypt(const std::string& dir, const EncryptOptions& options) {
    if (options.strategy == Strategy::kMultiProcess &&
        (options.workers < 1 || options.workers > 64)) {
        return core::fail(core::ErrorCode::kInvalidArgument, "--workers must be 1 to 64");
    }
    auto root = CorpusRoot::open(dir, options.allow_links_in);
    if (!root) return std::move(root).error();
    auto manifest = read_manifest(*root);
    if (!manifest) return std::move(manifest).error();
    auto key_dir = KeyDir::open(*root, options.key_dir, true);
    if (!key_dir) return std::move(key_dir).error();
    if (key_dir->has_key()) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "a previous run's key is here: run `vigie ransim decrypt` first",
                          core::Location::in_file(key_dir->path()));
    }

    EncryptReport report;
    report.key_dir = key_dir->path();
    auto scan = scan_tree(*root);
    if (!scan) return std::move(scan).error();
    report.skipped = std::move(scan->skipped);
    std::vector<const ManifestEntry*> plan;
    std::set<std::string> seen;
    for (const TreeFile& file : scan->files) {
        const ManifestEntry* entry = manifest->find(file.path);
        if (entry == nullptr) {
            report.skipped.push_back({file.path, "not in the manifest, left alone"});
            continue;
        }
        seen.insert(file.path);
        plan.push_back(entry);
    }
    for (const ManifestEntry& entry : manifest->files) {
        if (!seen.contains(entry.path) &&
            std::none_of(report.skipped.begin(), report.skipped.end(),
                         [&](const SkippedEntry& s) { return s.path == entry.path; })) {
            report.skipped.push_back({entry.path, "missing (not a regular file of the tree)"});
        }
    }
    if (options.limit && plan.size() > *options.limit) plan.resize(*options.limit);
    report.planned = plan.size();

    RunKey key;
    key.corpus_id = root->marker().corpus_id;
    key.strategy = options.strategy;
    if (auto r = fill_random(key.key); !r) return std::move(r).error();
    if (auto r = key_dir->write_key(key); !r) return std::move(r).error();
    auto log = key_dir->open_log();
    if (!log) return std::move(log).error();
    (void)log_line(*log, "run",
                   fmt::format("strategy {} files {} pid {}", strategy_info(key.strategy).name,
                               plan.size(), ::getpid()),
                   false);
    for (const SkippedEntry& s : report.skipped) {
        (void)log_line(*log, "skip", s.path + " (" + s.reason + ")", false);
    }
    if (auto r = sync(log->get(), key_dir->path() + "/progress.log"); !r) {
        return std::move(r).error();
    }

    const unsigned delay =
        options.delay_ms.value_or(options.strategy == Strategy::kSlow ? 2000 : 0);
    if (options.strategy == Strategy::kMultiProcess) {
        auto pids = run_workers(*root, *log, key, plan, options.workers, delay);
        if (!pids) return std::move(pids).error();
        report.worker_pids = std::move(*pids);
    } else {
        (void)run_files(*root, *log, key, plan, delay);
    }
    auto written = key_dir->read_log();
    if (!written) return std::move(written).error();
    report.encrypted = written->done.size();
    for (const std::string& failure : written->failed) {
        const std::size_t tab = failure.find('\t');
        report.skipped.push_back({failure.substr(0, tab),
                                  tab == std::string::npos ? "failed" : failure.substr(tab + 1)});
    }
    (void)log_line(*log, "end", fmt::format("encrypted {}", report.encrypted), true);
    return report;
}

}  // namespace vigie::ransim
