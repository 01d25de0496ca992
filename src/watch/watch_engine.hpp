// watch/watch_engine.hpp - the live pipeline of `vigie watch`: batches of event texts in,
// detections, host picture and alerts out, every accepted batch durably committed.
//
//   auto engine = watch::WatchEngine::open(rules, options);     // rebuilds state from DIR
//   const auto input = engine->register_input("json-tcp 0.0.0.0:6514", "json-tcp");
//   watch::EventBatch batch;  batch.input = input;  batch.add(line);
//   batch.on_committed = [](const watch::BatchOutcome& o) { ... };   // once, after the commit
//   engine->submit(std::move(batch));                          // waits while the queue is full
//   ...
//   engine->stop();                                            // drains, commits, joins
//
//   inputs --submit--> [queue, bounded in bytes] --> match workers (one per core):
//            read the text (json::EventTextParser: JSON of any shape, or Windows event
//            XML), run the rules (hunt::EventMatcher)
//        --> [matched queue] --> one commit thread, the only writer of state, which takes
//            the batches back in the order they were submitted, then:
//            store new detections (a resent event finds its own and alerts nothing), alert
//            each new shown detection, update the host picture, hold the detections that
//            correlations read until the watermark (event time minus the allowed lateness)
//            passes them, then feed them to the correlator in time order, raise a host alert
//            when a host's urgency rises, and commit all of it with the input positions in
//            one transaction; then acknowledge the batches.
//
// Event time, not arrival time: events from many hosts arrive late and out of order. The host
// picture does not depend on order; correlations do, so their input waits for the watermark
// (`lateness_seconds` behind the newest event time seen, which is capped at the clock plus ten
// minutes so one host with a wrong clock cannot push everyone's events into "late"), or until
// the inputs have been idle for `idle_release_ms`. A detection older than what the correlator
// has already seen is still stored, alerted and placed on its host, and counted as late.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "hunt/correlator.hpp"
#include "hunt/event_matcher.hpp"
#include "hunt/host_picture.hpp"
#include "sigma/rule_set.hpp"
#include "watch/bounded_queue.hpp"
#include "watch/event_batch.hpp"
#include "watch/input_counters.hpp"
#include "watch/rate_limited_log.hpp"
#include "watch/state_store.hpp"

namespace vigie::watch {

struct WatchOptions {
    std::string state_dir;
    std::string synchronous = "NORMAL";  ///< SQLite: NORMAL (survives kill -9) or FULL
    unsigned match_threads = 0;          ///< 0: one per core
    std::size_t queue_bytes = std::size_t{64} << 20;
    sigma::Level min_level = sigma::Level::kInformational;
    std::int64_t lateness_seconds = 300;
    int idle_release_ms = 5000;
    /// Host alerts are raised when a host's urgency rises to at least this.
    hunt::Urgency host_alert_min = hunt::Urgency::kCompromised;
    bool host_alerts = true;  ///< false: no host alerts at all (detections only)
    /// Where the engine says what goes wrong (rejected input, failed commits); rate-limited.
    std::function<void(std::string_view)> log;
};

/// Names the rule forms of a rule set by something that survives a reload: "id|form".
class RuleKeys {
  public:
    explicit RuleKeys(const sigma::RuleSet& rules);
    const std::string& key(std::uint32_t rule) const { return keys_[rule]; }
    std::optional<std::uint32_t> find(const std::string& key) const;

  private:
    std::vector<std::string> keys_;
    std::unordered_map<std::string, std::uint32_t> index_;
};

struct EngineStatus {
    std::uint64_t detections = 0;         ///< new detections stored since start
    std::uint64_t detections_stored = 0;  ///< in the state database
    std::uint64_t duplicates = 0;         ///< detections seen before (resent events)
    std::uint64_t late = 0;               ///< too late for the correlations
    std::uint64_t correlations = 0;       ///< correlation detections made
    std::uint64_t alerts = 0;             ///< alerts written to the outbox since start
    std::uint64_t commits = 0;
    std::uint64_t commit_failures = 0;
    std::size_t queue_batches = 0;
    std::size_t queue_bytes = 0;
    std::size_t pending_correlation = 0;  ///< detections waiting for the watermark
    std::int64_t lag_ms = 0;              ///< submission to commit, last batch
    std::uint64_t watermark = 0;          ///< FILETIME ticks fed to the correlator so far
    std::uint64_t unknown_rules = 0;      ///< stored detections of rules no longer loaded
    /// Per Sigma filter (RuleSet::filters()): detections it removed since start, in committed
    /// batches (an event resent counts again).
    std::vector<std::uint64_t> filter_removals;
};

class WatchEngine {
  public:
    using Clock = std::chrono::steady_clock;

    static core::Result<std::unique_ptr<WatchEngine>> open(const sigma::RuleSet& rules,
                                                           WatchOptions options);
    ~WatchEngine();
    WatchEngine(const WatchEngine&) = delete;
    WatchEngine& operator=(const WatchEngine&) = delete;

    /// An input's counters live as long as the engine. Call before start().
    std::uint32_t register_input(std::string name, std::string kind);
    InputCounters& counters(std::uint32_t input) { return *inputs_[input]; }
    const std::vector<std::unique_ptr<InputCounters>>& inputs() const { return inputs_; }
    /// A stable number for a peer address or file path (Detection::file).
    std::uint32_t intern_origin(std::string_view origin);

    /// Starts the match workers and the commit thread.
    void start();
    /// Queues a batch; waits while the queue is full, until `deadline` if given. False when
    /// the deadline passed or the engine is stopping: the batch was not taken, and its
    /// on_committed is not called.
    bool submit(EventBatch&& batch, std::optional<Clock::time_point> deadline = {});
    /// Stops taking batches, processes and commits what was queued, joins the threads.
    void stop();

    /// Where a followed input stopped, as last committed.
    core::Result<std::optional<InputPosition>> saved_position(const std::string& key);

    EngineStatus status() const;
    /// The host picture as of the last commit.
    std::shared_ptr<const hunt::HostPicture> picture() const;
    const sigma::RuleSet& rules() const noexcept { return rules_; }
    const RuleKeys& rule_keys() const noexcept { return keys_; }
    const WatchOptions& options() const noexcept { return options_; }
    /// Called after every commit that added alerts (the alert dispatcher's wake-up).
    void set_alert_listener(std::function<void()> listener) {
        alert_listener_ = std::move(listener);
    }

  private:
    struct MatchedBatch {
        std::uint32_t input = 0;
        std::uint64_t events = 0;
        std::uint64_t rejected = 0;
        core::FileTimeTicks newest = 0;
        std::vector<hunt::Detection> detections;
        std::vector<std::uint64_t> filter_removals;  ///< per Sigma filter
        std::optional<InputPosition> position;
        std::function<void(const BatchOutcome&)> on_committed;
        std::vector<std::uint32_t> rejected_items;
        Clock::time_point submitted;
        std::uint64_t sequence = 0;  ///< order of submission
    };
    struct QueuedBatch {
        EventBatch batch;
        Clock::time_point submitted;
    };

    WatchEngine(const sigma::RuleSet& rules, WatchOptions options, StateStore store);
    core::Result<void> rebuild();
    void match_loop();
    void commit_loop();
    core::Result<void> commit(std::vector<MatchedBatch>& batches, bool release_all);
    core::Result<void> handle(hunt::Detection& d, bool from_correlator);
    void release(core::FileTimeTicks up_to);
    core::Result<void> raise_host_alerts(const hunt::HostPicture& picture);
    void publish_picture(std::shared_ptr<const hunt::HostPicture> picture);
    std::string origin_name(std::uint32_t origin) const;
    void note_reject(std::uint32_t input, std::uint32_t origin, std::size_t item,
                     const core::Error& e, std::string_view text);

    const sigma::RuleSet& rules_;
    WatchOptions options_;
    RuleKeys keys_;
    hunt::MatchPlan plan_;
    StateStore store_;

    std::vector<std::unique_ptr<InputCounters>> inputs_;
    mutable std::mutex origins_mutex_;
    std::vector<std::string> origins_;
    std::unordered_map<std::string, std::uint32_t> origin_index_;

    BoundedQueue<QueuedBatch> queue_;
    BoundedQueue<MatchedBatch> matched_;
    std::vector<std::thread> workers_;
    std::thread committer_;
    std::atomic<unsigned> workers_running_{0};
    std::atomic<bool> started_{false};
    std::atomic<bool> stopped_{false};
    std::atomic<std::uint64_t> order_{0};

    // Commit thread only.
    std::unique_ptr<hunt::Correlator> correlator_;
    hunt::HostPictureBuilder hosts_;
    /// Detections that correlations read, by (time, arrival), until the watermark passes.
    std::multimap<std::pair<core::FileTimeTicks, std::uint64_t>, hunt::Detection> pending_;
    std::map<std::string, int> host_urgency_;
    core::FileTimeTicks newest_event_ = 0;
    core::FileTimeTicks released_ = 0;
    bool hosts_changed_ = false;
    std::uint64_t alerts_in_commit_ = 0;
    Clock::time_point last_batch_ = Clock::now();
    std::vector<hunt::Detection> from_correlator_;
    /// Matched out of order by parallel workers, committed in the order of submission.
    std::map<std::uint64_t, MatchedBatch> out_of_order_;
    std::uint64_t next_sequence_ = 0;

    // Shared with readers.
    mutable std::mutex status_mutex_;
    EngineStatus status_;
    std::shared_ptr<const hunt::HostPicture> picture_;
    std::function<void()> alert_listener_;

    RateLimitedLog reject_log_;
};

}  // namespace vigie::watch
