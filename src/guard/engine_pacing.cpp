// guard/engine_pacing.cpp - the engine's pacing (engine.hpp, GuardConfig::writes_in_flight):
// which held opens may go now, which are refused, which waited long enough; and a suspect's
// files still open, judged before they are closed.
#include <algorithm>
#include <chrono>
#include <set>
#include <string_view>

#include "guard/engine.hpp"
#include "guard/monotonic_clock.hpp"

namespace vigie::guard {

void Engine::tick() {
    if (!held_.empty()) answer_held(monotonic_ns(), false);
}

void Engine::release_held() {
    if (!held_.empty()) answer_held(monotonic_ns(), true);
    release_open_files();
}

std::int64_t Engine::write_limit(int harmless) const {
    return static_cast<std::int64_t>(config_.writes_in_flight) << std::min(harmless, 20);
}

bool Engine::may_write_now(const Actor& actor) const {
    // A suspect (some evidence already) has one change in flight at a time: the next waits
    // until that one is judged, which may be the one that stops it.
    const std::int64_t own_limit = actor.score > 0 ? 1 : write_limit(actor.harmless_changes);
    if (actor.writes_in_flight >= own_limit) return false;
    if (actor.smb || !actor.uid_known) return true;
    const auto user = user_pace_.find(actor.uid);
    if (user == user_pace_.end()) return true;
    const auto points = user_points_.find(actor.uid);
    const bool suspect = points != user_points_.end() && !points->second.empty() &&
                         points->second.back().time_ns >=
                             monotonic_ns() - std::chrono::nanoseconds(config_.window).count();
    const std::int64_t user_limit = suspect ? 1 : write_limit(user->second.harmless_changes);
    return user->second.writes_in_flight < user_limit;
}

bool Engine::refused(const Actor* actor, const FsEvent& e) const {
    if (actor == nullptr || config_.dry_run) return false;
    // A contained actor's process that was not stopped yet (or was resumed) gets no file; nor
    // does a contained user's new process that wants to write (root excepted: an account that
    // administers the machine cannot be shut out, its new jobs are stopped at first evidence).
    const bool user_shut_out =
        e.for_writing && (actor->smb ? blocked_clients_.contains(actor->client.address)
                                     : actor->uid != 0 && contained_users_.contains(actor->uid));
    return actor->contained || user_shut_out;
}

void Engine::answer_held(std::int64_t now_ns, bool force) {
    const std::int64_t limit_ns = std::chrono::nanoseconds(config_.hold_limit).count();
    std::set<std::int32_t> still_waiting;  // an actor's opens go in the order they came
    for (auto it = held_.begin(); it != held_.end();) {
        auto found = actors_.find(it->actor);
        Actor* actor = found == actors_.end() ? nullptr : &found->second;
        const FsEvent& e = it->event;
        if (refused(actor, e)) {
            ++stats_.denied;
            source_.answer(e, false);
        } else if (force || actor == nullptr ||
                   (!still_waiting.contains(it->actor) && may_write_now(*actor))) {
            if (admit_open(e, actor, true)) {
                it = held_.erase(it);  // kept while its file is written
                continue;
            }
        } else if (now_ns - it->since_ns >= limit_ns) {
            // Its earlier files are still open (a program that keeps one open while it
            // writes the next): waiting longer would only stall it.
            ++stats_.held_too_long;
            if (admit_open(e, actor, true)) {
                it = held_.erase(it);
                continue;
            }
        } else {
            still_waiting.insert(it->actor);
            ++it;
            continue;
        }
        source_.release(e);
        it = held_.erase(it);
    }
}

void Engine::judge_open_files(Actor& actor, const FsEvent& cause) {
    for (auto& [key, open] : open_files_) {
        if (actor.contained) return;
        if (open.actor != actor.process_group) continue;
        const auto before = samples_.find(key);
        if (before == samples_.end() || before->second.before.size == 0) continue;
        auto now = take_sample(source_, open.event, open.event.size);
        if (!now) {
            ++stats_.read_errors;
            continue;
        }
        // Shorter than at its open: truncated and being written anew. Its end is not there
        // yet, which says nothing: it is judged at its close.
        const std::size_t expected = static_cast<std::size_t>(
            std::min<std::uint64_t>(open.event.size, before->second.before.head.size()));
        if (now->head.size() < expected || now->tail.size() < before->second.before.tail.size())
            continue;
        ++stats_.open_files_judged;
        const std::string_view path = open.event.path;
        const std::string_view name = path.substr(path.rfind('/') + 1);
        ChangeEvidence evidence = compare_samples(&before->second.before, *now, before->second.name,
                                                  name, config_.weights);
        if (evidence.parts.empty()) continue;
        for (EvidencePart& part : evidence.parts) part.reason = "still open: " + part.reason;
        add_evidence(actor, open.event.path, evidence.parts, cause);
    }
}

void Engine::release_open_files() {
    for (auto& [key, open] : open_files_) source_.release(open.event);
    open_files_.clear();
}

}  // namespace vigie::guard
