// guard/engine.hpp - the guard's decisions: file events in, evidence per actor, containment
// and alerts out.
//
//   guard::Engine engine(config, source, control, alerts);
//   std::vector<guard::FsEvent> batch;
//   while (source.read(batch, 100ms)) { engine.handle(batch); batch.clear(); }
//
// Per event:
//  - an open for writing keeps a sample of the file (file_sample.hpp), then is allowed; an
//    open by a contained actor is denied;
//  - a close after writing compares the file with its sample: the evidence goes to the actor;
//  - creates, renames and deletes give name evidence (ransom notes, ransomware extensions)
//    and pair an unrecognisable new copy with the original the actor then deletes;
//  - a rename of a new file over an existing one (an atomic replace: how editors and office
//    suites save, and how some ransomware encrypts) is judged as a rewrite of the replaced
//    file: the content that took the name against the content it replaced, the former from
//    the new file's close (or its journal link), the latter from the journal's link to the
//    replaced inode, or without a journal from the sample kept when it was last opened.
//    The rename alone is no evidence.
// Scores add up per actor (process group, or SMB session), per user, per SMB client machine
// and per protected tree, the last three within a time window: an attack split over unrelated
// processes, several users or several connections is still one attack. Crossing a threshold
// suspends every process involved, then kills them (policy). An SMB session is different: its
// worker alone is suspended, the client's address is refused new connections for a while,
// then the worker is killed, which ends that client's session and no one else's.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "guard/actor.hpp"
#include "guard/alert.hpp"
#include "guard/allow_list.hpp"
#include "guard/event_source.hpp"
#include "guard/file_sample.hpp"
#include "guard/journal.hpp"
#include "guard/process_control.hpp"

namespace vigie::guard {

enum class ContainPolicy : unsigned char {
    kKill,     ///< suspend the whole tree at once, then kill it
    kSuspend,  ///< leave it suspended for a person to inspect (kill -CONT or -KILL)
};

struct GuardConfig {
    std::vector<std::string> protected_roots;  ///< absolute, without a trailing slash
    int actor_threshold = 100;
    int user_threshold = 150;
    int tree_threshold = 250;
    /// An SMB client machine's sessions together. As low as one session's: several
    /// connections from one machine are one attacker, as a job's processes are one job.
    int client_threshold = 100;
    std::chrono::seconds block_for{600};  ///< an SMB client is refused this long (0: never)
    std::chrono::seconds window{600};     ///< user and tree scores count this far back
    bool dry_run = false;                 ///< alert only: no signal, no denial
    ContainPolicy policy = ContainPolicy::kKill;
    EvidenceWeights weights;
    std::set<std::string> decoys;  ///< decoy files (decoys.hpp): any change is evidence
    std::chrono::microseconds watchdog{500'000};  ///< slower answers raise a notice
    /// Pacing: how many existing files a job (and a user's jobs together) may have open for
    /// writing at once before any of its changes was judged, doubled by each change judged
    /// harmless. Further opens wait until one of those closes and is judged, at most
    /// `hold_limit`. A job of eight parallel workers thus loses the two files in flight, not
    /// eight; a program that writes one file at a time never waits. 0 turns pacing off.
    /// While opens wait, the suspect's files in flight are judged as they are (a Samba
    /// worker, whose opens and closes share one thread, closes nothing while one waits).
    int writes_in_flight = 2;
    std::chrono::milliseconds hold_limit{500};
};

struct EngineStats {
    std::uint64_t events = 0;
    std::uint64_t opens = 0;
    std::uint64_t denied = 0;
    std::uint64_t held = 0;               ///< opens that waited for a job's earlier changes
    std::uint64_t held_too_long = 0;      ///< of which let through at the hold limit
    std::uint64_t open_files_judged = 0;  ///< a suspect's files judged before their close
    std::uint64_t samples = 0;
    std::uint64_t closes_assessed = 0;
    std::uint64_t replacements_assessed = 0;  ///< renames of a new file over another
    std::uint64_t overflows = 0;
    std::uint64_t alerts = 0;
    std::uint64_t read_errors = 0;
    std::uint64_t journal_errors = 0;
    std::int64_t slowest_answer_us = 0;
};

class Engine {
  public:
    Engine(GuardConfig config, EventSource& source, ProcessControl& control, AlertSink& alerts,
           AllowList allow = {});

    /// Handles a batch in order; answers every permission event and releases every event
    /// (a held open: once it is answered, in a later call).
    void handle(std::vector<FsEvent>& batch);
    void handle(const FsEvent& event);

    /// Answers held opens whose wait reached the hold limit (call it often while holding()).
    void tick();
    bool holding() const noexcept { return !held_.empty(); }
    /// Answers every held open now and lets go of the open files it keeps (the guard stops,
    /// or a replay is stalled on them).
    void release_held();

    /// Keep what untrusted actors change (journal.hpp) so `vigie restore` can undo it.
    void set_journal(Journal* journal) noexcept { journal_ = journal; }

    const EngineStats& stats() const noexcept { return stats_; }
    const std::map<std::int32_t, Actor>& actors() const noexcept { return actors_; }

  private:
    struct Sample {
        FileSample before;
        std::string name;  ///< basename at the open
        int writers = 0;
    };
    struct Points {
        std::int64_t time_ns;
        int points;
        std::int32_t actor;
    };

    /// Returns false when the open is held (answered and released later).
    bool on_open(const FsEvent& e);
    /// Keeps what the journal and the comparison need, then lets the open through.
    /// `was_held`: it waited on purpose (not counted as the guard's slowness). Returns true
    /// when the event is kept while its file is written (released at its close).
    bool admit_open(const FsEvent& e, Actor* actor, bool was_held);
    /// A suspect's files still open for writing, judged as they are now (the descriptors of
    /// their opens read them): its workers in flight are seen before they close anything.
    void judge_open_files(Actor& actor, const FsEvent& cause);
    void release_open_files();
    /// An open the actor may not have at all (contained, its user or client shut out).
    bool refused(const Actor* actor, const FsEvent& e) const;
    /// Whether `actor` (and its user) may have one more existing file open for writing.
    bool may_write_now(const Actor& actor) const;
    /// Answers held opens that may go now; `force`: all of them.
    void answer_held(std::int64_t now_ns, bool force);
    std::int64_t write_limit(int harmless) const;
    void on_close_write(const FsEvent& e);
    void on_create(const FsEvent& e);
    void on_delete(const FsEvent& e);
    void on_rename(const FsEvent& e);
    void on_overflow();
    /// A file read by an actor: keeps a small sample of it, what it held before a new file
    /// replaces it by rename (when no journal link holds it).
    void keep_read_sample(const FsEvent& e);
    /// What the file named `path` holds before a rename over it (or held, deleted just
    /// before): the journal's link, else the sample kept when it was read.
    std::optional<FileSample> replaced_content(const std::string& path);
    /// What the new file renamed from `from` to `to` holds: its close's sample, else its link.
    std::optional<FileSample> incoming_content(const std::string& from, const std::string& to);
    /// A small sample of a file through the journal's link to it (`link`: that link).
    std::optional<FileSample> linked_sample(const std::string& path);
    std::optional<FileSample> sample_link(const std::string& link);
    void judge_replacement(Actor& actor, const FileSample& before, const FileSample& after,
                           const std::string& from, const std::string& to, const FsEvent& cause);
    void pair_copy_with_original(Actor& actor, const std::string& copy, const std::string& original,
                                 const FsEvent& cause);

    /// The actor of a process, or null for the guard itself and trusted programs.
    Actor* actor_of(std::int32_t pid, bool refresh, const std::string& path);
    /// Adds evidence, updates user and tree sums, contains whoever crossed a threshold.
    void add_evidence(Actor& actor, const std::string& path, const std::vector<EvidencePart>& parts,
                      const FsEvent& cause);
    void contain(Actor& actor, const std::string& scope, int score, int threshold,
                 const FsEvent& cause);
    /// The SMB side of contain(): the worker alone, the client blocked first.
    void end_session(Actor& actor, Alert& alert, const FsEvent& cause);
    /// The user and share of an SMB actor's session, asked of Samba once.
    void describe_session(Actor& actor);
    int window_sum(std::deque<Points>& points, std::int64_t now_ns) const;
    std::string root_of(const std::string& path) const;

    GuardConfig config_;
    EventSource& source_;
    ProcessControl& control_;
    AlertSink& alerts_;
    AllowList allow_;
    Journal* journal_ = nullptr;
    struct KnownProcess {
        ProcessInfo info;
        std::int64_t seen_ns = 0;  ///< when /proc was read
    };
    std::map<std::int32_t, KnownProcess> processes_;  ///< by pid, refreshed at opens
    std::map<std::int32_t, Actor> actors_;            ///< by process group (SMB: by worker pid)
    std::map<std::pair<std::uint64_t, std::uint64_t>, Sample> samples_;  ///< by (dev, inode)
    /// Small samples in the order they were taken, by path; the oldest go first past a bound.
    struct KeptSample {
        FileSample sample;
        std::uint64_t serial = 0;
    };
    struct SampleCache {
        std::map<std::string, KeptSample> by_path;
        std::deque<std::pair<std::uint64_t, std::string>> order;
        std::uint64_t next_serial = 0;
        void put(const std::string& path, FileSample sample);
        std::optional<FileSample> take(const std::string& path);
        void forget(const std::string& path) { by_path.erase(path); }
    };
    SampleCache read_samples_;  ///< files as an actor opened them to read
    SampleCache new_files_;     ///< new files as their writer closed them, by path then
    /// Renames over a file before the new file's close was seen: the replaced content, by
    /// the name it now has, with the new file's former name.
    struct PendingReplacement {
        FileSample before;
        std::string from;
    };
    std::map<std::string, PendingReplacement> pending_replacements_;
    /// Files deleted by an actor, by path: a replace done as delete-then-rename (an SMB
    /// client's rename over a file, through libsmbclient) replaces what was deleted. The
    /// journal's link to it, or the sample kept when it was read.
    struct DeletedFile {
        std::string link;
        std::optional<FileSample> sample;
    };
    std::map<std::string, DeletedFile> deleted_files_;
    std::map<std::uint32_t, std::deque<Points>> user_points_;
    std::map<std::string, std::deque<Points>> client_points_;  ///< by SMB client address
    std::set<std::string> blocked_clients_;  ///< SMB clients whose session was ended
    std::map<std::string, std::deque<Points>> tree_points_;
    /// Folder -> the job that last worked in it, and when (for processes already gone).
    std::map<std::string, std::pair<std::int32_t, std::int64_t>> recent_folders_;
    std::set<std::uint32_t> contained_users_;  ///< users whose summed work crossed a threshold
    /// Pacing per user (jobs in separate sessions of one user together).
    struct UserPace {
        int writes_in_flight = 0;
        int harmless_changes = 0;
    };
    std::map<std::uint32_t, UserPace> user_pace_;
    struct HeldOpen {
        FsEvent event;
        std::int32_t actor = 0;  ///< key in actors_
        std::int64_t since_ns = 0;
    };
    std::deque<HeldOpen> held_;
    struct OpenFile {
        FsEvent event;           ///< the open, its descriptor still held
        std::int32_t actor = 0;  ///< key in actors_
    };
    std::map<std::pair<std::uint64_t, std::uint64_t>, OpenFile> open_files_;  ///< by inode
    std::map<std::string, bool> trusted_;  ///< executable -> allow-list verdict
    EngineStats stats_;
    std::int64_t last_watchdog_ns_ = 0;
};

/// Current time, ISO 8601 UTC with milliseconds.
std::string utc_now();

}  // namespace vigie::guard
