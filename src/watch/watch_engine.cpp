#include "watch/watch_engine.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/time.hpp"
#include "hunt/host_report.hpp"
#include "hunt/writers.hpp"
#include "json/event_text.hpp"

namespace vigie::watch {
namespace {

constexpr std::size_t kMaxOrigins = 100'000;
constexpr std::size_t kMatchedQueueBatches = 64;
constexpr std::size_t kBatchesPerCommit = 64;
constexpr std::uint64_t kRejectLogsPerMinute = 20;  // lines about rejected events
// Event times beyond the clock by more than this do not move the watermark further.
constexpr core::FileTimeTicks kClockTolerance = 600 * core::kTicksPerSecond;

core::FileTimeTicks now_filetime() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
    return (core::kFileTimeUnixEpochSeconds * 1'000'000 + static_cast<std::uint64_t>(micros)) * 10;
}

std::string printable_prefix(std::string_view text, std::size_t max) {
    std::string out;
    for (const char c : text.substr(0, max)) {
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    if (text.size() > max) out += "...";
    return out;
}

}  // namespace

RuleKeys::RuleKeys(const sigma::RuleSet& rules) {
    for (std::uint32_t i = 0; i < rules.detection_rule_count(); ++i) {
        const sigma::RuleInfo& info = rules.rule_info(i);
        std::string key = info.id.empty() ? info.title : info.id;
        key += '|';
        key += i < rules.rules().size() ? rules.rules()[i]->target : std::string("correlation");
        index_.emplace(key, i);
        keys_.push_back(std::move(key));
    }
}

std::optional<std::uint32_t> RuleKeys::find(const std::string& key) const {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

core::Result<std::unique_ptr<WatchEngine>> WatchEngine::open(const sigma::RuleSet& rules,
                                                             WatchOptions options) {
    auto store = StateStore::open(options.state_dir, options.synchronous);
    if (!store) return store.error();
    std::unique_ptr<WatchEngine> engine(
        new WatchEngine(rules, std::move(options), std::move(*store)));
    if (auto r = engine->rebuild(); !r) return r.error();
    return engine;
}

WatchEngine::WatchEngine(const sigma::RuleSet& rules, WatchOptions options, StateStore store)
    : rules_(rules),
      options_(std::move(options)),
      keys_(rules),
      plan_(rules, sigma::Level::kInformational),
      store_(std::move(store)),
      queue_(options_.queue_bytes),
      matched_(kMatchedQueueBatches),
      correlator_(std::make_unique<hunt::Correlator>(rules)),
      picture_(std::make_shared<hunt::HostPicture>()),
      reject_log_(options_.log, kRejectLogsPerMinute, "rejected events") {
    origins_.push_back("-");
}

WatchEngine::~WatchEngine() {
    stop();
}

std::uint32_t WatchEngine::register_input(std::string name, std::string kind) {
    auto c = std::make_unique<InputCounters>();
    c->name = std::move(name);
    c->kind = std::move(kind);
    inputs_.push_back(std::move(c));
    return static_cast<std::uint32_t>(inputs_.size() - 1);
}

std::uint32_t WatchEngine::intern_origin(std::string_view origin) {
    std::lock_guard lock(origins_mutex_);
    auto it = origin_index_.find(std::string(origin));
    if (it != origin_index_.end()) return it->second;
    if (origins_.size() >= kMaxOrigins) return 0;
    const auto index = static_cast<std::uint32_t>(origins_.size());
    origins_.emplace_back(origin);
    origin_index_.emplace(std::string(origin), index);
    return index;
}

std::string WatchEngine::origin_name(std::uint32_t origin) const {
    std::lock_guard lock(origins_mutex_);
    return origin < origins_.size() ? origins_[origin] : std::string("-");
}

// ---- rebuilding the state from the stored detections ------------------------------------

core::Result<void> WatchEngine::rebuild() {
    auto urgencies = store_.host_urgencies();
    if (!urgencies) return urgencies.error();
    host_urgency_ = std::move(*urgencies);
    auto released = store_.number("watermark", 0);
    if (!released) return released.error();

    std::vector<hunt::Detection> replay;
    std::uint64_t stored = 0;
    std::uint64_t unknown = 0;
    auto visited = store_.for_each_detection([&](StoredDetection&& s) {
        ++stored;
        const auto rule = keys_.find(s.rule_key);
        if (!rule) {
            ++unknown;
            return;
        }
        hunt::Detection d;
        d.timestamp = s.timestamp;
        d.record_id = s.record_id;
        d.event_id = s.event_id;
        d.rule = *rule;
        d.file = intern_origin(s.origin);
        d.order = static_cast<std::uint64_t>(s.seq);
        d.computer = std::move(s.computer);
        d.channel = std::move(s.channel);
        d.fields = std::move(s.fields);
        hosts_.learn_address(d);
        const sigma::RuleInfo& info = rules_.rule_info(d.rule);
        const bool correlation = rules_.correlation(d.rule) != nullptr;
        if (rules_.shown(d.rule) && info.level >= options_.min_level) {
            hosts_.add(d, info, correlation);
        }
        if (!correlation && !rules_.correlation_uses(d.rule).empty())
            replay.push_back(std::move(d));
    });
    if (!visited) return visited.error();
    order_ = stored;

    // The correlations' windows are rebuilt by feeding them what they read up to the stored
    // watermark, in time order; what they make again is found stored already and alerts
    // nothing. What was waiting for the watermark when the daemon stopped waits again, so
    // events older than it that arrive after the restart (a followed folder's other files)
    // are correlated in their place, as they would have been without the restart.
    std::stable_sort(replay.begin(), replay.end(),
                     [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
    const auto watermark = static_cast<core::FileTimeTicks>(*released);
    if (auto r = store_.begin(); !r) return r;
    for (hunt::Detection& d : replay) {
        if (d.timestamp > watermark) {
            newest_event_ = std::max(newest_event_, d.timestamp);
            pending_.emplace(std::pair{d.timestamp, d.order}, std::move(d));
            continue;
        }
        correlator_->add(d, [&](hunt::Detection&& out) {
            if (rules_.correlation(out.rule) != nullptr) from_correlator_.push_back(std::move(out));
        });
        released_ = std::max(released_, d.timestamp);
        for (hunt::Detection& c : from_correlator_) {
            if (auto r = handle(c, true); !r) return r;
        }
        from_correlator_.clear();
    }
    released_ = std::max<core::FileTimeTicks>(released_, watermark);
    newest_event_ = std::max(newest_event_, released_);
    auto picture = std::make_shared<const hunt::HostPicture>(hosts_.finish());
    if (auto r = raise_host_alerts(*picture); !r) return r;
    if (auto r = store_.set_number("watermark", static_cast<std::int64_t>(released_)); !r) return r;
    if (auto r = store_.commit(); !r) return r;
    {
        std::lock_guard lock(status_mutex_);
        status_.detections_stored = stored;
        status_.unknown_rules = unknown;
        status_.watermark = released_;
        status_.pending_correlation = pending_.size();
    }
    publish_picture(std::move(picture));
    return {};
}

// ---- threads -----------------------------------------------------------------------------

void WatchEngine::start() {
    if (started_.exchange(true)) return;
    unsigned threads = options_.match_threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    workers_running_ = threads;
    for (unsigned t = 0; t < threads; ++t) workers_.emplace_back([this] { match_loop(); });
    committer_ = std::thread([this] { commit_loop(); });
}

bool WatchEngine::submit(EventBatch&& batch, std::optional<Clock::time_point> deadline) {
    if (stopped_) return false;
    QueuedBatch queued{std::move(batch), Clock::now()};
    const std::size_t cost = queued.batch.cost();
    if (queue_.push(queued, cost, deadline)) return true;
    batch = std::move(queued.batch);
    return false;
}

void WatchEngine::stop() {
    if (stopped_.exchange(true)) return;
    queue_.close();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    matched_.close();
    if (committer_.joinable()) committer_.join();
}

void WatchEngine::match_loop() {
    json::EventTextParser decoder;
    hunt::EventMatcher matcher(plan_);
    core::Event event;
    std::uint64_t sequence = 0;
    while (auto queued = queue_.pop(sequence)) {
        EventBatch& batch = queued->batch;
        MatchedBatch m;
        m.sequence = sequence;
        m.input = batch.input;
        m.position = std::move(batch.position);
        m.on_committed = std::move(batch.on_committed);
        m.submitted = queued->submitted;
        const std::uint64_t first = order_.fetch_add(batch.items.size());
        for (std::size_t i = 0; i < batch.items.size(); ++i) {
            const std::string_view text = batch.item(i);
            if (auto r = decoder.build_event(text, event); !r) {
                ++m.rejected;
                m.rejected_items.push_back(static_cast<std::uint32_t>(i));
                note_reject(batch.input, batch.origin, i, r.error(), text);
                continue;
            }
            ++m.events;
            m.newest = std::max(m.newest, event.timestamp);
            matcher.process(event, batch.origin, first + i, m.detections);
        }
        matcher.take_filter_removals(m.filter_removals);
        matched_.push(m, 1);
    }
    if (--workers_running_ == 0) matched_.close();
}

void WatchEngine::commit_loop() {
    std::vector<MatchedBatch> batches;
    // Takes a matched batch into the reorder buffer; moves every batch now in submission order
    // to `batches`.
    auto take = [&](MatchedBatch&& m) {
        out_of_order_.emplace(m.sequence, std::move(m));
        while (!out_of_order_.empty() && out_of_order_.begin()->first == next_sequence_) {
            batches.push_back(std::move(out_of_order_.begin()->second));
            out_of_order_.erase(out_of_order_.begin());
            ++next_sequence_;
        }
    };
    bool closed = false;
    while (true) {
        auto first = matched_.pop(Clock::now() + std::chrono::milliseconds(100));
        if (first) {
            take(std::move(*first));
            while (batches.size() < kBatchesPerCommit) {
                auto more = matched_.pop(Clock::now());
                if (!more) break;
                take(std::move(*more));
            }
            last_batch_ = Clock::now();
        } else if (workers_running_ == 0 && matched_.size() == 0) {
            closed = true;  // every worker is done: nothing more will come
        }
        // Stopping: what waits for the watermark stays stored and waits again after a restart.
        const bool idle =
            !closed && batches.empty() && !pending_.empty() && out_of_order_.empty() &&
            Clock::now() - last_batch_ >= std::chrono::milliseconds(options_.idle_release_ms);
        if (!batches.empty() || idle) {
            if (auto r = commit(batches, idle); !r && options_.log) {
                options_.log(fmt::format("watch: commit failed: {}", r.error().to_string()));
            }
            batches.clear();
            continue;
        }
        if (closed) break;
    }
}

// ---- one commit ----------------------------------------------------------------------------

core::Result<void> WatchEngine::commit(std::vector<MatchedBatch>& batches, bool release_all) {
    alerts_in_commit_ = 0;
    std::uint64_t new_before = 0;
    {
        std::lock_guard lock(status_mutex_);
        new_before = status_.detections;
    }
    auto fail = [&](const core::Error& e) -> core::Result<void> {
        (void)store_.rollback();
        for (MatchedBatch& b : batches) {
            inputs_[b.input]->events_dropped += b.events;
            if (b.on_committed) b.on_committed(BatchOutcome{false, std::move(b.rejected_items)});
        }
        {
            std::lock_guard lock(status_mutex_);
            ++status_.commit_failures;
            status_.detections = new_before;
        }
        // The in-memory state ran ahead of the database: start again from what is stored.
        correlator_ = std::make_unique<hunt::Correlator>(rules_);
        hosts_ = hunt::HostPictureBuilder();
        pending_.clear();
        released_ = 0;
        (void)rebuild();
        return e;
    };
    if (auto r = store_.begin(); !r) return fail(r.error());
    const core::FileTimeTicks ceiling = now_filetime() + kClockTolerance;
    for (MatchedBatch& b : batches) {
        newest_event_ = std::max(newest_event_, std::min(b.newest, ceiling));
        for (hunt::Detection& d : b.detections) {
            if (auto r = handle(d, false); !r) return fail(r.error());
        }
        if (b.position) {
            if (auto r = store_.set_position(*b.position); !r) return fail(r.error());
        }
    }
    const core::FileTimeTicks lateness =
        static_cast<core::FileTimeTicks>(options_.lateness_seconds) * core::kTicksPerSecond;
    if (release_all) {
        release(~core::FileTimeTicks{0});
    } else if (newest_event_ > lateness) {
        release(newest_event_ - lateness);
    }
    for (hunt::Detection& c : from_correlator_) {
        if (auto r = handle(c, true); !r) return fail(r.error());
    }
    from_correlator_.clear();
    // The picture is worked out once per commit: for the host alerts, then for the readers.
    std::shared_ptr<const hunt::HostPicture> picture;
    if (hosts_changed_) {
        picture = std::make_shared<const hunt::HostPicture>(hosts_.finish());
        if (auto r = raise_host_alerts(*picture); !r) return fail(r.error());
    }
    if (auto r = store_.set_number("watermark", static_cast<std::int64_t>(released_)); !r)
        return fail(r.error());
    if (auto r = store_.commit(); !r) return fail(r.error());

    const auto now = Clock::now();
    for (MatchedBatch& b : batches) {
        InputCounters& c = *inputs_[b.input];
        c.events_processed += b.events;
        c.events_rejected += b.rejected;
        if (b.on_committed) b.on_committed(BatchOutcome{true, std::move(b.rejected_items)});
    }
    {
        std::lock_guard lock(status_mutex_);
        ++status_.commits;
        status_.alerts += alerts_in_commit_;
        status_.pending_correlation = pending_.size();
        status_.watermark = released_;
        status_.queue_batches = queue_.size();
        status_.queue_bytes = queue_.bytes();
        for (const MatchedBatch& b : batches) {
            if (status_.filter_removals.size() < b.filter_removals.size())
                status_.filter_removals.resize(b.filter_removals.size());
            for (std::size_t i = 0; i < b.filter_removals.size(); ++i)
                status_.filter_removals[i] += b.filter_removals[i];
        }
        if (!batches.empty()) {
            status_.lag_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 now - batches.back().submitted)
                                 .count();
        }
    }
    if (picture) publish_picture(std::move(picture));
    hosts_changed_ = false;
    if (alerts_in_commit_ > 0 && alert_listener_) alert_listener_();
    return {};
}

// One detection: stored unless known; if new, alerted when shown, placed on its host, and held
// for the correlations that read it.
core::Result<void> WatchEngine::handle(hunt::Detection& d, bool from_correlator) {
    StoredDetection s;
    s.timestamp = d.timestamp;
    s.computer = d.computer;
    s.channel = d.channel;
    s.event_id = d.event_id;
    s.record_id = d.record_id;
    s.rule_key = keys_.key(d.rule);
    s.origin = origin_name(d.file);
    s.fields = d.fields;
    auto inserted = store_.insert_detection(s);
    if (!inserted) return inserted.error();
    if (!*inserted) {
        std::lock_guard lock(status_mutex_);
        ++status_.duplicates;
        return {};
    }
    {
        std::lock_guard lock(status_mutex_);
        ++status_.detections;
        ++status_.detections_stored;
        if (from_correlator) ++status_.correlations;
    }
    hosts_.learn_address(d);
    const sigma::RuleInfo& info = rules_.rule_info(d.rule);
    if (rules_.shown(d.rule) && info.level >= options_.min_level) {
        hosts_.add(d, info, from_correlator);
        hosts_changed_ = true;
        std::string json;
        hunt::append_detection_json(json, d, rules_, s.origin, "\"type\":\"detection\",");
        if (auto r = store_.add_alert(json); !r) return r;
        ++alerts_in_commit_;
    }
    if (!from_correlator && !rules_.correlation_uses(d.rule).empty()) {
        if (d.timestamp < released_) {
            std::lock_guard lock(status_mutex_);
            ++status_.late;
        } else {
            pending_.emplace(std::pair{d.timestamp, d.order}, std::move(d));
        }
    }
    return {};
}

// Feeds the correlator, in time order, what waited up to `up_to`.
void WatchEngine::release(core::FileTimeTicks up_to) {
    while (!pending_.empty() && pending_.begin()->first.first <= up_to) {
        auto node = pending_.extract(pending_.begin());
        hunt::Detection& d = node.mapped();
        released_ = std::max(released_, d.timestamp);
        correlator_->add(d, [&](hunt::Detection&& out) {
            if (rules_.correlation(out.rule) != nullptr) from_correlator_.push_back(std::move(out));
        });
    }
}

core::Result<void> WatchEngine::raise_host_alerts(const hunt::HostPicture& picture) {
    const std::string when = core::format_iso8601_micros(now_filetime());
    for (const hunt::HostReport& h : picture.hosts) {
        const std::string key = hunt::host_key(h.host);
        const int rank = static_cast<int>(h.urgency);
        auto it = host_urgency_.find(key);
        const int previous = it == host_urgency_.end() ? 0 : it->second;
        if (rank <= previous) continue;
        host_urgency_[key] = rank;
        if (auto r = store_.set_host_urgency(key, rank); !r) return r;
        if (!options_.host_alerts || h.urgency < options_.host_alert_min) continue;
        std::string extra = ",\"alert_time\":";
        core::append_json_string(extra, when);
        extra += ",\"previous_urgency\":";
        core::append_json_string(extra, hunt::urgency_label(static_cast<hunt::Urgency>(previous),
                                                            hunt::Language::kEnglish));
        extra += ",\"label_fr\":";
        core::append_json_string(extra, hunt::urgency_label(h.urgency, hunt::Language::kFrench));
        extra += ",\"advice_en\":";
        core::append_json_string(extra, hunt::host_advice(h, hunt::Language::kEnglish));
        extra += ",\"advice_fr\":";
        core::append_json_string(extra, hunt::host_advice(h, hunt::Language::kFrench));
        std::string json;
        hunt::append_host_json(json, h, extra);
        if (auto r = store_.add_alert(json); !r) return r;
        ++alerts_in_commit_;
    }
    return {};
}

void WatchEngine::publish_picture(std::shared_ptr<const hunt::HostPicture> picture) {
    std::lock_guard lock(status_mutex_);
    picture_ = std::move(picture);
}

std::shared_ptr<const hunt::HostPicture> WatchEngine::picture() const {
    std::lock_guard lock(status_mutex_);
    return picture_;
}

EngineStatus WatchEngine::status() const {
    std::lock_guard lock(status_mutex_);
    EngineStatus s = status_;
    s.queue_batches = queue_.size();
    s.queue_bytes = queue_.bytes();
    return s;
}

core::Result<std::optional<InputPosition>> WatchEngine::saved_position(const std::string& key) {
    // Read through a connection of its own: the commit thread owns store_.
    auto reader = StateReader::open(options_.state_dir);
    if (!reader) return reader.error();
    return reader->position(key);
}

void WatchEngine::note_reject(std::uint32_t input, std::uint32_t origin, std::size_t item,
                              const core::Error& e, std::string_view text) {
    if (!reject_log_.enabled()) return;
    reject_log_.write(fmt::format(
        "watch: {} from {}: event {} of a batch rejected: {} ({} bytes: {})", inputs_[input]->name,
        origin_name(origin), item, e.message, text.size(), printable_prefix(text, 80)));
}

}  // namespace vigie::watch
