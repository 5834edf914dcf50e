#include "pg/apply.hpp"

#include <exception>
#include <optional>
#include <thread>

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "pg/failure.hpp"

namespace pg {

namespace {

// Both keys are computed by the server so that every tool that locks "schema-operator" on the same
// database and schema agrees, whatever its own hash function.
constexpr const char* kTryLock =
    "SELECT pg_try_advisory_lock(hashtext('schema-operator'), hashtext(current_database() || '/' || $1))";
constexpr const char* kUnlock =
    "SELECT pg_advisory_unlock(hashtext('schema-operator'), hashtext(current_database() || '/' || $1))";

constexpr const char* kLockNotAvailable = "55P03";
constexpr std::chrono::milliseconds kLockPoll{100};

// The server's message without libpq's "ERROR:  " prefix and the caret lines; DETAIL and HINT kept
// on the same line, since they often carry the data that explains the failure.
std::string serverMessage(const std::string& what) {
  std::string first;
  std::string extra;
  size_t start = 0;
  bool isFirst = true;
  while (start < what.size()) {
    size_t end = what.find('\n', start);
    if (end == std::string::npos) end = what.size();
    std::string line = what.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    if (isFirst) {
      for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
        const std::string p = prefix;
        if (line.compare(0, p.size(), p) == 0) line = line.substr(p.size());
      }
      first = line;
      isFirst = false;
    } else if (line.compare(0, 7, "DETAIL:") == 0 || line.compare(0, 5, "HINT:") == 0) {
      const size_t colon = line.find(':');
      size_t text = colon + 1;
      while (text < line.size() && line[text] == ' ') ++text;
      extra += " (" + line.substr(0, colon + 1) + " " + line.substr(text) + ")";
    }
  }
  return first + extra;
}

bool stopRequested(const ApplyOptions& options) { return options.stopRequested && options.stopRequested(); }

enum class Outcome { Done, LockTimeout, Failed };

struct StepRun {
  Outcome outcome = Outcome::Done;
  std::string statement;
  std::string message;
};

StepRun failedWith(const pqxx::sql_error& e, const std::string& statement) {
  StepRun run;
  run.outcome = e.sqlstate() == kLockNotAvailable ? Outcome::LockTimeout : Outcome::Failed;
  run.statement = statement;
  run.message = serverMessage(e.what());
  return run;
}

// One attempt at a transactional step: all of its statements commit together or not at all.
StepRun runTransactional(pqxx::connection& conn, const schema::Step& step) {
  pqxx::work tx(conn, "apply");
  for (const auto& statement : step.statements) {
    try {
      tx.exec_params(statement);
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const pqxx::sql_error& e) {
      return failedWith(e, statement);  // the transaction aborts as `tx` goes out of scope
    }
  }
  try {
    tx.commit();
  } catch (const pqxx::in_doubt_error&) {
    throw;
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    // A deferred check fails at commit: the step is rolled back all the same.
    return failedWith(e, "COMMIT");
  }
  return {};
}

// One attempt at a step Postgres refuses inside a transaction (CREATE INDEX CONCURRENTLY). A
// failure can leave an INVALID index behind, so `onFailure` cleans up before the caller retries or
// reports.
StepRun runNonTransactional(pqxx::connection& conn, const schema::Step& step) {
  std::optional<StepRun> failure;
  {
    pqxx::nontransaction tx(conn, "apply");
    for (const auto& statement : step.statements) {
      try {
        tx.exec_params(statement);
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const pqxx::sql_error& e) {
        failure = failedWith(e, statement);
        break;
      }
    }
  }
  if (!failure) return {};
  for (const auto& cleanup : step.onFailure) {
    try {
      pqxx::nontransaction tx(conn, "apply-cleanup");
      tx.exec_params(cleanup);
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const std::exception&) {
      // Best effort: the next inspection sees an INVALID index and plans its re-creation.
    }
  }
  return *failure;
}

}  // namespace

AdvisoryLock::AdvisoryLock(pqxx::connection& conn, std::string schemaName)
    : conn_(conn), schema_(std::move(schemaName)) {}

core::Result<std::unique_ptr<AdvisoryLock>> AdvisoryLock::acquire(pqxx::connection& conn, const std::string& schemaName,
                                                                 std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  try {
    for (;;) {
      bool locked = false;
      {
        pqxx::nontransaction tx(conn, "advisory-lock");
        locked = tx.exec_params1(kTryLock, schemaName)[0].as<bool>();
      }
      if (locked) return std::unique_ptr<AdvisoryLock>(new AdvisoryLock(conn, schemaName));
      if (std::chrono::steady_clock::now() + kLockPoll > deadline) break;
      std::this_thread::sleep_for(kLockPoll);
    }
  } catch (const std::exception& e) {
    return failureOf(e, "cannot take the apply lock");
  }
  const char* db = conn.dbname();
  return core::transient("another apply holds the lock for " + std::string(db ? db : "") + "/" + schemaName);
}

AdvisoryLock::~AdvisoryLock() {
  try {
    pqxx::nontransaction tx(conn_, "advisory-unlock");
    tx.exec_params(kUnlock, schema_);
  } catch (...) {
    // A dead session has released its advisory locks already.
  }
}

namespace {

// The connection lost after some steps committed: what ran is reported, with the loss as the
// failure of the step it happened in, rather than dropped with the error.
core::Result<ApplyResult> lostAfter(ApplyResult result, const schema::Step* step, core::Error error) {
  if (result.applied.empty() || !step) return error;
  result.failure = StepFailure{step->object, "", error.message};
  return result;
}

}  // namespace

core::Result<ApplyResult> apply(pqxx::connection& conn, const std::vector<schema::Step>& steps,
                                const ApplyOptions& options) {
  ApplyResult result;
  if (steps.empty()) return result;
  const schema::Step* current = nullptr;
  try {
    {
      // Session level, so it holds for every step and for the non-transactional ones too.
      pqxx::nontransaction tx(conn, "lock-timeout");
      tx.exec("SET lock_timeout = '" + std::to_string(options.lockTimeout.count()) + "ms'");
    }
    for (const auto& step : steps) {
      if (stopRequested(options)) break;
      current = &step;
      auto backoff = options.retryBackoff;
      StepRun run;
      for (int attempt = 0;; ++attempt) {
        run = step.transactional ? runTransactional(conn, step) : runNonTransactional(conn, step);
        if (run.outcome != Outcome::LockTimeout || attempt >= options.lockRetries) break;
        if (stopRequested(options)) break;
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
      }
      if (run.outcome != Outcome::Done) {
        StepFailure failure{step.object, run.statement, run.message};
        if (run.outcome == Outcome::LockTimeout) {
          failure.message += " (gave up after " + std::to_string(options.lockRetries) + " retries)";
        }
        result.failure = std::move(failure);
        break;
      }
      result.applied.push_back(step);
    }
  } catch (const pqxx::in_doubt_error& e) {
    return lostAfter(std::move(result), current, failureOf(e, "committing a step (the catalog is read again next time)"));
  } catch (const pqxx::broken_connection& e) {
    return lostAfter(std::move(result), current, failureOf(e, "applying"));
  } catch (const pqxx::sql_error& e) {
    return core::terminal(std::string("cannot prepare the session for applying: ") + serverMessage(e.what()));
  } catch (const std::exception& e) {
    return failureOf(e, "applying");
  }
  return result;
}

}  // namespace pg
