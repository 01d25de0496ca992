#include "watch/sqlite_db.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace vigie::watch {

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), path_(std::move(other.path_)) {
    other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

core::Result<void> SqliteStatement::run() {
    int rc;
    do {
        rc = sqlite3_step(stmt_);
    } while (rc == SQLITE_ROW);
    const bool ok = rc == SQLITE_DONE;
    core::Error e = ok ? core::Error{} : error("step");
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (!ok) return e;
    return {};
}

core::Result<bool> SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return error("step");
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string_view SqliteStatement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool SqliteStatement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

core::Error SqliteStatement::error(std::string_view what) const {
    return core::Error{core::ErrorCode::kIo,
                       fmt::format("SQLite {}: {}", what, sqlite3_errmsg(db_)),
                       core::Location::in_file(path_)};
}

core::Result<SqliteDb> SqliteDb::open(const std::string& path, std::string_view synchronous) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        core::Error e{core::ErrorCode::kIo,
                      fmt::format("cannot open database: {}",
                                  db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)),
                      core::Location::in_file(path)};
        sqlite3_close(db);
        return e;
    }
    sqlite3_busy_timeout(db, 10000);
    SqliteDb out(db, path);
    if (auto r = out.exec("PRAGMA journal_mode=WAL"); !r) return r.error();
    if (auto r = out.exec(fmt::format("PRAGMA synchronous={}", synchronous)); !r) return r.error();
    return out;
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) {
    other.db_ = nullptr;
}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
    if (this != &other) {
        if (db_ != nullptr) sqlite3_close_v2(db_);
        db_ = other.db_;
        path_ = std::move(other.path_);
        other.db_ = nullptr;
    }
    return *this;
}

SqliteDb::~SqliteDb() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

core::Result<void> SqliteDb::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        core::Error e{core::ErrorCode::kIo,
                      fmt::format("SQLite: {} (in: {})", message != nullptr ? message : "error",
                                  text.substr(0, 60)),
                      core::Location::in_file(path_)};
        sqlite3_free(message);
        return e;
    }
    return {};
}

core::Result<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
        return core::Error{core::ErrorCode::kIo,
                           fmt::format("SQLite prepare: {}", sqlite3_errmsg(db_)),
                           core::Location::in_file(path_)};
    }
    return SqliteStatement(db_, stmt, path_);
}

std::int64_t SqliteDb::changes() const {
    return sqlite3_changes64(db_);
}

}  // namespace vigie::watch
