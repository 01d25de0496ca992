// watch/state_store.hpp - what `vigie watch` keeps in --state DIR (state.db, SQLite in WAL
// mode): every detection, the alerts to deliver, each host's alerted urgency, the positions of
// followed inputs, and a few numbers (watermark, delivered alerts).
//
//   auto store = watch::StateStore::open(dir);
//   store->begin();
//   bool is_new = *store->insert_detection(stored);     // false: seen before (a resent event)
//   store->add_alert(json);
//   store->set_position(position);
//   store->commit();                                    // all of it, or none of it
//
// The host picture and the correlations' windows are not stored as such: they are a function
// of the detections, rebuilt from them at start (a hospital's detections are thousands, not
// billions). Storing only detections keeps one source of truth: after `kill -9` the picture
// and the positions it reflects cannot disagree, because they commit in one transaction.
//
// A detection's identity is (computer, channel, record id, rule form) - for events with no
// record id, also the time and key fields - so a resent event, a `_bulk` request retried after
// a lost answer, or a file read again finds its detections already there and alerts nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "watch/event_batch.hpp"
#include "watch/sqlite_db.hpp"

namespace vigie::watch {

/// A detection as stored: the rule named by its id and form, not by a number that changes
/// when the rule set does.
struct StoredDetection {
    std::int64_t seq = 0;  ///< arrival order (set by the store)
    std::uint64_t timestamp = 0;
    std::string computer;
    std::string channel;
    std::int64_t event_id = -1;
    std::uint64_t record_id = 0;
    std::string rule_key;  ///< "rule id|form" (see RuleKeys)
    std::string origin;    ///< the peer or file it came from
    std::vector<std::pair<std::string, std::string>> fields;
};

/// The identity of a detection (see above).
std::uint64_t detection_identity(const StoredDetection& d);

class StateStore {
  public:
    /// Creates DIR if needed and opens DIR/state.db. `synchronous`: "NORMAL" (a commit survives
    /// the process being killed) or "FULL" (also a power cut).
    static core::Result<StateStore> open(const std::string& dir,
                                         std::string_view synchronous = "NORMAL");

    core::Result<void> begin();
    core::Result<void> commit();
    core::Result<void> rollback();

    /// Inserts unless a detection with the same identity is stored; true when inserted.
    core::Result<bool> insert_detection(StoredDetection& d);
    core::Result<void> add_alert(std::string_view json);
    core::Result<void> set_position(const InputPosition& position);
    core::Result<void> set_host_urgency(std::string_view host, int urgency);
    core::Result<void> set_number(std::string_view name, std::int64_t value);

    core::Result<std::optional<InputPosition>> position(std::string_view key);
    core::Result<std::map<std::string, int>> host_urgencies();
    core::Result<std::int64_t> number(std::string_view name, std::int64_t fallback);
    /// Every stored detection in arrival order.
    core::Result<void> for_each_detection(const std::function<void(StoredDetection&&)>& visit);

    const std::string& path() const noexcept { return db_.path(); }

  private:
    explicit StateStore(SqliteDb db) : db_(std::move(db)) {}
    core::Result<void> prepare();

    SqliteDb db_;
    std::optional<SqliteStatement> insert_detection_;
    std::optional<SqliteStatement> insert_alert_;
    std::optional<SqliteStatement> upsert_position_;
    std::optional<SqliteStatement> upsert_host_;
    std::optional<SqliteStatement> upsert_number_;
};

/// Reading the stored detections and alerts from another thread (the API server), with a
/// connection of its own.
class StateReader {
  public:
    static core::Result<StateReader> open(const std::string& dir);
    /// Detections with a time at or after `since`, in time order, at most `limit`.
    core::Result<void> detections_since(std::uint64_t since, std::size_t limit,
                                        const std::function<void(StoredDetection&&)>& visit);
    /// Alerts after sequence number `after`, in order, at most `limit`: (seq, JSON).
    core::Result<void> alerts_after(
        std::int64_t after, std::size_t limit,
        const std::function<void(std::int64_t, std::string_view)>& visit);
    core::Result<std::int64_t> number(std::string_view name, std::int64_t fallback);
    core::Result<void> set_number(std::string_view name, std::int64_t value);
    core::Result<std::optional<InputPosition>> position(std::string_view key);
    /// Forgets the alerts up to sequence number `up_to` (delivered ones).
    core::Result<void> prune_alerts(std::int64_t up_to);

  private:
    explicit StateReader(SqliteDb db) : db_(std::move(db)) {}
    SqliteDb db_;
};

/// "DIR/state.db".
std::string state_db_path(const std::string& dir);

}  // namespace vigie::watch
