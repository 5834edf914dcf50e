#include "pg/apply.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <pqxx/except>
#include <pqxx/nontransaction>

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
constexpr const char* kQueryCanceled = "57014";  // statement_timeout (or a cancel request)
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

// Held: not attempted, since a session has held a conflicting lock for a while (`holders`).
enum class Outcome { Done, LockTimeout, Failed, Stopped, Held };

struct StepRun {
  Outcome outcome = Outcome::Done;
  std::string statement;
  std::string message;
  bool canceled = false;  // by statement_timeout (or a cancel request)
  std::vector<LockHolder> holders;
};

StepRun failedWith(const pqxx::sql_error& e, const std::string& statement) {
  StepRun run;
  run.outcome = e.sqlstate() == kLockNotAvailable ? Outcome::LockTimeout : Outcome::Failed;
  run.statement = statement;
  run.message = serverMessage(e.what());
  run.canceled = e.sqlstate() == kQueryCanceled;
  return run;
}

// Runs the step's statements in order in `tx`; the first one the server refuses is the failure.
// A lost connection is thrown on to the caller.
std::optional<StepRun> runStatements(pqxx::transaction_base& tx, const schema::Step& step) {
  for (const auto& statement : step.statements) {
    try {
      tx.exec_params(statement);
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const pqxx::sql_error& e) {
      return failedWith(e, statement);
    }
  }
  return std::nullopt;
}

// The strongest lock a step takes, if it stops the application's writes: such a step gets a
// statement_timeout, since every moment it runs is a moment the application waits.
std::optional<schema::LockMode> writeBlockingLock(const schema::Step& step) {
  std::optional<schema::LockMode> out;
  for (const auto& l : step.locks)
    if (schema::blocksWrites(l.mode) && (!out || l.mode > *out)) out = l.mode;
  return out;
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

// What apply found of the session before the first step (its lock_timeout is options.lockTimeout).
struct SessionTimeouts {
  bool statementTimeoutOff = false;  // the session's statement_timeout is 0 (the server's default)
};

// A step's transaction begun by hand, so that BEGIN travels in one round trip with the step's
// settings and its look for lock holders (pqxx::work sends BEGIN alone). Rolled back unless
// committed.
class StepTransaction {
 public:
  explicit StepTransaction(pqxx::connection& conn) : tx_(conn, "apply") {}
  StepTransaction(const StepTransaction&) = delete;
  StepTransaction& operator=(const StepTransaction&) = delete;
  ~StepTransaction() {
    if (!open_) return;
    try {
      tx_.exec("ROLLBACK");
    } catch (const std::exception&) {  // a lost connection ends the transaction all the same
    }
  }
  // BEGIN and then `alongside` (statements separated by ';', or nothing): the last one's rows.
  pqxx::result begin(const std::string& alongside) {
    open_ = true;
    return tx_.exec(alongside.empty() ? "BEGIN" : "BEGIN; " + alongside);
  }
  pqxx::transaction_base& statements() { return tx_; }
  // The connection lost at COMMIT leaves the outcome unknown, and is said so, as pqxx::work does.
  void commit() {
    open_ = false;
    try {
      tx_.exec("COMMIT");
    } catch (const pqxx::broken_connection& e) {
      throw pqxx::in_doubt_error(e.what());
    }
  }

 private:
  pqxx::nontransaction tx_;
  bool open_ = false;
};

// One attempt at a transactional step: all of its statements commit together or not at all.
// With `lookForHolders`, it first looks, in BEGIN's round trip, for sessions that have held a
// conflicting lock for a while, and when there are some stops there (Held) without queueing.
StepRun runTransactional(pqxx::connection& conn, const schema::Step& step, const ApplyOptions& options,
                         const SessionTimeouts& session, std::chrono::milliseconds lockTimeout, bool lookForHolders) {
  StepTransaction tx(conn);
  const auto blocking = writeBlockingLock(step);
  const bool timed = blocking && options.statementTimeout.count() > 0;
  // SET LOCAL: both end with the step, so the session's own settings apply to everything else.
  // Only what differs from the session is set.
  std::vector<std::string> alongside;
  if (lockTimeout != options.lockTimeout) alongside.push_back("SET LOCAL lock_timeout = '" + ms(lockTimeout) + "'");
  const std::string stepTimeout = timed ? ms(options.statementTimeout) : "0";
  if (!timed && !session.statementTimeoutOff) alongside.push_back("SET LOCAL statement_timeout = '0'");
  if (timed && !lookForHolders) alongside.push_back("SET LOCAL statement_timeout = '" + stepTimeout + "'");
  // The step's own statement_timeout bounds its statements, never the look for holders before
  // them: the look sets it (set_config of a one-row source the look is joined to, so it runs
  // whether or not a holder is found) for the statements that follow, the look's own timer
  // having started already.
  if (lookForHolders && timed)
    alongside.push_back("SELECT h.* FROM (SELECT pg_catalog.set_config('statement_timeout', '" + stepTimeout +
                        "', true)) AS s(v) CROSS JOIN LATERAL (SELECT * FROM (" + holdersQuery(step.locks) +
                        ") AS x WHERE s.v IS NOT NULL) AS h");
  else if (lookForHolders)
    alongside.push_back(holdersQuery(step.locks));
  std::string joined;
  for (const auto& s : alongside) joined += (joined.empty() ? "" : "; ") + s;
  const pqxx::result looked = tx.begin(joined);
  if (lookForHolders) {
    auto holders = holdersFrom(looked, step.locks, options.youngHolder);
    if (!holders.empty()) return StepRun{Outcome::Held, "", "", false, std::move(holders)};
  }
  if (auto run = runStatements(tx.statements(), step)) {  // rolled back as `tx` goes out of scope
    if (timed && run->canceled)
      run->message += " (statement_timeout " + describeDuration(options.statementTimeout) + ": the step holds " +
                      std::string(schema::toString(*blocking)) +
                      ", which stops the application's writes while it runs; raise --statement-timeout or "
                      "spec.apply.statementTimeout, 0 for none, to run it anyway)";
    return *run;
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
StepRun runNonTransactional(pqxx::connection& conn, const schema::Step& step, const ApplyOptions& options,
                            std::chrono::milliseconds lockTimeout) {
  std::optional<StepRun> failure;
  {
    pqxx::nontransaction tx(conn, "apply");
    if (lockTimeout != options.lockTimeout) tx.exec("SET lock_timeout = '" + ms(lockTimeout) + "'");
    failure = runStatements(tx, step);
  }
  if (lockTimeout != options.lockTimeout) {
    pqxx::nontransaction tx(conn, "apply");
    tx.exec("SET lock_timeout = '" + ms(options.lockTimeout) + "'");
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

double defaultRandom() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// Sleeps `d` in short slices; false when a stop was requested meanwhile.
bool pause(std::chrono::milliseconds d, const ApplyOptions& options) {
  const auto until = std::chrono::steady_clock::now() + d;
  for (;;) {
    if (stopRequested(options)) return false;
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

std::set<int> pidsOf(const std::vector<LockHolder>& holders) {
  std::set<int> out;
  for (const auto& h : holders) out.insert(h.pid);
  return out;
}

// Whether waiting in the lock queue for this step's locks can hold up the application: a queued
// request makes later conflicting requests queue behind it, and the application's reads and
// writes take ACCESS SHARE, ROW SHARE and ROW EXCLUSIVE. A step taking only weaker locks than
// those conflict with (CREATE INDEX CONCURRENTLY and VALIDATE take SHARE UPDATE EXCLUSIVE) can
// wait in the queue harmlessly, and should: an autovacuum yields to a waiter only after
// deadlock_timeout, and a concurrent build waits for older transactions under lock_timeout too.
// A step that names no table lock (an enum, a new table) is treated as one that could.
bool queueingStallsTheApplication(const schema::Step& step) {
  return step.locks.empty() || std::any_of(step.locks.begin(), step.locks.end(), [](const schema::TableLock& l) {
           return schema::blocksWrites(l.mode);
         });
}

// One step, until it ran, failed for a reason other than its locks, or spent its retry budget.
// A step whose lock would stall the application, before each attempt, waits without joining the
// lock queue while a session that has held a conflicting lock for a while still holds it; each
// attempt then queues at most lock_timeout. Any other step waits in the queue, up to the budget.
StepRun runWithinLockBudget(pqxx::connection& conn, const schema::Step& step, const ApplyOptions& options,
                            const SessionTimeouts& session) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const auto deadline = started + options.lockRetryBudget;
  const auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started); };
  const bool careful = queueingStallsTheApplication(step);
  int attempts = 0;
  std::vector<LockHolder> lastHolders;  // the holders seen last, named when the budget runs out
  std::set<int> reported;
  std::optional<StepRun> lastTimeout;
  const auto sawHolders = [&](std::vector<LockHolder> holders) {
    if (holders.empty()) return;
    if (options.onLockWait && pidsOf(holders) != reported)
      options.onLockWait(LockWait{step.object, step.locks, holders, elapsed()});
    reported = pidsOf(holders);
    lastHolders = std::move(holders);
  };
  const auto exhausted = [&] {
    StepRun run = lastTimeout.value_or(StepRun{});
    run.outcome = Outcome::LockTimeout;
    if (run.statement.empty() && !step.statements.empty()) run.statement = step.statements.front();
    run.message = "could not take " + describeLocks(step.locks) + " within the lock retry budget: tried for " +
                  describeDuration(elapsed()) +
                  (!careful        ? " (in the lock queue, where this lock holds up no read or write)"
                   : attempts == 0 ? " (waiting outside the lock queue: a conflicting lock was held throughout)"
                                   : " (" + std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") +
                                         ", each queueing at most " + describeDuration(options.lockTimeout) + ")");
    run.message += lastHolders.empty() ? "; no session was seen holding a conflicting lock"
                                       : "; held by " + describeHolders(lastHolders);
    if (lastTimeout) run.message += "; last error: " + lastTimeout->message;
    return run;
  };
  const auto random = [&] { return options.unitRandom ? options.unitRandom() : defaultRandom(); };
  // Waits `d`, but not past the deadline (one more look, or attempt, is made at it).
  const auto waitUpTo = [&](std::chrono::milliseconds d) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return pause(std::max(std::chrono::milliseconds(0), std::min(d, left)), options);
  };
  // Held elsewhere for a while: said, then looked at again after a pause, outside the queue.
  const auto heldElsewhere = [&](std::vector<LockHolder> holders) -> std::optional<StepRun> {
    sawHolders(std::move(holders));
    if (clock::now() >= deadline) return exhausted();
    if (!waitUpTo(options.holderPoll)) return StepRun{Outcome::Stopped, "", ""};
    return std::nullopt;
  };
  // A careful transactional step looks for holders inside its own attempt (one round trip less).
  const bool lookInside = careful && step.transactional && !step.locks.empty();
  for (int retries = 0;;) {
    if (!careful) {
      // Said, not waited for: the statement itself waits, in the queue, for what is left of the budget.
      sawHolders(conflictingHolders(conn, step.locks, options.youngHolder));
    } else if (!step.locks.empty() && !lookInside) {
      auto holders = conflictingHolders(conn, step.locks, options.youngHolder);
      if (!holders.empty()) {
        if (auto end = heldElsewhere(std::move(holders))) return *end;
        continue;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    const auto lockTimeout = careful ? options.lockTimeout : std::max(left, options.lockTimeout);
    StepRun run = step.transactional ? runTransactional(conn, step, options, session, lockTimeout, lookInside)
                                     : runNonTransactional(conn, step, options, lockTimeout);
    if (run.outcome == Outcome::Held) {
      if (auto end = heldElsewhere(std::move(run.holders))) return *end;
      continue;
    }
    ++attempts;
    if (run.outcome != Outcome::LockTimeout) return run;
    lastTimeout = run;
    // Whoever made the attempt wait, however briefly they have held it: named if the budget ends.
    if (!step.locks.empty()) sawHolders(conflictingHolders(conn, step.locks, std::chrono::milliseconds(0)));
    if (clock::now() >= deadline) return exhausted();
    if (!waitUpTo(retryDelay(retries++, options.retryBackoff, options.maxBackoff, random())))
      return StepRun{Outcome::Stopped, "", ""};
  }
}

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
    SessionTimeouts session;
    {
      // Session level, so it holds for every step and for the non-transactional ones too; the
      // statement_timeout read in the same round trip.
      pqxx::nontransaction tx(conn, "lock-timeout");
      const auto r = tx.exec("SET lock_timeout = '" + ms(options.lockTimeout) +
                             "'; SELECT pg_catalog.current_setting('statement_timeout') = '0'");
      session.statementTimeoutOff = r.at(0).at(0).as<bool>();
    }
    for (const auto& step : steps) {
      if (stopRequested(options)) break;
      current = &step;
      const StepRun run = runWithinLockBudget(conn, step, options, session);
      if (run.outcome == Outcome::Stopped) break;
      if (run.outcome != Outcome::Done) {
        result.failure = StepFailure{step.object, run.statement, run.message};
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
