#include "harness/store/internal_sqlite.h"

#include <algorithm>
#include <cstring>

namespace scalebench::internal {

std::string DatabaseError(const std::string& path, sqlite3* db) {
  return "history database " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

bool Exec(sqlite3* db, const std::string& path, const std::string& sql, std::string* error) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *error = DatabaseError(path, db);
  return false;
}

void Rollback(sqlite3* db) {
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::string Placeholders(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

int CountColumns(const char* columns) {
  return 1 + static_cast<int>(std::count(columns, columns + std::strlen(columns), ','));
}

}  // namespace scalebench::internal
