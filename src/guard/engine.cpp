#include "guard/engine.hpp"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <csignal>

#include "guard/file_names.hpp"
#include "guard/monotonic_clock.hpp"

namespace vigie::guard {
namespace {

std::int64_t unix_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

std::string_view basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dirname_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// "dir/report.docx.xyz" is a copy of "dir/report.docx".
bool is_copy_of(std::string_view copy, std::string_view original) {
    return dirname_of(copy) == dirname_of(original) &&
           basename_of(copy).size() > basename_of(original).size() + 1 &&
           basename_of(copy).starts_with(basename_of(original)) &&
           basename_of(copy)[basename_of(original).size()] == '.';
}

// A new file whose content no program would recognise: random or base64 bytes of no known
// kind. Alone it is nothing (gpg writes such files); the original deleted next is the sign.
bool unrecognisable(const FileSample& sample) {
    if (sample.head.empty()) return false;
    const FileKind kind = sniff_file_kind(sample.head);
    const ByteStats stats = byte_stats(sample.head);
    if (kind == FileKind::kText) return stats.base64;  // base64 of ciphertext
    if (kind != FileKind::kUnknown) return false;
    // Below a kilobyte randomness cannot be measured; bytes of no known kind are enough,
    // since alone they decide nothing: the original deleted next to them does.
    return looks_random(stats) || stats.size < kMinRandomnessSample;
}

// The user slot of jobs whose user is unknown (never summed).
constexpr std::uint32_t kUnknownUser = 0xffffffffu;

// Bytes read of a new file at its close, and of a file an actor opens to read: the head
// says what kind it is and how its content looks, the tail whether its end marker is there.
// The same for both, so that a replacement compares like with like.
constexpr std::size_t kSmallHead = 8192;
constexpr std::size_t kSmallTail = 4096;
// Small samples kept (read files, new files): 12 KiB each at most.
constexpr std::size_t kSmallSamplesKept = 1024;
// Open events kept while their file is written (one descriptor each), so that a suspect's
// files can be judged before they are closed. Past this many, opens are not kept.
constexpr std::size_t kOpenFilesKept = 1024;
// A folder moved out of the trees counts as this many files moved out at most: a user who
// moves one large folder away is not an attack, several folders are.
constexpr std::size_t kMovedOutFilesCounted = 10;

}  // namespace

std::string utc_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm parts{};
    ::gmtime_r(&ts.tv_sec, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                       ts.tv_nsec / 1'000'000);
}

void Engine::SampleCache::put(const std::string& path, FileSample sample) {
    const std::uint64_t serial = ++next_serial;
    by_path.insert_or_assign(path, KeptSample{std::move(sample), serial});
    order.emplace_back(serial, path);
    while (order.size() > kSmallSamplesKept) {
        auto [oldest, oldest_path] = std::move(order.front());
        order.pop_front();
        // Only if that entry was not taken again since (a later sample of the same path).
        if (auto it = by_path.find(oldest_path); it != by_path.end() && it->second.serial == oldest)
            by_path.erase(it);
    }
}

std::optional<FileSample> Engine::SampleCache::take(const std::string& path) {
    auto it = by_path.find(path);
    if (it == by_path.end()) return std::nullopt;
    FileSample sample = std::move(it->second.sample);
    by_path.erase(it);
    return sample;
}

Engine::Engine(GuardConfig config, EventSource& source, ProcessControl& control, AlertSink& alerts,
               AllowList allow)
    : config_(std::move(config)),
      source_(source),
      control_(control),
      alerts_(alerts),
      allow_(std::move(allow)) {}

void Engine::handle(std::vector<FsEvent>& batch) {
    for (const FsEvent& e : batch) handle(e);
    if (journal_ != nullptr) journal_->flush();
}

void Engine::handle(const FsEvent& e) {
    ++stats_.events;
    bool answered = true;
    switch (e.kind) {
        case FsEventKind::kOpen:
            answered = on_open(e);
            break;
        case FsEventKind::kCloseWrite:
            on_close_write(e);
            break;
        case FsEventKind::kCreate:
            on_create(e);
            break;
        case FsEventKind::kDelete:
            on_delete(e);
            break;
        case FsEventKind::kRename:
            on_rename(e);
            break;
        case FsEventKind::kOverflow:
            on_overflow();
            break;
    }
    if (answered) source_.release(e);
    // A close judged, a job contained: held opens may go now, or be refused.
    if (!held_.empty() && e.kind != FsEventKind::kOpen) answer_held(monotonic_ns(), false);
}

Actor* Engine::actor_of(std::int32_t pid, bool refresh, const std::string& path) {
    if (pid <= 0 || pid == control_.own_pid()) return nullptr;
    auto cached = processes_.find(pid);
    const std::int64_t now = monotonic_ns();
    // Looked up again at an open when older than a second: a reused pid is another process
    // (new group, new program), and a new job may have left its parent's group. Within a
    // second, /proc is not read again for every file a process opens.
    if (cached == processes_.end() || (refresh && now - cached->second.seen_ns > 1'000'000'000)) {
        if (auto info = source_.process(pid)) {
            // The same process read again while it exits (a worker just killed) has lost its
            // executable link and its sockets: it stays the SMB worker it was, or its queued
            // events would fall to the file server's whole process group.
            if (cached != processes_.end() && cached->second.info.smb_worker &&
                cached->second.info.start_ticks == info->start_ticks) {
                info->smb_worker = true;
                if (info->smb_client.address.empty())
                    info->smb_client = cached->second.info.smb_client;
            }
            if (processes_.size() > 65536) processes_.clear();
            cached = processes_.insert_or_assign(pid, KnownProcess{std::move(*info), now}).first;
        }
    }
    ProcessInfo info;
    bool known = true;
    if (cached != processes_.end()) {
        info = cached->second.info;
    } else {
        // Gone before it could be looked at (an `mv` or `rm` of a script lives a millisecond):
        // the job that worked in the same folder a moment ago is the likely one. Otherwise a
        // job of its own, whose user is unknown.
        const auto recent = recent_folders_.find(std::string(dirname_of(path)));
        if (recent != recent_folders_.end() && now - recent->second.second < 5'000'000'000LL) {
            auto actor = actors_.find(recent->second.first);
            if (actor != actors_.end()) return &actor->second;
        }
        info.pid = info.process_group = pid;
        known = false;
    }
    if (info.process_group <= 0) info.process_group = pid;
    // Whatever /proc could still say of it: a process named smbd is never a job whose whole
    // group may be stopped (that group is the file server, every client's).
    if (is_samba_server_name(info.command)) info.smb_worker = true;
    // A Samba worker serves one client connection; its group is the whole file server's. Its
    // threads (Samba does I/O in a thread pool) are the one worker.
    if (info.smb_worker) info.process_group = info.process > 0 ? info.process : pid;
    if (!info.executable.empty() && !allow_.empty() && !info.smb_worker) {
        auto [verdict, inserted] = trusted_.try_emplace(info.executable, false);
        if (inserted) verdict->second = allow_.trusts(info.executable);
        if (verdict->second) return nullptr;
    }
    auto [it, created] = actors_.try_emplace(info.process_group);
    Actor& actor = it->second;
    if (created && info.smb_worker) {
        actor.id = fmt::format("smb-{}-{}", info.process_group, info.start_ticks);
        actor.process_group = info.process_group;
        actor.smb = true;
        actor.client = info.smb_client;
        // The worker's uid is Samba's (root, or whichever user it switched to for a
        // request): client sums stand for per-user ones.
        actor.uid = info.uid;
        actor.uid_known = false;
        actor.executable = info.executable;
        actor.command = info.command;
        if (journal_ != nullptr) journal_->set_actor_client(actor.id, actor.client.address);
    } else if (created) {
        actor.id = fmt::format("{}-{}", info.process_group, info.start_ticks);
        actor.process_group = info.process_group;
        actor.uid = info.uid;
        actor.uid_known = known;
        actor.executable = info.executable;
        actor.command = info.command;
        // The job is named after its leader (the shell or service that started it), not the
        // first of its processes to touch a file.
        if (pid != info.process_group) {
            if (auto leader = source_.process(info.process_group);
                leader && leader->process_group == info.process_group &&
                !leader->executable.empty()) {
                actor.executable = leader->executable;
                actor.command = leader->command;
            }
        }
    }
    if (pid == info.process_group && !info.executable.empty() && !actor.smb) {
        actor.executable = info.executable;  // the job's leader names it best
        actor.command = info.command;
    }
    actor.processes.insert(pid);
    if (!path.empty()) {
        if (recent_folders_.size() > 16384) recent_folders_.clear();
        recent_folders_[std::string(dirname_of(path))] = {actor.process_group, now};
    }
    return &actor;
}

bool Engine::on_open(const FsEvent& e) {
    ++stats_.opens;
    Actor* actor = actor_of(e.pid, true, e.path);
    // A suspect asks for another file: first, what it did to those it has open already.
    if (actor != nullptr && actor->score > 0 && !actor->contained && e.for_writing)
        judge_open_files(*actor, e);
    if (refused(actor, e)) {
        ++stats_.denied;
        source_.answer(e, false);
        return true;
    }
    // Pacing: an existing file opened for writing while the job already has its share open
    // waits until one of those is closed and judged (or the hold limit passes).
    if (actor != nullptr && config_.writes_in_flight > 0 && !config_.dry_run && e.for_writing &&
        !e.is_directory && e.size > 0 && e.file.known()) {
        const bool queued = std::any_of(held_.begin(), held_.end(), [&](const HeldOpen& h) {
            return h.actor == actor->process_group;
        });
        if (queued || !may_write_now(*actor)) {
            held_.push_back({e, actor->process_group, monotonic_ns()});
            ++stats_.held;
            return false;
        }
    }
    return !admit_open(e, actor, false);
}

bool Engine::admit_open(const FsEvent& e, Actor* actor, bool was_held) {
    const bool existing_for_writing =
        actor != nullptr && e.for_writing && !e.is_directory && e.size > 0;
    bool kept = false;
    if (journal_ != nullptr && existing_for_writing) {
        // Before the writer gets the file: its content is safe in the journal first.
        const auto read = [&](std::uint64_t offset, std::span<std::uint8_t> out) {
            return source_.read_file(e, offset, out);
        };
        auto kept = journal_->keep_content(actor->id, e, read, source_.file_reference(e));
        if (!kept) ++stats_.journal_errors;
    }
    if (actor != nullptr && e.for_writing && !e.is_directory && e.file.known()) {
        auto key = std::make_pair(e.file.device, e.file.inode);
        auto it = samples_.find(key);
        if (it == samples_.end()) {
            if (samples_.size() > 16384) samples_.clear();  // closes lost: start over
            auto sample = take_sample(source_, e, e.size);
            if (sample) {
                ++stats_.samples;
                it = samples_
                         .emplace(key,
                                  Sample{std::move(*sample), std::string(basename_of(e.path)), 0})
                         .first;
            } else {
                ++stats_.read_errors;
            }
        }
        if (it != samples_.end()) ++it->second.writers;
        if (existing_for_writing) {
            ++actor->writing[key];
            ++actor->writes_in_flight;
            if (!actor->smb && actor->uid_known) ++user_pace_[actor->uid].writes_in_flight;
            if (open_files_.size() < kOpenFilesKept && !open_files_.contains(key)) {
                open_files_.emplace(key, OpenFile{e, actor->process_group});
                kept = true;
            }
        }
    }
    source_.answer(e, true);
    const std::int64_t waited_us = (monotonic_ns() - e.time_ns) / 1000;
    // After the answer: the reader does not wait for it.
    if (actor != nullptr && !e.for_writing && !e.is_directory && e.size > 0) keep_read_sample(e);
    if (was_held) return kept;  // it waited on purpose: not the guard's slowness
    stats_.slowest_answer_us = std::max(stats_.slowest_answer_us, waited_us);
    const std::int64_t now = monotonic_ns();
    if (e.time_ns > 0 && waited_us > config_.watchdog.count() &&
        now - last_watchdog_ns_ > 60'000'000'000LL) {
        // A slow guard makes every writer wait: say so, at most once a minute.
        last_watchdog_ns_ = now;
        Alert notice;
        notice.type = "watchdog";
        notice.time = utc_now();
        notice.message = fmt::format("answering an open took {} ms (limit {} ms)", waited_us / 1000,
                                     config_.watchdog.count() / 1000);
        alerts_.emit(notice);
        ++stats_.alerts;
    }
    return kept;
}

void Engine::on_close_write(const FsEvent& e) {
    Actor* actor = actor_of(e.pid, false, e.path);
    const auto key = std::make_pair(e.file.device, e.file.inode);
    auto sample = samples_.find(key);
    std::optional<Sample> before;
    if (sample != samples_.end()) {
        before = sample->second;
        if (--sample->second.writers <= 0) samples_.erase(sample);
    }
    if (auto open = open_files_.find(key); open != open_files_.end()) {
        source_.release(open->second.event);
        open_files_.erase(open);
    }
    if (actor == nullptr || e.is_directory) return;
    bool paced = false;
    if (auto writing = actor->writing.find(key); writing != actor->writing.end()) {
        paced = true;
        if (--writing->second <= 0) actor->writing.erase(writing);
        --actor->writes_in_flight;
        if (!actor->smb && actor->uid_known) --user_pace_[actor->uid].writes_in_flight;
    }
    actor->touched.insert(e.path);
    read_samples_.forget(e.path);  // what it held when read is no longer what it holds
    const FileSample* was = before && before->before.size > 0 ? &before->before : nullptr;
    // A new file has nothing to compare with: its first bytes say whether it is
    // unrecognisable, and it may yet replace another file by rename.
    auto after = was != nullptr ? take_sample(source_, e, e.size)
                                : take_sample(source_, e, e.size, kSmallHead, kSmallTail);
    if (!after) {
        ++stats_.read_errors;
        return;
    }
    if (was == nullptr) {
        // Renamed over another file before this close was seen: judged now.
        if (auto pending = pending_replacements_.find(e.path);
            pending != pending_replacements_.end()) {
            const PendingReplacement replaced = std::move(pending->second);
            pending_replacements_.erase(pending);
            judge_replacement(*actor, replaced.before, *after, replaced.from, e.path, e);
        } else {
            new_files_.put(e.path, *after);
        }
    }
    ++stats_.closes_assessed;
    const std::string_view name_after = basename_of(e.path);
    const std::string_view name_before = before ? std::string_view(before->name) : name_after;
    ChangeEvidence evidence =
        compare_samples(was, *after, name_before, name_after, config_.weights);
    std::string deleted_original;
    if (was == nullptr && unrecognisable(*after)) {
        actor->opaque_copies[e.path] = std::string(dirname_of(e.path));
        for (const std::string& gone : actor->recent_deletes)
            if (is_copy_of(e.path, gone)) deleted_original = gone;
    }
    // A change judged harmless earns the job (and its user) more files in flight at once.
    if (paced && was != nullptr && evidence.parts.empty()) {
        ++actor->harmless_changes;
        if (!actor->smb && actor->uid_known) ++user_pace_[actor->uid].harmless_changes;
    }
    if (config_.decoys.contains(e.path))
        evidence.parts.push_back({"decoy_written", "a decoy file was written: " + e.path,
                                  config_.weights.decoy_written});
    add_evidence(*actor, e.path, evidence.parts, e);
    if (!deleted_original.empty()) pair_copy_with_original(*actor, e.path, deleted_original, e);
    // Suspect now: its other files in flight are judged as they are, not when it closes them.
    if (actor->score > 0 && !actor->contained) judge_open_files(*actor, e);
}

void Engine::on_create(const FsEvent& e) {
    if (e.is_directory) (void)source_.watch_directory(e.path);
    Actor* actor = actor_of(e.pid, false, e.path);
    if (journal_ != nullptr) journal_->created(actor ? actor->id : "", e.path, e.is_directory);
    if (actor == nullptr || e.is_directory) return;
    actor->touched.insert(e.path);
    const std::string_view name = basename_of(e.path);
    if (is_ransom_note_name(name)) {
        const ChangeEvidence evidence = assess_change({}, {name, {}, {}}, config_.weights);
        add_evidence(*actor, e.path, evidence.parts, e);
    }
}

// "report.docx" deleted by the actor that wrote an unrecognisable "report.docx.xyz" beside
// it: the original was replaced by an encrypted copy. The two events come from different
// fanotify queues, so either may be seen first: each side looks for the other.
void Engine::pair_copy_with_original(Actor& actor, const std::string& copy,
                                     const std::string& original, const FsEvent& cause) {
    ChangeEvidence names = assess_change({basename_of(original), {}, {}},
                                         {basename_of(copy), {}, {}}, config_.weights);
    std::vector<EvidencePart> parts = std::move(names.parts);
    parts.push_back({"replaced_by_copy",
                     fmt::format("original {} deleted after an unrecognisable copy was written",
                                 basename_of(original)),
                     config_.weights.became_random + config_.weights.structure_lost});
    actor.opaque_copies.erase(copy);
    actor.recent_deletes.erase(original);
    add_evidence(actor, copy, parts, cause);
}

void Engine::on_delete(const FsEvent& e) {
    Actor* actor = actor_of(e.pid, false, e.path);
    if (actor != nullptr && !e.is_directory) {
        // What it held, should a new file take its name next (before the journal forgets
        // which inode the name had).
        DeletedFile gone;
        if (journal_ != nullptr) gone.link = journal_->link_of(e.path);
        gone.sample = read_samples_.take(e.path);
        if (!gone.link.empty() || gone.sample) {
            if (deleted_files_.size() >= kSmallSamplesKept) deleted_files_.clear();
            deleted_files_[e.path] = std::move(gone);
        }
    }
    if (journal_ != nullptr) journal_->deleted(actor ? actor->id : "", e.path, e.is_directory);
    read_samples_.forget(e.path);
    new_files_.forget(e.path);
    pending_replacements_.erase(e.path);
    if (actor == nullptr || e.is_directory) return;
    actor->touched.insert(e.path);
    if (config_.decoys.contains(e.path))
        add_evidence(*actor, e.path,
                     {{"decoy_moved", "a decoy file was deleted", config_.weights.decoy_moved}}, e);
    for (const auto& [copy, dir] : actor->opaque_copies) {
        if (is_copy_of(copy, e.path)) {
            pair_copy_with_original(*actor, std::string(copy), e.path, e);
            return;
        }
    }
    if (actor->recent_deletes.size() >= 256)
        actor->recent_deletes.erase(actor->recent_deletes.begin());
    actor->recent_deletes.insert(e.path);
}

void Engine::on_rename(const FsEvent& e) {
    if (e.is_directory) (void)source_.watch_directory(e.path);
    Actor* actor = actor_of(e.pid, false, e.path);
    // Read before the journal learns the new name: its links say what each name held.
    std::optional<FileSample> replaced;
    std::optional<FileSample> incoming;
    bool own_new_file = false;
    if (actor != nullptr && !e.is_directory && !e.old_path.empty()) {
        // Only a file this actor created or wrote replacing another is judged: a plain move
        // of an old file over another is no rewrite.
        own_new_file = actor->touched.contains(e.old_path);
        if (own_new_file) replaced = replaced_content(e.path);
        if (replaced) incoming = incoming_content(e.old_path, e.path);
    }
    if (journal_ != nullptr && !e.old_path.empty())
        journal_->renamed(actor ? actor->id : "", e.old_path, e.path, e.is_directory);
    read_samples_.forget(e.old_path);
    read_samples_.forget(e.path);
    new_files_.forget(e.old_path);
    if (actor == nullptr) return;
    // Out of the trees, the files are still watched (their inodes are), and the journal
    // knows where they went; but a tree emptied by renames is itself a sign.
    if (!e.old_path.empty() && !root_of(e.old_path).empty() && root_of(e.path).empty()) {
        const std::size_t files =
            e.is_directory ? source_.changed_since(e.path, 0, kMovedOutFilesCounted).size() : 1;
        if (files > 0)
            add_evidence(*actor, e.old_path,
                         {{"moved_out",
                           fmt::format("moved out of the protected tree to {} ({} file{})", e.path,
                                       files, files == 1 ? "" : "s"),
                           config_.weights.moved_out * static_cast<int>(files)}},
                         e);
    }
    if (e.is_directory) return;
    actor->rename_file(e.old_path, e.path);
    actor->touched.insert(e.path);
    if (auto copy = actor->opaque_copies.find(e.old_path); copy != actor->opaque_copies.end()) {
        std::string dir = copy->second;
        actor->opaque_copies.erase(copy);
        actor->opaque_copies[e.path] = std::move(dir);
    }
    ChangeEvidence evidence = assess_change({basename_of(e.old_path), {}, {}},
                                            {basename_of(e.path), {}, {}}, config_.weights);
    if (config_.decoys.contains(e.old_path))
        evidence.parts.push_back({"decoy_moved", "a decoy file was renamed: " + e.old_path,
                                  config_.weights.decoy_moved});
    add_evidence(*actor, e.path, evidence.parts, e);
    if (replaced && incoming) {
        judge_replacement(*actor, *replaced, *incoming, e.old_path, e.path, e);
    } else if (replaced && own_new_file) {
        // Its writer has not closed it yet (or that close is still queued).
        if (pending_replacements_.size() >= kSmallSamplesKept) pending_replacements_.clear();
        pending_replacements_[e.path] = {std::move(*replaced), e.old_path};
    }
}

void Engine::keep_read_sample(const FsEvent& e) {
    // The journal's link keeps the whole file, whatever comes: no sample needed.
    if (journal_ != nullptr && !journal_->link_of(e.path).empty()) return;
    auto sample = take_sample(source_, e, e.size, kSmallHead, kSmallTail);
    if (!sample) {
        ++stats_.read_errors;
        return;
    }
    read_samples_.put(e.path, std::move(*sample));
}

std::optional<FileSample> Engine::linked_sample(const std::string& path) {
    if (journal_ == nullptr) return std::nullopt;
    const std::string link = journal_->link_of(path);
    if (link.empty()) return std::nullopt;
    return sample_link(link);
}

std::optional<FileSample> Engine::sample_link(const std::string& link) {
    auto size = journal_->linked_size(link);
    if (!size) return std::nullopt;
    const SampleReader read = [&](std::uint64_t offset, std::span<std::uint8_t> out) {
        return journal_->read_linked(link, offset, out);
    };
    auto sample = take_sample(read, *size, kSmallHead, kSmallTail);
    if (!sample) {
        ++stats_.read_errors;
        return std::nullopt;
    }
    return std::move(*sample);
}

std::optional<FileSample> Engine::replaced_content(const std::string& path) {
    if (auto linked = linked_sample(path)) return linked;
    if (auto read = read_samples_.take(path)) return read;
    auto deleted = deleted_files_.find(path);
    if (deleted == deleted_files_.end()) return std::nullopt;
    DeletedFile gone = std::move(deleted->second);
    deleted_files_.erase(deleted);
    if (!gone.link.empty())
        if (auto linked = sample_link(gone.link)) return linked;
    return std::move(gone.sample);
}

std::optional<FileSample> Engine::incoming_content(const std::string& from, const std::string& to) {
    // Its close seen before the rename, under either name (the name is read from the
    // descriptor when the close is drained, which may be after the rename).
    if (auto closed = new_files_.take(from)) return closed;
    if (auto closed = new_files_.take(to)) return closed;
    return linked_sample(from);
}

void Engine::judge_replacement(Actor& actor, const FileSample& before, const FileSample& after,
                               const std::string& from, const std::string& to,
                               const FsEvent& cause) {
    ++stats_.replacements_assessed;
    const std::string_view name = basename_of(to);
    ChangeEvidence evidence = compare_samples(&before, after, name, name, config_.weights);
    for (EvidencePart& part : evidence.parts)
        part.reason = fmt::format("replaced by {} (rename): {}", basename_of(from), part.reason);
    if (config_.decoys.contains(to))
        evidence.parts.push_back(
            {"decoy_written", "a decoy file was replaced: " + to, config_.weights.decoy_written});
    add_evidence(actor, to, evidence.parts, cause);
}

void Engine::on_overflow() {
    ++stats_.overflows;
    // Events were lost: directories created meanwhile may be unwatched, files changed
    // meanwhile were not assessed. Watch every tree again and list what changed recently.
    std::vector<std::string> changed;
    const std::int64_t since = unix_ns() - std::chrono::nanoseconds(config_.window).count();
    for (const std::string& root : config_.protected_roots) {
        (void)source_.watch_directory(root);
        for (std::string& path : source_.changed_since(root, since, SIZE_MAX))
            changed.push_back(std::move(path));
    }
    Alert notice;
    notice.type = "overflow";
    notice.time = utc_now();
    notice.message = fmt::format(
        "the kernel's event queue overflowed: events were lost; directories watched again; "
        "{} files changed in the last {} s",
        changed.size(), config_.window.count());
    for (const std::string& path : changed) {
        const ChangeEvidence names =
            assess_change({}, {basename_of(path), {}, {}}, config_.weights);
        FileEvidence f{path, names.score, names.parts};
        if (is_ransomware_extension(extension_of(basename_of(path)))) {
            f.parts.push_back({"ransomware_extension", "name with a ransomware extension",
                               config_.weights.ransomware_extension});
            f.score += config_.weights.ransomware_extension;
        }
        notice.files.push_back(std::move(f));
    }
    notice.files_touched = changed.size();
    alerts_.emit(notice);
    ++stats_.alerts;
}

int Engine::window_sum(std::deque<Points>& points, std::int64_t now_ns) const {
    const std::int64_t horizon = now_ns - std::chrono::nanoseconds(config_.window).count();
    while (!points.empty() && points.front().time_ns < horizon) points.pop_front();
    int sum = 0;
    for (const Points& p : points) sum += p.points;
    return sum;
}

std::string Engine::root_of(const std::string& path) const {
    std::string best;
    for (const std::string& root : config_.protected_roots) {
        if (path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/') &&
            root.size() > best.size())
            best = root;
    }
    return best;
}

void Engine::add_evidence(Actor& actor, const std::string& path,
                          const std::vector<EvidencePart>& parts, const FsEvent& cause) {
    const int added = actor.add_evidence(path, parts);
    if (added <= 0) return;
    actor.last_event_ns = cause.time_ns;
    if (!actor.contained && actor.score >= config_.actor_threshold)
        contain(actor, actor.smb ? "SMB session" : "process tree", actor.score,
                config_.actor_threshold, cause);
    if (!actor.contained && actor.uid_known && contained_users_.contains(actor.uid))
        contain(actor, "user", actor.score, config_.user_threshold, cause);
    if (!actor.contained && actor.smb && blocked_clients_.contains(actor.client.address))
        contain(actor, "client machine", actor.score, config_.client_threshold, cause);

    // The same user's jobs together, then everyone's work in the same tree.
    // A job whose user could not be read does not count towards any user.
    auto& user = user_points_[actor.uid_known ? actor.uid : kUnknownUser];
    if (actor.uid_known) user.push_back({cause.time_ns, added, actor.process_group});
    const int user_sum = actor.uid_known ? window_sum(user, cause.time_ns) : 0;
    auto& tree = tree_points_[root_of(path)];
    tree.push_back({cause.time_ns, added, actor.process_group});
    const int tree_sum = window_sum(tree, cause.time_ns);
    auto contain_all = [&](const std::deque<Points>& points, const char* scope, int sum,
                           int threshold) {
        for (const Points& p : points) {
            auto other = actors_.find(p.actor);
            if (other != actors_.end() && !other->second.contained && other->second.score > 0)
                contain(other->second, scope, sum, threshold, cause);
        }
    };
    if (user_sum >= config_.user_threshold) {
        contained_users_.insert(actor.uid);
        contain_all(user, "user", user_sum, config_.user_threshold);
    }
    // The sessions of one client machine together: ransomware that opens several
    // connections (or reconnects) is one attacker.
    if (actor.smb && !actor.client.address.empty()) {
        auto& client = client_points_[actor.client.address];
        client.push_back({cause.time_ns, added, actor.process_group});
        const int client_sum = window_sum(client, cause.time_ns);
        if (client_sum >= config_.client_threshold)
            contain_all(client, "client machine", client_sum, config_.client_threshold);
    }
    if (tree_sum >= config_.tree_threshold)
        contain_all(tree, "protected tree", tree_sum, config_.tree_threshold);
}

void Engine::contain(Actor& actor, const std::string& scope, int score, int threshold,
                     const FsEvent& cause) {
    actor.contained = true;
    Alert alert;
    alert.type = "ransomware";
    alert.actor = actor.id;
    alert.scope = scope;
    alert.score = score;
    alert.threshold = threshold;
    alert.process_group = actor.process_group;
    alert.uid = actor.uid;
    alert.executable = actor.executable;
    alert.command = actor.command;
    if (actor.smb) {
        alert.process_group = 0;
        alert.client = actor.client.address.empty() ? "?" : actor.client.address;
    }
    if (config_.dry_run) {
        alert.action = "none (dry run)";
        if (actor.smb) alert.block = "none (dry run)";
    } else if (actor.smb) {
        end_session(actor, alert, cause);
    } else {
        // Suspend everything first: a stopped process writes nothing more, whatever the kill
        // policy then says.
        const std::set<std::int32_t> stopped =
            signal_tree(control_, actor.process_group, actor.processes, SIGSTOP);
        if (cause.time_ns > 0)
            alert.response_us = std::max<std::int64_t>(0, (monotonic_ns() - cause.time_ns) / 1000);
        alert.processes.assign(stopped.begin(), stopped.end());
        if (config_.policy == ContainPolicy::kKill) {
            signal_tree(control_, actor.process_group, stopped, SIGKILL);
            alert.action = "suspended, killed";
        } else {
            alert.action = "suspended";
        }
    }
    if (actor.smb) {
        describe_session(actor);
        alert.smb_user = actor.session.user;
        alert.share = actor.session.share;
    }
    alert.time = utc_now();
    alert.files = actor.evidence();
    alert.files_touched = actor.touched.size();
    if (actor.smb) {
        alert.message = fmt::format(
            "SMB client {} (user {}, share {}) changed files the way ransomware does: score {} "
            "of {} ({}); {}; client {}",
            alert.client, alert.smb_user.empty() ? "?" : alert.smb_user,
            alert.share.empty() ? "?" : alert.share, score, threshold, scope, alert.action,
            alert.block);
    } else {
        alert.message = fmt::format(
            "{} ({}) changed files the way ransomware does: score {} of {} ({})",
            actor.command.empty() ? "process group " + std::to_string(actor.process_group)
                                  : actor.command,
            actor.executable, score, threshold, scope);
    }
    alerts_.emit(alert);
    ++stats_.alerts;
}

void Engine::describe_session(Actor& actor) {
    if (actor.session_asked) return;
    actor.session_asked = true;
    if (auto details = source_.smb_session(actor.process_group))
        actor.session = std::move(*details);
}

// The worker is suspended first (it writes nothing more), the client's address is refused
// new connections, and only then is the worker killed: a Windows client reconnects within a
// second of losing its session, and would find the door open otherwise. Other clients' workers
// are siblings in the same process group and are never signalled.
void Engine::end_session(Actor& actor, Alert& alert, const FsEvent& cause) {
    const std::int32_t worker = actor.process_group;
    const std::set<std::int32_t> stopped = signal_tree(control_, 0, {worker}, SIGSTOP);
    if (cause.time_ns > 0)
        alert.response_us = std::max<std::int64_t>(0, (monotonic_ns() - cause.time_ns) / 1000);
    alert.processes.assign(stopped.begin(), stopped.end());
    // Who it was, asked of Samba while the stopped worker's session is still registered
    // (about 80 ms: here, not before the decision, where every other writer would wait).
    describe_session(actor);
    if (actor.client.address.empty()) {
        alert.block = "not blocked: its address is unknown";
    } else if (config_.block_for.count() <= 0) {
        alert.block = "not blocked (--block-minutes 0)";
    } else if (blocked_clients_.contains(actor.client.address)) {
        alert.block = "blocked already";
    } else if (auto blocked = control_.block_client(worker, actor.client, config_.block_for)) {
        blocked_clients_.insert(actor.client.address);
        alert.block = fmt::format("blocked for {} s", config_.block_for.count());
    } else {
        alert.block = "not blocked: " + blocked.error().to_string();
    }
    if (config_.policy == ContainPolicy::kKill) {
        signal_tree(control_, 0, stopped, SIGKILL);
        alert.action = "session ended";
    } else {
        alert.action = "session suspended";
    }
}

}  // namespace vigie::guard
