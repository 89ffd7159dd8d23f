// Thin helpers over SQLite's C API for the history store: a prepared statement with positional
// binding and typed column access, and error texts that name the database file. Not part of the
// public API (harness/store/history_store.h is).
#pragma once

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace scalebench::internal {

// "history database PATH: <SQLite's message>".
std::string DatabaseError(const std::string& path, sqlite3* db);

// A prepared statement with positional binding and typed column access. NaN binds as NULL and
// NULL reads back as NaN, so "not measured" survives the round trip.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }

  Statement& Bind(const std::string& value) {
    sqlite3_bind_text(stmt_, ++next_, value.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(const char* value) { return Bind(std::string(value)); }
  Statement& Bind(double value) {
    if (std::isnan(value)) {
      sqlite3_bind_null(stmt_, ++next_);
    } else {
      sqlite3_bind_double(stmt_, ++next_, value);
    }
    return *this;
  }
  Statement& Bind(std::optional<double> value) {
    return Bind(value ? *value : std::numeric_limits<double>::quiet_NaN());
  }
  Statement& Bind(std::int64_t value) {
    sqlite3_bind_int64(stmt_, ++next_, value);
    return *this;
  }
  Statement& Bind(int value) { return Bind(static_cast<std::int64_t>(value)); }
  Statement& Bind(bool value) { return Bind(static_cast<std::int64_t>(value ? 1 : 0)); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  double Real(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
      return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(stmt_, column);
  }
  std::optional<double> OptionalReal(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, column);
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 0;
};

// Runs `sql` (no result rows); false with *error = DatabaseError(path, db) on failure.
bool Exec(sqlite3* db, const std::string& path, const std::string& sql, std::string* error);
// Best effort: after a failed statement the transaction may already be gone.
void Rollback(sqlite3* db);
// "?, ?, ?" with n marks.
std::string Placeholders(int n);
// The number of comma-separated names in a column list.
int CountColumns(const char* columns);

}  // namespace scalebench::internal
