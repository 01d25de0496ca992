#include "watch/state_store.hpp"

#include <sys/stat.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigie::watch {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS numbers(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS detections(
  seq INTEGER PRIMARY KEY,
  identity INTEGER NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  computer TEXT NOT NULL,
  channel TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  record_id INTEGER NOT NULL,
  rule_key TEXT NOT NULL,
  origin TEXT NOT NULL,
  fields TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS detections_by_time ON detections(ts);
CREATE TABLE IF NOT EXISTS alerts(seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS host_urgency(host TEXT PRIMARY KEY, urgency INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS positions(
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, offset INTEGER NOT NULL);
)sql";

constexpr std::string_view kDetectionColumns =
    "seq, ts, computer, channel, event_id, record_id, rule_key, origin, fields";

// Fields as "<size>:<bytes>" pairs one after the other: values come from hostile logs and may
// hold any byte, so no separator would do.
std::string encode_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        fmt::format_to(std::back_inserter(out), "{}:", name.size());
        out += name;
        fmt::format_to(std::back_inserter(out), "{}:", value.size());
        out += value;
    }
    return out;
}

bool take_piece(std::string_view& s, std::string& out) {
    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 10) return false;
    std::size_t size = 0;
    for (std::size_t i = 0; i < colon; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        size = size * 10 + static_cast<std::size_t>(s[i] - '0');
    }
    if (s.size() - colon - 1 < size) return false;
    out.assign(s.substr(colon + 1, size));
    s.remove_prefix(colon + 1 + size);
    return true;
}

std::vector<std::pair<std::string, std::string>> decode_fields(std::string_view s) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string name;
    std::string value;
    while (!s.empty() && take_piece(s, name) && take_piece(s, value)) out.emplace_back(name, value);
    return out;
}

StoredDetection read_detection(const SqliteStatement& q) {
    StoredDetection d;
    d.seq = q.column_int(0);
    d.timestamp = static_cast<std::uint64_t>(q.column_int(1));
    d.computer = q.column_text(2);
    d.channel = q.column_text(3);
    d.event_id = q.column_int(4);
    d.record_id = static_cast<std::uint64_t>(q.column_int(5));
    d.rule_key = q.column_text(6);
    d.origin = q.column_text(7);
    d.fields = decode_fields(q.column_text(8));
    return d;
}

core::Result<std::int64_t> read_number(SqliteDb& db, std::string_view name, std::int64_t fallback) {
    auto q = db.prepare("SELECT value FROM numbers WHERE name = ?");
    if (!q) return q.error();
    q->bind(1, name);
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int(0) : fallback;
}

core::Result<std::optional<InputPosition>> read_position(SqliteDb& db, std::string_view key) {
    auto q = db.prepare("SELECT fingerprint, offset FROM positions WHERE key = ?");
    if (!q) return q.error();
    q->bind(1, key);
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return std::optional<InputPosition>{};
    return std::optional<InputPosition>(
        InputPosition{std::string(key), std::string(q->column_text(0)), q->column_int(1)});
}

core::Result<void> write_number(SqliteDb& db, std::string_view name, std::int64_t value) {
    auto q = db.prepare(
        "INSERT INTO numbers(name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    if (!q) return q.error();
    q->bind(1, name).bind(2, value);
    return q->run();
}

}  // namespace

std::string state_db_path(const std::string& dir) {
    return dir + "/state.db";
}

std::uint64_t detection_identity(const StoredDetection& d) {
    XXH3_state_t state;  // on the stack: one per detection, on the commit thread
    XXH3_64bits_reset(&state);
    auto add = [&](std::string_view s) {
        const std::uint64_t size = s.size();
        XXH3_64bits_update(&state, &size, sizeof size);
        XXH3_64bits_update(&state, s.data(), s.size());
    };
    add(d.computer);
    add(d.channel);
    add(d.rule_key);
    XXH3_64bits_update(&state, &d.record_id, sizeof d.record_id);
    // Without a record id, events of one computer and channel differ only by what they say.
    if (d.record_id == 0) {
        XXH3_64bits_update(&state, &d.timestamp, sizeof d.timestamp);
        XXH3_64bits_update(&state, &d.event_id, sizeof d.event_id);
        for (const auto& [name, value] : d.fields) {
            add(name);
            add(value);
        }
    }
    return XXH3_64bits_digest(&state);
}

core::Result<StateStore> StateStore::open(const std::string& dir, std::string_view synchronous) {
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
        return core::Error{core::ErrorCode::kIo,
                           fmt::format("cannot create the state folder: {}", std::strerror(errno)),
                           core::Location::in_file(dir)};
    }
    auto db = SqliteDb::open(state_db_path(dir), synchronous);
    if (!db) return db.error();
    if (auto r = db->exec(kSchema); !r) return r.error();
    StateStore store(std::move(*db));
    if (auto r = store.prepare(); !r) return r.error();
    return store;
}

core::Result<void> StateStore::prepare() {
    auto assign = [&](std::optional<SqliteStatement>& slot,
                      std::string_view sql) -> core::Result<void> {
        auto s = db_.prepare(sql);
        if (!s) return s.error();
        slot.emplace(std::move(*s));
        return {};
    };
    if (auto r = assign(insert_detection_,
                        "INSERT OR IGNORE INTO detections(identity, ts, computer, channel, "
                        "event_id, record_id, rule_key, origin, fields) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        !r)
        return r;
    if (auto r = assign(insert_alert_, "INSERT INTO alerts(body) VALUES (?)"); !r) return r;
    if (auto r = assign(upsert_position_,
                        "INSERT INTO positions(key, fingerprint, offset) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, "
                        "offset = excluded.offset");
        !r)
        return r;
    if (auto r = assign(upsert_host_,
                        "INSERT INTO host_urgency(host, urgency) VALUES (?, ?) "
                        "ON CONFLICT(host) DO UPDATE SET urgency = excluded.urgency");
        !r)
        return r;
    return assign(upsert_number_,
                  "INSERT INTO numbers(name, value) VALUES (?, ?) "
                  "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
}

core::Result<void> StateStore::begin() {
    return db_.exec("BEGIN IMMEDIATE");
}
core::Result<void> StateStore::commit() {
    return db_.exec("COMMIT");
}
core::Result<void> StateStore::rollback() {
    return db_.exec("ROLLBACK");
}

core::Result<bool> StateStore::insert_detection(StoredDetection& d) {
    const std::uint64_t identity = detection_identity(d);
    insert_detection_->bind(1, static_cast<std::int64_t>(identity))
        .bind(2, static_cast<std::int64_t>(d.timestamp))
        .bind(3, d.computer)
        .bind(4, d.channel)
        .bind(5, d.event_id)
        .bind(6, static_cast<std::int64_t>(d.record_id))
        .bind(7, d.rule_key)
        .bind(8, d.origin)
        .bind(9, encode_fields(d.fields));
    if (auto r = insert_detection_->run(); !r) return r.error();
    return db_.changes() == 1;
}

core::Result<void> StateStore::add_alert(std::string_view json) {
    insert_alert_->bind(1, json);
    return insert_alert_->run();
}

core::Result<void> StateStore::set_position(const InputPosition& p) {
    upsert_position_->bind(1, p.key).bind(2, p.fingerprint).bind(3, p.offset);
    return upsert_position_->run();
}

core::Result<void> StateStore::set_host_urgency(std::string_view host, int urgency) {
    upsert_host_->bind(1, host).bind(2, urgency);
    return upsert_host_->run();
}

core::Result<void> StateStore::set_number(std::string_view name, std::int64_t value) {
    upsert_number_->bind(1, name).bind(2, value);
    return upsert_number_->run();
}

core::Result<std::optional<InputPosition>> StateStore::position(std::string_view key) {
    return read_position(db_, key);
}

core::Result<std::map<std::string, int>> StateStore::host_urgencies() {
    auto q = db_.prepare("SELECT host, urgency FROM host_urgency");
    if (!q) return q.error();
    std::map<std::string, int> out;
    while (true) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out[std::string(q->column_text(0))] = static_cast<int>(q->column_int(1));
    }
    return out;
}

core::Result<std::int64_t> StateStore::number(std::string_view name, std::int64_t fallback) {
    return read_number(db_, name, fallback);
}

core::Result<void> StateStore::for_each_detection(
    const std::function<void(StoredDetection&&)>& visit) {
    auto q = db_.prepare(fmt::format("SELECT {} FROM detections ORDER BY seq", kDetectionColumns));
    if (!q) return q.error();
    while (true) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return {};
        visit(read_detection(*q));
    }
}

core::Result<StateReader> StateReader::open(const std::string& dir) {
    auto db = SqliteDb::open(state_db_path(dir));
    if (!db) return db.error();
    return StateReader(std::move(*db));
}

core::Result<void> StateReader::detections_since(
    std::uint64_t since, std::size_t limit, const std::function<void(StoredDetection&&)>& visit) {
    auto q = db_.prepare(fmt::format(
        "SELECT {} FROM detections WHERE ts >= ? ORDER BY ts, seq LIMIT ?", kDetectionColumns));
    if (!q) return q.error();
    q->bind(1, static_cast<std::int64_t>(since)).bind(2, static_cast<std::int64_t>(limit));
    while (true) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return {};
        visit(read_detection(*q));
    }
}

core::Result<void> StateReader::alerts_after(
    std::int64_t after, std::size_t limit,
    const std::function<void(std::int64_t, std::string_view)>& visit) {
    auto q = db_.prepare("SELECT seq, body FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!q) return q.error();
    q->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    while (true) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return {};
        visit(q->column_int(0), q->column_text(1));
    }
}

core::Result<std::int64_t> StateReader::number(std::string_view name, std::int64_t fallback) {
    return read_number(db_, name, fallback);
}

core::Result<std::optional<InputPosition>> StateReader::position(std::string_view key) {
    return read_position(db_, key);
}

core::Result<void> StateReader::prune_alerts(std::int64_t up_to) {
    if (up_to <= 0) return {};
    auto q = db_.prepare("DELETE FROM alerts WHERE seq <= ?");
    if (!q) return q.error();
    q->bind(1, up_to);
    return q->run();
}

core::Result<void> StateReader::set_number(std::string_view name, std::int64_t value) {
    return write_number(db_, name, value);
}

}  // namespace vigie::watch
