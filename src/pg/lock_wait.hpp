#pragma once
// Waiting for a table lock without hurting the application (docs/online-ddl.md): who holds a lock
// that conflicts with the one a step needs (read from pg_locks and pg_stat_activity, never the
// holder's query text, which may carry secrets), the backoff between attempts, and the words that
// report a wait.
#include <chrono>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/result>

#include "schema/locks.hpp"

namespace pg {

// A session holding a granted lock that conflicts with the one wanted.
struct LockHolder {
  int pid = 0;                  // 0: a prepared transaction (no session)
  std::string applicationName;  // empty when the session set none
  std::string backendType;      // "client backend", "autovacuum worker", …
  schema::LockMode mode = schema::LockMode::AccessShare;  // the mode it holds
  std::string table;            // qualified, as the step names it
  // How long its transaction has been open (the lock is held at most that long); negative when
  // the server does not show it to this role (another user's session, without pg_read_all_stats).
  std::chrono::milliseconds heldFor{-1};
  bool operator==(const LockHolder&) const = default;
};

// The sessions other than this one holding, on the step's tables, a granted lock that conflicts
// with the step's, whose transaction has been open at least `minHeld` (unknown ages count), the
// longest first. A table that does not exist yet has none.
std::vector<LockHolder> conflictingHolders(pqxx::connection& conn, const std::vector<schema::TableLock>& locks,
                                           std::chrono::milliseconds minHeld);
// The same look in two halves, for a caller that sends the query along with other statements in
// one round trip (apply does, with a step's BEGIN): the query text for non-empty `locks`, and the
// holders read from its rows.
std::string holdersQuery(const std::vector<schema::TableLock>& locks);
std::vector<LockHolder> holdersFrom(const pqxx::result& rows, const std::vector<schema::TableLock>& locks,
                                    std::chrono::milliseconds minHeld);

// The wait before retry number `retry` (0 for the first): `base` doubled per retry up to `cap`,
// then jittered into [half, whole] by `unitRandom` in [0, 1), so that appliers that collided do
// not collide again in step.
std::chrono::milliseconds retryDelay(int retry, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                     double unitRandom);

// `ACCESS EXCLUSIVE on "public"."orders"`, several joined with " and "; "its locks" for none.
std::string describeLocks(const std::vector<schema::TableLock>& locks);
// "350ms", "12.3s", "5m3s".
std::string describeDuration(std::chrono::milliseconds d);
// `pid 4242 (application "report", holding ACCESS SHARE on "public"."orders" in a transaction open
// 12.3s)`; several joined with "; ".
std::string describeHolders(const std::vector<LockHolder>& holders);

}  // namespace pg
