// watch/sqlite_db.hpp - a thin RAII layer over SQLite: a connection, prepared statements,
// transactions, every failure as a core::Error naming the database file.
//
//   auto db = watch::SqliteDb::open(path);            // WAL, foreign keys, busy timeout
//   if (!db) return db.error();
//   auto insert = db->prepare("INSERT INTO t(a, b) VALUES (?, ?)");
//   insert->bind(1, 42).bind(2, "text");
//   if (auto r = insert->run(); !r) return r.error();
//
// One connection is used by one thread at a time (SQLite's "multi-thread" mode); threads that
// read while another writes open their own connection (WAL lets readers run beside a writer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigie::watch {

class SqliteStatement {
  public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string path)
        : db_(db), stmt_(stmt), path_(std::move(path)) {}
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    ~SqliteStatement();

    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind_null(int index);

    /// Runs a statement that returns no rows (or ignores them), then resets it.
    core::Result<void> run();
    /// Steps once: true when a row is ready (read it with column_*), false when done.
    core::Result<bool> step();
    /// Resets the statement for another run with new bindings.
    void reset();

    std::int64_t column_int(int index) const;
    std::string_view column_text(int index) const;
    bool column_is_null(int index) const;

  private:
    core::Error error(std::string_view what) const;
    sqlite3* db_;
    sqlite3_stmt* stmt_;
    std::string path_;
};

class SqliteDb {
  public:
    /// Opens (creating) a database in WAL mode with `synchronous` as given ("NORMAL": a
    /// commit survives the process being killed; "FULL": also a power cut).
    static core::Result<SqliteDb> open(const std::string& path,
                                       std::string_view synchronous = "NORMAL");
    SqliteDb(SqliteDb&& other) noexcept;
    SqliteDb& operator=(SqliteDb&& other) noexcept;
    ~SqliteDb();

    core::Result<void> exec(std::string_view sql);
    core::Result<SqliteStatement> prepare(std::string_view sql);
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    const std::string& path() const noexcept { return path_; }

  private:
    SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    sqlite3* db_ = nullptr;
    std::string path_;
};

}  // namespace vigie::watch
