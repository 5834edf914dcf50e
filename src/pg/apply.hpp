#pragma once
// Running a plan: under an advisory lock keyed on database and schema, each step in its own
// transaction where Postgres allows it, with lock_timeout and bounded retries on lock timeouts.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/error.hpp"
#include "schema/plan.hpp"

namespace pg {

struct ApplyOptions {
  std::chrono::milliseconds lockTimeout{5000};  // SET lock_timeout for every DDL statement
  int lockRetries = 5;                          // retries of a step that hit lock_timeout
  std::chrono::milliseconds retryBackoff{200};  // doubled after each retry
  // Hook for tests and for the controller's shutdown: when it returns true no further step starts.
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
