#include "guard/restore.hpp"

#include "guard/file_digest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>

namespace vigie::guard {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool same_inode(const std::string& path, std::uint64_t device, std::uint64_t inode) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == device &&
           static_cast<std::uint64_t>(st.st_ino) == inode;
}

// SHA-256 of a file; "" when it cannot be read.
std::string sha256_of(const std::string& path) {
    auto digest = sha256_file(path);
    return digest ? *digest : std::string();
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Writes the blob's content to `path` through a temporary file beside it, checked against
// its hash before the rename. Returns "" on success, else the reason.
std::string write_blob_to(const std::string& journal, const JournalRecord& r) {
    const std::string blob = journal + "/blobs/" + r.sha256 + ".zst";
    const int in = ::open(blob.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return "its content is no longer in the journal (expired or removed)";
    const std::string temp =
        fmt::format("{}/.vigie-restore-{}-{}", parent_of(r.path), ::getpid(), r.sequence);
    const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           r.mode != 0 ? r.mode : 0644);
    if (out < 0) {
        ::close(in);
        return fmt::format("cannot write beside it: {}", std::strerror(errno));
    }
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> zstd(ZSTD_createDCtx(), ZSTD_freeDCtx);
    Sha256 sha;
    std::vector<std::uint8_t> compressed(ZSTD_DStreamInSize());
    std::vector<std::uint8_t> plain(ZSTD_DStreamOutSize());
    std::string problem;
    std::size_t last = 1;
    for (;;) {
        const ssize_t n = ::read(in, compressed.data(), compressed.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            problem = "cannot read its blob";
            break;
        }
        if (n == 0) {
            if (last != 0) problem = "its blob is cut short";
            break;
        }
        ZSTD_inBuffer input{compressed.data(), static_cast<std::size_t>(n), 0};
        while (input.pos < input.size) {
            ZSTD_outBuffer output{plain.data(), plain.size(), 0};
            last = ZSTD_decompressStream(zstd.get(), &output, &input);
            if (ZSTD_isError(last)) {
                problem = std::string("its blob is damaged: ") + ZSTD_getErrorName(last);
                break;
            }
            sha.update(plain.data(), output.pos);
            if (!write_all(out, plain.data(), output.pos)) {
                problem = fmt::format("cannot write: {}", std::strerror(errno));
                break;
            }
        }
        if (!problem.empty()) break;
    }
    ::close(in);
    if (problem.empty() && sha.hex() != r.sha256)
        problem = "its blob does not match the recorded hash";
    if (problem.empty() && ::fsync(out) != 0) problem = "cannot sync the restored file";
    ::fchmod(out, r.mode != 0 ? r.mode : 0644);
    ::close(out);
    if (problem.empty() && ::rename(temp.c_str(), r.path.c_str()) != 0)
        problem = fmt::format("cannot put it in place: {}", std::strerror(errno));
    if (!problem.empty()) ::unlink(temp.c_str());
    return problem;
}

bool selected(const RestoreOptions& o, const JournalRecord& r) {
    if (!o.actors.empty() && std::find(o.actors.begin(), o.actors.end(), r.actor) == o.actors.end())
        return false;
    if (!o.clients.empty() &&
        std::find(o.clients.begin(), o.clients.end(), r.client) == o.clients.end())
        return false;
    if (o.since_ns >= 0 && r.time_ns < o.since_ns) return false;
    if (!o.path_prefix.empty()) {
        auto under = [&](const std::string& p) {
            return p.starts_with(o.path_prefix) &&
                   (p.size() == o.path_prefix.size() || o.path_prefix.ends_with('/') ||
                    p[o.path_prefix.size()] == '/');
        };
        if (!under(r.path) && !under(r.from)) return false;
    }
    return true;
}

// `path` is `base` or below it.
bool at_or_below(const std::string& path, const std::string& base) {
    return path == base || (path.starts_with(base) && path[base.size()] == '/');
}

// A round trip (X renamed to Y, later Y renamed back to X: a folder taken out of the tree,
// changed there, brought back) leaves the names as they were. Undoing both renames would move
// the files away and back on every run, so neither is undone: the records between them that
// name something under Y are rewritten to where it is now, under X. A rename in between that
// moves X, Y or a folder above them ends the search (the pair is then undone step by step).
// Returns which records are the folded renames.
std::vector<bool> fold_round_trips(std::vector<JournalRecord>& records) {
    std::vector<bool> folded(records.size(), false);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const JournalRecord& out = records[i];
        if (out.op != JournalOp::kRename || folded[i] || out.from.empty()) continue;
        const std::string x = out.from;
        const std::string y = out.path;
        std::size_t back = records.size();
        for (std::size_t j = i + 1; j < records.size(); ++j) {
            const JournalRecord& r = records[j];
            if (r.op != JournalOp::kRename || folded[j]) continue;
            if (r.from == y && r.path == x && r.directory == out.directory) {
                back = j;
                break;
            }
            const auto moves = [&](const std::string& name) {
                return !name.empty() && (at_or_below(x, name) || at_or_below(y, name));
            };
            if (moves(r.from) || moves(r.path)) break;
        }
        if (back == records.size()) continue;
        folded[i] = folded[back] = true;
        for (std::size_t k = i + 1; k < back; ++k) {
            for (std::string* name : {&records[k].path, &records[k].from})
                if (at_or_below(*name, y)) *name = x + name->substr(y.size());
        }
    }
    return folded;
}

}  // namespace

std::uint64_t RestoreReport::failures() const {
    return static_cast<std::uint64_t>(
        std::count_if(steps.begin(), steps.end(), [](const RestoreStep& s) { return !s.ok; }));
}

core::Result<RestoreReport> restore(const RestoreOptions& o) {
    if (!o.all && o.actors.empty() && o.clients.empty() && o.since_ns < 0 && o.path_prefix.empty())
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "say what to restore: --actor, --client, --since, --path or --all");
    auto journal = read_journal(o.journal + "/journal.log");
    if (!journal) return journal.error();
    RestoreReport report;
    report.damaged_lines = journal->damaged_lines;
    std::vector<JournalRecord> picked;
    for (const JournalRecord& r : journal->records)
        if (selected(o, r)) picked.push_back(r);
    report.records = picked.size();
    const std::vector<bool> round_trips = fold_round_trips(picked);
    std::vector<const JournalRecord*> chosen;
    for (std::size_t i = 0; i < picked.size(); ++i)
        if (!round_trips[i]) chosen.push_back(&picked[i]);
    // For each rename, the delete of its destination that came before it (if any).
    std::map<const JournalRecord*, const JournalRecord*> deleted_before;
    {
        std::map<std::string, const JournalRecord*> last_delete;
        for (const JournalRecord* r : chosen) {
            if (r->op == JournalOp::kDelete && !r->directory && !r->link.empty())
                last_delete[r->path] = r;
            if (r->op == JournalOp::kRename) {
                if (auto d = last_delete.find(r->path); d != last_delete.end())
                    deleted_before[r] = d->second;
                last_delete.erase(r->path);
            }
        }
    }
    // Paths deleted later than the record being undone: their content must be written back
    // even though the name is absent (the link may be gone).
    std::set<std::string> deleted_later;
    std::set<std::string> content_done;
    auto step = [&](const std::string& path, std::string action, std::string problem = {}) {
        report.steps.push_back({path, std::move(action), problem.empty(), std::move(problem)});
    };
    for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {
        const JournalRecord& r = **it;
        switch (r.op) {
            case JournalOp::kRename: {
                if (!exists(r.path)) {
                    ++report.unchanged;
                    break;
                }
                // A rename over a file (an atomic replace; through an SMB client, a delete
                // then the rename): undone once the name holds the replaced inode again.
                // Without this a second run would move that file away and link it back,
                // which changes nothing but says it did.
                if (!r.link.empty() && same_inode(r.path, r.device, r.inode)) {
                    ++report.unchanged;
                    break;
                }
                if (auto gone = deleted_before.find(&r);
                    gone != deleted_before.end() &&
                    same_inode(r.path, gone->second->device, gone->second->inode)) {
                    ++report.unchanged;
                    break;
                }
                if (exists(r.from)) {
                    step(r.from, "rename not undone",
                         "both " + r.from + " and " + r.path + " exist");
                    break;
                }
                if (!o.dry_run && ::rename(r.path.c_str(), r.from.c_str()) != 0) {
                    step(r.from, "rename not undone", std::strerror(errno));
                    break;
                }
                step(r.from, "renamed back from " + r.path);
                // A file the rename replaced comes back from the journal's link.
                if (!r.link.empty() && !o.dry_run && ::link(r.link.c_str(), r.path.c_str()) == 0)
                    step(r.path, "replaced file given back");
                break;
            }
            case JournalOp::kCreate: {
                if (!exists(r.path)) {
                    ++report.unchanged;
                    break;
                }
                const int flags = r.directory ? AT_REMOVEDIR : 0;
                if (!o.dry_run && ::unlinkat(AT_FDCWD, r.path.c_str(), flags) != 0) {
                    // A directory the actor made that others filled is left in place.
                    if (!(r.directory && errno == ENOTEMPTY))
                        step(r.path, "created file not removed", std::strerror(errno));
                    break;
                }
                step(r.path, r.directory ? "created folder removed" : "created file removed");
                break;
            }
            case JournalOp::kDelete: {
                deleted_later.insert(r.path);
                if (r.directory || exists(r.path)) {
                    ++report.unchanged;
                    break;
                }
                if (r.link.empty() || !exists(r.link)) {
                    step(r.path, "deleted file not restored",
                         "the journal kept no link to it (another filesystem, or expired)");
                    break;
                }
                if (!o.dry_run && ::link(r.link.c_str(), r.path.c_str()) != 0) {
                    step(r.path, "deleted file not restored", std::strerror(errno));
                    break;
                }
                step(r.path, "deleted file restored");
                break;
            }
            case JournalOp::kContent: {
                const bool present = exists(r.path);
                if (!present && !deleted_later.contains(r.path)) {
                    ++report.unchanged;  // renamed away, and that rename is undone
                    break;
                }
                if (present && sha256_of(r.path) == r.sha256) {
                    if (!content_done.contains(r.path)) ++report.unchanged;
                    content_done.insert(r.path);
                    break;
                }
                if (o.dry_run) {
                    step(r.path, "content would be restored");
                    break;
                }
                const std::string problem = write_blob_to(o.journal, r);
                step(r.path, problem.empty() ? "content restored" : "content not restored",
                     problem);
                content_done.insert(r.path);
                break;
            }
            case JournalOp::kSkipped:
                step(r.path, "content not kept", r.reason);
                break;
        }
    }
    return report;
}

core::Result<std::vector<ActorSummary>> summarise_journal(const std::string& journal,
                                                          std::uint64_t* damaged_lines) {
    auto contents = read_journal(journal + "/journal.log");
    if (!contents) return contents.error();
    if (damaged_lines != nullptr) *damaged_lines = contents->damaged_lines;
    std::map<std::string, ActorSummary> by_actor;
    std::map<std::string, std::set<std::string>> paths;
    for (const JournalRecord& r : contents->records) {
        ActorSummary& a = by_actor[r.actor];
        a.actor = r.actor;
        if (!r.client.empty()) a.client = r.client;
        if (a.first_ns == 0) a.first_ns = r.time_ns;
        a.last_ns = r.time_ns;
        switch (r.op) {
            case JournalOp::kContent:
                ++a.contents;
                a.content_bytes += r.size;
                break;
            case JournalOp::kCreate:
                ++a.creates;
                break;
            case JournalOp::kRename:
                ++a.renames;
                break;
            case JournalOp::kDelete:
                ++a.deletes;
                break;
            case JournalOp::kSkipped:
                ++a.skipped;
                break;
        }
        paths[r.actor].insert(r.from.empty() ? r.path : r.from);
    }
    std::vector<ActorSummary> out;
    for (auto& [id, a] : by_actor) {
        a.paths.assign(paths[id].begin(), paths[id].end());
        out.push_back(std::move(a));
    }
    std::sort(out.begin(), out.end(),
              [](const ActorSummary& x, const ActorSummary& y) { return x.first_ns < y.first_ns; });
    return out;
}

}  // namespace vigie::guard
