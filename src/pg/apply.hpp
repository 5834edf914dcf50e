#pragma once
// Running a plan: under an advisory lock keyed on database and schema, each step in its own
// transaction where Postgres allows it. A step never makes the application wait on its table for
// longer than a short lock_timeout at a time: before each attempt it waits, outside the lock
// queue, while another session visibly holds a conflicting lock, and a lock timeout is retried
// with backoff and jitter until the step's retry budget is spent (docs/online-ddl.md).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "pg/lock_wait.hpp"
#include "schema/plan.hpp"

namespace pg {

// A step waiting for its lock: who holds a conflicting one, since when the step has been trying.
struct LockWait {
  std::string object;                 // the step's object ("orders.note")
  std::vector<schema::TableLock> wanted;
  std::vector<LockHolder> holders;    // empty when none is visible (a lock timeout on a busy table)
  std::chrono::milliseconds waited{0};
};

inline constexpr std::chrono::milliseconds kDefaultLockTimeout{300};
inline constexpr std::chrono::milliseconds kDefaultLockRetryBudget{std::chrono::minutes(5)};
inline constexpr std::chrono::milliseconds kDefaultStatementTimeout{std::chrono::minutes(1)};

struct ApplyOptions {
  // SET lock_timeout: the longest the application's queries on a table queue behind one attempt.
  std::chrono::milliseconds lockTimeout = kDefaultLockTimeout;
  // How long one step keeps trying for its locks (waiting for holders and retrying lock
  // timeouts) before the apply stops with the holder named.
  std::chrono::milliseconds lockRetryBudget = kDefaultLockRetryBudget;
  // statement_timeout of a step that holds a lock stopping writes (0: none). CONCURRENTLY builds
  // and VALIDATE, which let reads and writes go on and may take long by design, never get one.
  std::chrono::milliseconds statementTimeout = kDefaultStatementTimeout;
  std::chrono::milliseconds retryBackoff{100};  // the first wait after a lock timeout, doubled per retry
  std::chrono::milliseconds maxBackoff{3000};
  std::chrono::milliseconds holderPoll{100};    // how often a visible holder is looked at again
  // A holder whose transaction is younger than this is not waited for: a busy table always has
  // short ones, and lock_timeout bounds the stall if one lasts.
  std::chrono::milliseconds youngHolder{50};
  std::function<double()> unitRandom;           // jitter in [0, 1); a random source when unset
  // Called when a step starts waiting for a visible holder, and again when the holders change.
  std::function<void(const LockWait&)> onLockWait;
  // Hook for tests and for the controller's shutdown: when it returns true no further step starts
  // (and a step waiting for its lock gives up the wait).
  std::function<bool()> stopRequested;
};

struct StepFailure {
  std::string object;
  std::string statement;  // the statement the server refused
  std::string message;    // the server's message
};

struct ApplyResult {
  std::vector<schema::Step> applied;  // in order
  std::optional<StepFailure> failure; // the step that stopped the run
};

// Holds pg_advisory_lock(class, key(database, schema)) for its lifetime (session level, so it
// spans non-transactional steps). Waits at most `wait` for another applier.
class AdvisoryLock {
 public:
  static core::Result<std::unique_ptr<AdvisoryLock>> acquire(pqxx::connection& conn, const std::string& schemaName,
                                                             std::chrono::milliseconds wait);
  ~AdvisoryLock();
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  AdvisoryLock(pqxx::connection& conn, std::string schemaName);
  pqxx::connection& conn_;
  std::string schema_;
};

// Runs the steps in order; stops at the first failure (reported in the result, not as an error).
// Errors are for the connection itself failing.
core::Result<ApplyResult> apply(pqxx::connection& conn, const std::vector<schema::Step>& steps,
                                const ApplyOptions& options);

}  // namespace pg
