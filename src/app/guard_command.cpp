#include "app/guard_command.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>

#include "guard/alert.hpp"
#include "guard/allow_list.hpp"
#include "guard/decoys.hpp"
#include "guard/engine.hpp"
#include "guard/fanotify_source.hpp"
#include "guard/guard_loop.hpp"
#include "guard/journal.hpp"
#include "guard/recording_source.hpp"
#include "guard/replay_source.hpp"

namespace vigie::app {
namespace {

std::atomic<bool> g_stop{false};

void request_stop(int) {
    g_stop.store(true);
}

// Sends every alert to each sink: the file for tools, syslog for people.
class FanOutSink final : public guard::AlertSink {
  public:
    void add(guard::AlertSink* sink) { sinks_.push_back(sink); }
    void emit(const guard::Alert& alert) override {
        for (guard::AlertSink* s : sinks_) s->emit(alert);
        fmt::print(stderr, "{}\n", guard::alert_to_line(alert));
    }

  private:
    std::vector<guard::AlertSink*> sinks_;
};

bool inside(const std::string& path, const std::string& root) {
    return path == root || (path.starts_with(root) && path[root.size()] == '/');
}

// Absolute, without symlinks or a trailing slash; the path itself may not exist yet.
std::string canonical_path(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p =
        std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
    std::string s = (ec ? std::filesystem::absolute(path) : p).string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

// Options from the YAML file, where the command line left them unset.
bool apply_config(const std::string& file, GuardCommandOptions& o, guard::GuardConfig& config) {
    try {
        const YAML::Node doc = YAML::LoadFile(file);
        if (o.protect.empty() && doc["protect"])
            for (const auto& p : doc["protect"]) o.protect.push_back(p.as<std::string>());
        if (o.journal.empty() && doc["journal"]) o.journal = doc["journal"].as<std::string>();
        if (o.alerts.empty() && doc["alerts"]) o.alerts = doc["alerts"].as<std::string>();
        if (o.allow.empty() && doc["allow"]) o.allow = doc["allow"].as<std::string>();
        if (doc["policy"]) o.policy = doc["policy"].as<std::string>();
        if (doc["dry_run"]) o.dry_run = o.dry_run || doc["dry_run"].as<bool>();
        if (doc["decoys"]) o.decoys = o.decoys || doc["decoys"].as<bool>();
        if (doc["syslog"]) o.syslog = o.syslog && doc["syslog"].as<bool>();
        if (o.threshold == 0 && doc["threshold"]) o.threshold = doc["threshold"].as<int>();
        if (doc["journal_max_mb"]) o.journal_max_mb = doc["journal_max_mb"].as<std::uint64_t>();
        if (doc["journal_max_hours"])
            o.journal_max_hours = doc["journal_max_hours"].as<std::uint64_t>();
        if (doc["user_threshold"]) config.user_threshold = doc["user_threshold"].as<int>();
        if (doc["tree_threshold"]) config.tree_threshold = doc["tree_threshold"].as<int>();
        if (doc["client_threshold"]) config.client_threshold = doc["client_threshold"].as<int>();
        if (doc["block_minutes"]) o.block_minutes = doc["block_minutes"].as<std::int64_t>();
        if (doc["window_seconds"])
            config.window = std::chrono::seconds(doc["window_seconds"].as<int>());
        return true;
    } catch (const YAML::Exception& e) {
        fmt::print(stderr, "vigie guard: {}:{}: {}\n", file, e.mark.line + 1, e.msg);
        return false;
    }
}

}  // namespace

int run_guard_command(const GuardCommandOptions& given) {
    GuardCommandOptions o = given;
    guard::GuardConfig config;
    if (!o.config.empty() && !apply_config(o.config, o, config)) return 2;
    if (o.protect.empty()) {
        fmt::print(stderr, "vigie guard: nothing to protect: give --protect DIR\n");
        return 2;
    }
    for (const std::string& dir : o.protect) {
        const std::string root = canonical_path(dir);
        if (!std::filesystem::is_directory(root)) {
            fmt::print(stderr, "vigie guard: {}: not a directory\n", dir);
            return 2;
        }
        config.protected_roots.push_back(root);
    }
    if (o.journal.empty() && o.alerts.empty()) {
        fmt::print(stderr, "vigie guard: give --journal DIR (or --alerts FILE)\n");
        return 2;
    }
    if (!o.journal.empty()) {
        o.journal = canonical_path(o.journal);
        std::error_code ec;
        std::filesystem::create_directories(o.journal, ec);
        ::chmod(o.journal.c_str(), 0700);  // pre-images of patients' files: root only
        if (o.alerts.empty()) o.alerts = o.journal + "/alerts.jsonl";
    }
    o.alerts = canonical_path(o.alerts);
    // The guard's own writes must never land in a tree it watches: they would be events
    // about itself, and a permission event it waits on itself.
    for (const std::string& root : config.protected_roots) {
        for (const std::string& own :
             {o.journal, o.alerts, o.record.empty() ? std::string() : canonical_path(o.record)}) {
            if (!own.empty() && (inside(own, root) || inside(root, own))) {
                fmt::print(stderr,
                           "vigie guard: {} is inside the protected tree {}: put it "
                           "elsewhere\n",
                           own, root);
                return 2;
            }
        }
    }
    config.dry_run = o.dry_run;
    if (o.threshold > 0) config.actor_threshold = o.threshold;
    if (o.block_minutes < 0) {
        fmt::print(stderr, "vigie guard: --block-minutes cannot be negative\n");
        return 2;
    }
    config.block_for = std::chrono::minutes(o.block_minutes);
    if (o.policy == "suspend")
        config.policy = guard::ContainPolicy::kSuspend;
    else if (o.policy != "kill") {
        fmt::print(stderr, "vigie guard: --policy is kill or suspend, not {}\n", o.policy);
        return 2;
    }
    guard::AllowList allow;
    if (!o.allow.empty()) {
        auto loaded = guard::load_allow_list(o.allow);
        if (!loaded) {
            fmt::print(stderr, "vigie guard: {}\n", loaded.error().to_string());
            return 2;
        }
        allow = std::move(*loaded);
    }

    auto file_sink = guard::JsonlAlertSink::open(o.alerts);
    if (!file_sink) {
        fmt::print(stderr, "vigie guard: {}\n", file_sink.error().to_string());
        return 2;
    }
    FanOutSink sinks;
    sinks.add(file_sink->get());
    std::unique_ptr<guard::SyslogAlertSink> syslog_sink;
    if (o.syslog) {
        syslog_sink = std::make_unique<guard::SyslogAlertSink>();
        sinks.add(syslog_sink.get());
    }
    guard::SystemProcessControl control;

    if (!o.replay.empty()) {
        auto replay = guard::ReplaySource::load(o.replay);
        if (!replay) {
            fmt::print(stderr, "vigie guard: {}\n", replay.error().to_string());
            return 2;
        }
        // A replay must never signal the processes of this machine that reuse recorded pids.
        config.dry_run = true;
        guard::Engine engine(config, **replay, control, sinks, std::move(allow));
        guard::run_replay(engine, **replay);
        fmt::print("vigie guard: replayed {} events, {} alerts\n", engine.stats().events,
                   engine.stats().alerts);
        return 0;
    }

    if (auto available = guard::fanotify_available(); !available) {
        fmt::print(stderr, "vigie guard: {}\n", available.error().to_string());
        return 2;
    }
    if (o.decoys) {
        // Before the marks: the guard's own writes must raise no event.
        if (o.journal.empty()) {
            fmt::print(stderr,
                       "vigie guard: --decoys needs --journal (the decoy list is kept "
                       "there)\n");
            return 2;
        }
        auto planted = guard::plant_decoys(config.protected_roots, o.journal + "/decoys.txt");
        if (!planted) {
            fmt::print(stderr, "vigie guard: {}\n", planted.error().to_string());
            return 2;
        }
        config.decoys.insert(planted->begin(), planted->end());
    }
    std::unique_ptr<guard::Journal> journal;
    if (!o.journal.empty()) {
        guard::JournalOptions journal_options;
        journal_options.directory = o.journal;
        journal_options.max_bytes = o.journal_max_mb << 20;
        journal_options.max_age = std::chrono::hours(o.journal_max_hours);
        auto opened = guard::Journal::open(journal_options);
        if (!opened) {
            fmt::print(stderr, "vigie guard: {}\n", opened.error().to_string());
            return 2;
        }
        journal = std::move(*opened);
        journal->expire();
        // Every file gets a link in the journal before anything can delete it.
        journal->link_trees(config.protected_roots);
        if (journal->stats().link_failures > 0)
            fmt::print(stderr,
                       "vigie guard: warning: {} files could not be linked into the journal "
                       "(is it on another filesystem?): deleted files cannot be restored\n",
                       journal->stats().link_failures);
    }
    auto source = guard::FanotifySource::open(config.protected_roots);
    if (!source) {
        fmt::print(stderr, "vigie guard: {}\n", source.error().to_string());
        return 2;
    }
    if (journal) {
        // The journal's links are the protected files themselves: the guard reads them
        // through a view of its own that raises no event (or it would wait for itself).
        auto quiet = (*source)->quiet_directory(o.journal);
        if (!quiet) {
            fmt::print(stderr, "vigie guard: {}\n", quiet.error().to_string());
            return 2;
        }
        journal->use_quiet_directory(*quiet);
    }
    guard::EventSource* events = source->get();
    std::unique_ptr<guard::RecordingSource> recorder;
    if (!o.record.empty()) {
        auto opened = guard::RecordingSource::open(**source, o.record);
        if (!opened) {
            fmt::print(stderr, "vigie guard: {}\n", opened.error().to_string());
            return 2;
        }
        recorder = std::move(*opened);
        events = recorder.get();
    }
    guard::Engine engine(config, *events, control, sinks, std::move(allow));
    engine.set_journal(journal.get());
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    fmt::print(stderr,
               "vigie guard: watching {} directories and {} files under {} ({} decoys){}; alerts "
               "to {}\n",
               (*source)->watched_directories(), (*source)->watched_files(),
               fmt::join(config.protected_roots, ", "), config.decoys.size(),
               config.dry_run ? " (dry run: alerts only)" : "", o.alerts);
    if (!o.ready_file.empty()) std::ofstream(o.ready_file) << ::getpid() << '\n';
    // The journal's limits, between batches: contained actors' entries are kept longest.
    auto housekeeping = [&] {
        if (!journal) return;
        std::vector<std::string> contained;
        for (const auto& [group, actor] : engine.actors())
            if (actor.contained) contained.push_back(actor.id);
        journal->expire(contained);
    };
    auto ran =
        guard::run_guard(engine, *events, g_stop, std::chrono::milliseconds(200), housekeeping);
    const guard::EngineStats& s = engine.stats();
    // How close the busiest job came: the margin a deployment has before a false alert.
    int highest = 0;
    std::string highest_job = "none";
    for (const auto& [group, actor] : engine.actors()) {
        if (actor.score > highest) {
            highest = actor.score;
            highest_job = fmt::format("{} ({})", actor.id, actor.command);
        }
    }
    fmt::print(stderr,
               "vigie guard: stopped: {} events, {} opens ({} denied, {} held, {} of them to the "
               "limit), {} samples, {} closes assessed, {} files judged still open, {} "
               "overflows, {} alerts, slowest answer {} us, highest job score {} of {}: {}\n",
               s.events, s.opens, s.denied, s.held, s.held_too_long, s.samples, s.closes_assessed,
               s.open_files_judged, s.overflows, s.alerts, s.slowest_answer_us, highest,
               config.actor_threshold, highest_job);
    if (journal) {
        const guard::JournalStats& j = journal->stats();
        fmt::print(stderr,
                   "vigie guard: journal: {} records, {} blobs ({} bytes read, {} written), {} "
                   "links, {} errors\n",
                   j.records, j.blobs_written, j.bytes_read, j.bytes_written, j.links, j.errors);
    }
    if (!ran) {
        fmt::print(stderr, "vigie guard: {}\n", ran.error().to_string());
        return 2;
    }
    return 0;
}

}  // namespace vigie::app
