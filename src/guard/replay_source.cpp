#include "guard/replay_source.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <time.h>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "guard/replay_format.hpp"

namespace vigie::guard {
namespace {

constexpr std::size_t kRecordedBytes = 64 * 1024;

FsEventKind kind_from_name(std::string_view name, bool& ok) {
    ok = true;
    for (const FsEventKind k : {FsEventKind::kOpen, FsEventKind::kCloseWrite, FsEventKind::kCreate,
                                FsEventKind::kDelete, FsEventKind::kRename, FsEventKind::kOverflow})
        if (name == fs_event_kind_name(k)) return k;
    ok = false;
    return FsEventKind::kOverflow;
}

}  // namespace

const char* fs_event_kind_name(FsEventKind kind) noexcept {
    switch (kind) {
        case FsEventKind::kOpen:
            return "open";
        case FsEventKind::kCloseWrite:
            return "close_write";
        case FsEventKind::kCreate:
            return "create";
        case FsEventKind::kDelete:
            return "delete";
        case FsEventKind::kRename:
            return "rename";
        case FsEventKind::kOverflow:
            return "overflow";
    }
    return "?";
}

FileId ReplaySource::id_of(const std::string& path) {
    auto [it, created] = inodes_.try_emplace(path);
    if (created) it->second = {1, next_inode_++};
    return it->second;
}

void ReplaySource::push(Step step) {
    script_.push_back(std::move(step));
}

void ReplaySource::put(const std::string& path, Bytes content) {
    auto bytes = std::make_shared<const Bytes>(std::move(content));
    files_[path] = bytes;
    applied_[path] = bytes;
    id_of(path);
}

void ReplaySource::push_file_event(FsEventKind kind, std::int32_t pid, const std::string& path,
                                   std::shared_ptr<const Bytes> bytes, std::uint64_t operation,
                                   bool for_writing) {
    Step step;
    step.event.kind = kind;
    step.event.for_writing = for_writing;
    step.event.pid = pid;
    step.event.path = path;
    step.event.file = id_of(path);
    step.event.size = bytes->size();
    step.bytes = std::move(bytes);
    step.operation = operation;
    if (kind == FsEventKind::kCloseWrite) step.apply_path = path;
    push(std::move(step));
}

void ReplaySource::write(std::int32_t pid, const std::string& path, Bytes content) {
    begin_write(pid, path, std::move(content));
    end_write(pid, path);
}

void ReplaySource::begin_write(std::int32_t pid, const std::string& path, Bytes content) {
    const std::uint64_t operation = ++operations_;
    const bool exists = files_.contains(path);
    auto before = exists ? files_[path] : std::make_shared<const Bytes>();
    if (!exists) {
        Step create;
        create.event.kind = FsEventKind::kCreate;
        create.event.pid = pid;
        create.event.path = path;
        push(std::move(create));
    }
    push_file_event(FsEventKind::kOpen, pid, path, before, operation, true);
    auto after = std::make_shared<const Bytes>(std::move(content));
    script_.back().written = after;
    writes_in_flight_[{pid, path}] = {operation, std::move(after)};
}

void ReplaySource::end_write(std::int32_t pid, const std::string& path) {
    auto it = writes_in_flight_.find({pid, path});
    if (it == writes_in_flight_.end()) return;
    files_[path] = it->second.after;
    push_file_event(FsEventKind::kCloseWrite, pid, path, it->second.after, it->second.operation,
                    true);
    writes_in_flight_.erase(it);
}

void ReplaySource::read_only(std::int32_t pid, const std::string& path) {
    push_file_event(FsEventKind::kOpen, pid, path,
                    files_.contains(path) ? files_[path] : std::make_shared<const Bytes>(),
                    ++operations_, false);
}

void ReplaySource::rename(std::int32_t pid, const std::string& from, const std::string& to) {
    if (auto it = files_.find(from); it != files_.end()) {
        files_[to] = it->second;
        files_.erase(it);
    }
    if (auto it = inodes_.find(from); it != inodes_.end()) {
        inodes_[to] = it->second;
        inodes_.erase(it);
    }
    Step step;
    step.event.kind = FsEventKind::kRename;
    step.event.pid = pid;
    step.event.old_path = from;
    step.event.path = to;
    push(std::move(step));
}

void ReplaySource::move_directory(std::int32_t pid, const std::string& from,
                                  const std::string& to) {
    const std::string prefix = from + "/";
    auto move_below = [&](auto& map) {
        for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix);) {
            map[to + it->first.substr(from.size())] = it->second;
            it = map.erase(it);
        }
    };
    move_below(files_);
    move_below(inodes_);
    Step step;
    step.event.kind = FsEventKind::kRename;
    step.event.is_directory = true;
    step.event.pid = pid;
    step.event.old_path = from;
    step.event.path = to;
    push(std::move(step));
}

void ReplaySource::write_via(std::int32_t pid, const std::string& seen_as, const std::string& path,
                             Bytes content) {
    const std::uint64_t operation = ++operations_;
    auto before = files_.contains(path) ? files_[path] : std::make_shared<const Bytes>();
    auto after = std::make_shared<const Bytes>(std::move(content));
    files_[path] = after;
    for (const auto& [kind, bytes] :
         {std::pair{FsEventKind::kOpen, before}, std::pair{FsEventKind::kCloseWrite, after}}) {
        Step step;
        step.event.kind = kind;
        step.event.pid = pid;
        step.event.path = seen_as;
        step.event.file = id_of(path);
        step.event.size = bytes->size();
        step.bytes = bytes;
        step.operation = operation;
        if (kind == FsEventKind::kCloseWrite) step.apply_path = path;
        push(std::move(step));
    }
}

void ReplaySource::replace(std::int32_t pid, const std::string& temp, const std::string& path,
                           Bytes content, bool close_after_rename) {
    if (!close_after_rename) {
        write(pid, temp, std::move(content));
        rename(pid, temp, path);
        return;
    }
    const std::uint64_t operation = ++operations_;
    Step create;
    create.event.kind = FsEventKind::kCreate;
    create.event.pid = pid;
    create.event.path = temp;
    push(std::move(create));
    push_file_event(FsEventKind::kOpen, pid, temp, std::make_shared<const Bytes>(), operation,
                    true);
    auto after = std::make_shared<const Bytes>(std::move(content));
    files_[temp] = after;
    rename(pid, temp, path);
    push_file_event(FsEventKind::kCloseWrite, pid, path, after, operation, true);
}

void ReplaySource::remove(std::int32_t pid, const std::string& path) {
    files_.erase(path);
    inodes_.erase(path);
    Step step;
    step.event.kind = FsEventKind::kDelete;
    step.event.pid = pid;
    step.event.path = path;
    push(std::move(step));
}

void ReplaySource::make_directory(std::int32_t pid, const std::string& path) {
    Step step;
    step.event.kind = FsEventKind::kCreate;
    step.event.is_directory = true;
    step.event.pid = pid;
    step.event.path = path;
    push(std::move(step));
}

void ReplaySource::overflow() {
    Step step;
    step.event.kind = FsEventKind::kOverflow;
    push(std::move(step));
}

void ReplaySource::stop(std::int32_t pid_or_group) {
    if (pid_or_group >= 0) {
        stopped_.insert(pid_or_group);
        return;
    }
    for (const auto& [pid, info] : processes_)
        if (info.process_group == -pid_or_group) stopped_.insert(pid);
}

const ReplaySource::Bytes* ReplaySource::content(const std::string& path) const {
    auto it = applied_.find(path);
    return it == applied_.end() ? nullptr : it->second.get();
}

core::Result<void> ReplaySource::read(std::vector<FsEvent>& out, std::chrono::milliseconds) {
    // One event per read: the engine's answer to an open decides whether its write happens.
    // A process whose open is not answered yet waits in it, as it would in the kernel: its
    // later steps come after the answer, other processes' steps go on meanwhile.
    if (delivered_.size() < script_.size()) delivered_.resize(script_.size(), false);
    for (std::size_t at = next_; at < script_.size(); ++at) {
        if (delivered_[at]) continue;
        const Step& step = script_[at];
        const bool denied = std::find(denied_operations_.begin(), denied_operations_.end(),
                                      step.operation) != denied_operations_.end();
        const bool skipped =
            (step.operation != 0 && denied && step.event.kind == FsEventKind::kCloseWrite) ||
            stopped_.contains(step.event.pid);
        if (!skipped && waiting_.contains(step.event.pid)) continue;
        delivered_[at] = true;
        while (next_ < script_.size() && delivered_[next_]) ++next_;
        if (skipped) continue;
        FsEvent e = step.event;
        // Like fanotify: the time the source read it (the engine measures its answers).
        timespec ts{};
        ::clock_gettime(CLOCK_MONOTONIC, &ts);
        e.time_ns = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
        e.source_handle = at;
        if (e.kind == FsEventKind::kOpen) ++waiting_[e.pid];
        const std::string& path = step.apply_path;
        if (!path.empty()) applied_[path] = step.bytes;
        if (step.event.kind == FsEventKind::kRename && step.event.is_directory) {
            const std::string prefix = step.event.old_path + "/";
            for (auto it = applied_.lower_bound(prefix);
                 it != applied_.end() && it->first.starts_with(prefix);) {
                applied_[step.event.path + it->first.substr(step.event.old_path.size())] =
                    it->second;
                it = applied_.erase(it);
            }
        } else if (step.event.kind == FsEventKind::kRename) {
            if (auto it = applied_.find(step.event.old_path); it != applied_.end()) {
                applied_[step.event.path] = it->second;
                applied_.erase(it);
            }
        } else if (step.event.kind == FsEventKind::kDelete) {
            applied_.erase(step.event.path);
        }
        out.push_back(std::move(e));
        return {};
    }
    return {};
}

void ReplaySource::answer(const FsEvent& event, bool allow) {
    if (event.kind != FsEventKind::kOpen) return;
    if (auto w = waiting_.find(event.pid); w != waiting_.end() && --w->second <= 0)
        waiting_.erase(w);
    answers_.emplace_back(event.path, allow);
    if (allow && event.source_handle < script_.size()) script_[event.source_handle].allowed = true;
    if (!allow && event.source_handle < script_.size())
        denied_operations_.push_back(script_[event.source_handle].operation);
}

core::Result<std::size_t> ReplaySource::read_file(const FsEvent& event, std::uint64_t offset,
                                                  std::span<std::uint8_t> out) {
    if (event.source_handle >= script_.size())
        return core::fail(core::ErrorCode::kInvalidArgument, "no such replayed event");
    const Step& step = script_[event.source_handle];
    auto serve = [&](const Bytes& bytes, std::uint64_t base) -> std::size_t {
        if (offset < base || offset >= base + bytes.size()) return 0;
        const std::size_t n = std::min<std::size_t>(out.size(), base + bytes.size() - offset);
        std::memcpy(out.data(), bytes.data() + (offset - base), n);
        return n;
    };
    // A file still being written, read through its allowed open: as written so far.
    if (step.allowed && step.written) return serve(*step.written, 0);
    std::size_t n = step.bytes ? serve(*step.bytes, 0) : 0;
    if (n == 0 && step.tail) n = serve(*step.tail, step.tail_offset);
    return n;
}

core::Result<SmbSessionDetails> ReplaySource::smb_session(std::int32_t worker) {
    auto it = smb_sessions_.find(worker);
    if (it == smb_sessions_.end())
        return core::fail(core::ErrorCode::kNotFound,
                          "no SMB session scripted for process " + std::to_string(worker));
    return it->second;
}

std::optional<ProcessInfo> ReplaySource::process(std::int32_t pid) {
    auto it = processes_.find(pid);
    if (it == processes_.end()) return std::nullopt;
    return it->second;
}

core::Result<void> ReplaySource::watch_directory(const std::string& path) {
    watched_.push_back(path);
    return {};
}

std::vector<std::string> ReplaySource::changed_since(const std::string& root, std::int64_t,
                                                     std::size_t limit) {
    // The replayed file system has no times: everything under the root may have changed.
    std::vector<std::string> out;
    for (const auto& [path, bytes] : applied_)
        if (path.starts_with(root + "/") && out.size() < limit) out.push_back(path);
    return out;
}

core::Result<void> ReplaySource::save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return core::fail(core::ErrorCode::kIo, "cannot write the stream",
                          core::Location::in_file(path));
    for (const auto& [pid, p] : processes_) {
        auto session = smb_sessions_.find(pid);
        out << process_line(p, session == smb_sessions_.end() ? nullptr : &session->second) << '\n';
    }
    for (const Step& s : script_) {
        if (!s.bytes) {
            out << event_line(s.event, s.operation, s.apply_path, nullptr) << '\n';
            continue;
        }
        const Bytes& b = *s.bytes;
        RecordedBytes recorded;
        recorded.head = {b.data(), std::min(b.size(), kRecordedBytes)};
        if (b.size() > kRecordedBytes) {
            recorded.tail_offset = std::max(kRecordedBytes, b.size() - kRecordedBytes);
            recorded.tail = {b.data() + recorded.tail_offset, b.size() - recorded.tail_offset};
        }
        out << event_line(s.event, s.operation, s.apply_path, &recorded) << '\n';
    }
    if (!out)
        return core::fail(core::ErrorCode::kIo, "cannot write the stream",
                          core::Location::in_file(path));
    return {};
}

core::Result<std::unique_ptr<ReplaySource>> ReplaySource::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::fail(core::ErrorCode::kIo, "cannot read the stream",
                          core::Location::in_file(path));
    auto source = std::make_unique<ReplaySource>();
    simdjson::ondemand::parser parser;
    std::string line;
    std::uint32_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        const core::Location where = core::Location::at_line(path, number);
        auto bad = [&](std::string what) {
            return core::fail(core::ErrorCode::kParse, "bad replay line: " + what, where);
        };
        simdjson::padded_string padded(line);
        simdjson::dom::parser dom;
        simdjson::dom::element doc;
        if (dom.parse(padded).get(doc)) return bad("not JSON");
        auto integer = [&](const char* key) -> std::int64_t {
            std::int64_t v = 0;
            return doc[key].get_int64().get(v) ? 0 : v;
        };
        auto text = [&](const char* key) -> std::string {
            std::string_view v;
            return doc[key].get_string().get(v) ? std::string() : std::string(v);
        };
        auto flag = [&](const char* key, bool fallback) -> bool {
            bool v = fallback;
            return doc[key].get_bool().get(v) ? fallback : v;
        };
        if (doc["process"].error() == simdjson::SUCCESS) {
            ProcessInfo p;
            p.pid = static_cast<std::int32_t>(integer("process"));
            p.parent = static_cast<std::int32_t>(integer("parent"));
            p.process_group = static_cast<std::int32_t>(integer("group"));
            p.session = static_cast<std::int32_t>(integer("session"));
            p.uid = static_cast<std::uint32_t>(integer("uid"));
            p.start_ticks = static_cast<std::uint64_t>(integer("start"));
            p.executable = text("exe");
            p.command = text("comm");
            p.process = static_cast<std::int32_t>(integer("tgid"));
            p.smb_worker = flag("smb", false);
            p.smb_client.address = text("client");
            p.smb_client.port = static_cast<std::uint16_t>(integer("client_port"));
            p.smb_client.local_port = static_cast<std::uint16_t>(integer("local_port"));
            if (doc["smb_user"].error() == simdjson::SUCCESS ||
                doc["share"].error() == simdjson::SUCCESS)
                source->add_smb_session(p.pid, {text("smb_user"), text("share")});
            source->add_process(std::move(p));
            continue;
        }
        bool known = false;
        Step s;
        s.event.kind = kind_from_name(text("kind"), known);
        if (!known) return bad("unknown kind '" + text("kind") + "'");
        s.event.pid = static_cast<std::int32_t>(integer("pid"));
        s.event.is_directory = flag("dir", false);
        s.event.for_writing = flag("write", true);
        s.event.file = {static_cast<std::uint64_t>(integer("dev")),
                        static_cast<std::uint64_t>(integer("ino"))};
        s.event.size = static_cast<std::uint64_t>(integer("size"));
        s.event.path = text("path");
        s.event.old_path = text("old_path");
        s.operation = static_cast<std::uint64_t>(integer("op"));
        s.apply_path = text("apply");
        if (const std::string head = text("head"); doc["head"].error() == simdjson::SUCCESS) {
            auto bytes = from_base64(head);
            if (!bytes) return bad("head is not base64");
            s.bytes = std::make_shared<const Bytes>(std::move(*bytes));
        }
        if (const std::string tail = text("tail"); !tail.empty()) {
            auto bytes = from_base64(tail);
            if (!bytes) return bad("tail is not base64");
            s.tail = std::make_shared<const Bytes>(std::move(*bytes));
            s.tail_offset = static_cast<std::uint64_t>(integer("tail_offset"));
        }
        source->operations_ = std::max(source->operations_, s.operation);
        source->push(std::move(s));
    }
    return source;
}

}  // namespace vigie::guard
