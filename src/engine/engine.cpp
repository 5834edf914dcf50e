#include "engine/engine.hpp"

#include <exception>
#include <memory>

#include <pqxx/except>

#include "pg/failure.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"

namespace engine {

namespace {

// Below this many declared tables the catalog reads in a few milliseconds: a second connection
// would cost more than it saves.
constexpr size_t kSplitReadTables = 200;

// Steps 1–5 of the pipeline: read, canonicalise, diff, probe, classify, plan. Only the three pg::
// calls do I/O; everything between them is data.
core::Result<schema::Plan> makePlan(pqxx::connection& conn, const spec::DatabaseSchema& resource, const Options& options,
                                    pg::QueryCounter& counter, double* inspectSeconds = nullptr,
                                    const CatalogRead* alreadyRead = nullptr) {
  const std::string& schemaName = resource.model.schema;
  std::optional<CatalogRead> read;
  if (!alreadyRead) {
    auto fresh = readCatalog(conn, schemaName, resource.model.tables.size(), options.openReader);
    if (!fresh) return fresh.error();
    read = std::move(*fresh);
    alreadyRead = &*read;
  }
  counter.queries += alreadyRead->queries;
  if (inspectSeconds) *inspectSeconds = alreadyRead->seconds;
  const schema::Model* have = &alreadyRead->model;

  // Every declared type and expression Postgres has not printed already (as the live object's
  // text) is put to it; the plan is then made from what it printed, never from the author's text.
  schema::Canon canon;
  const schema::CanonQuestions questions = schema::canonQuestions(*have, resource.model);
  if (!questions.empty()) {
    auto answers = pg::canonicalize(conn, schemaName, questions, &counter);
    if (!answers) return answers.error();
    canon = std::move(*answers);
  }
  auto want = schema::canonicalModel(*have, resource.model, canon);
  if (!want) return want.error();

  std::vector<schema::Change> changes = schema::diff(*have, *want, resource.policy, canon);

  schema::Facts facts;
  const schema::FactQuestions needed = schema::factsNeeded(changes);
  if (!needed.empty()) {
    auto probed = pg::probe(conn, schemaName, needed, &counter);
    if (!probed) return probed.error();
    facts = std::move(*probed);
  }
  changes = schema::classify(std::move(changes), facts);

  return schema::plan(changes, schemaName);
}

}  // namespace

core::Result<CatalogRead> readCatalog(pqxx::connection& conn, const std::string& schemaName, size_t declaredTables,
                                      const pg::ConnectionFactory& openReader) {
  try {
    pg::QueryCounter counter;
    if (auto used = pg::useSchema(conn, schemaName, &counter); !used) return used.error();
    static const pg::ConnectionFactory none;
    const auto started = std::chrono::steady_clock::now();
    // Index definitions: nothing the engine decides reads them.
    auto model = pg::inspect(conn, schemaName, &counter, /*indexDefinitions=*/false,
                             declaredTables >= kSplitReadTables ? openReader : none);
    if (!model) return model.error();
    return CatalogRead{std::move(*model), counter.queries,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  } catch (const pqxx::broken_connection& e) {
    return pg::failureOf(e, "reading the catalog");
  }
}

namespace {

long long statementsSent(const std::vector<schema::Step>& steps) {
  long long n = 0;
  for (const auto& s : steps) n += static_cast<long long>(s.statements.size());
  return n;
}

core::Result<Report> runUnguarded(pqxx::connection& conn, const spec::DatabaseSchema& resource,
                                  const Options& options) {
  pg::QueryCounter counter;
  Report report;
  report.serverVersion = pg::serverVersion(conn);

  const bool applying = options.apply && resource.mode == spec::Mode::Apply;
  schema::Approval approval = resource.approval;
  if (options.allowDestructive) approval.all = true;

  // Most re-checks find nothing to do, so unless told otherwise the first read takes no lock: an
  // in-sync check costs the catalog read alone. Whatever runs is planned under the lock, so that
  // two appliers never act on the same stale picture of the catalog.
  std::unique_ptr<pg::AdvisoryLock> lock;
  auto takeLock = [&]() -> core::Result<void> {
    auto acquired = pg::AdvisoryLock::acquire(conn, resource.model.schema, options.lockWait);
    ++counter.queries;
    if (!acquired) return acquired.error();
    lock = std::move(*acquired);
    return {};
  };
  if (applying && options.lockFirst)
    if (auto locked = takeLock(); !locked) return locked.error();

  const bool readUnlocked = !(applying && options.lockFirst);
  auto planned = makePlan(conn, resource, options, counter, &report.introspectionSeconds,
                          readUnlocked && options.catalog ? &*options.catalog : nullptr);
  if (!planned) return planned.error();
  report.plan = std::move(*planned);
  if (applying && !lock && !schema::runnable(report.plan, approval).empty()) {
    if (auto locked = takeLock(); !locked) return locked.error();
    auto replanned = makePlan(conn, resource, options, counter, &report.introspectionSeconds);
    if (!replanned) return replanned.error();
    report.plan = std::move(*replanned);
  }
  const std::vector<schema::Step> steps = applying ? schema::runnable(report.plan, approval) : std::vector<schema::Step>{};
  if (steps.empty()) {  // in sync, only plan asked for, or another applier got there first
    report.remaining = report.plan;
    if (lock) {
      lock.reset();
      ++counter.queries;
    }
    report.queries = counter.queries;
    return report;
  }

  auto applied = pg::apply(conn, steps, options.applyOptions);
  if (!applied) return applied.error();
  report.applied = std::move(applied->applied);
  report.failure = std::move(applied->failure);
  counter.queries += 1 + statementsSent(report.applied);  // SET lock_timeout, then the statements

  // What still differs is read back from the catalog, not assumed from what ran.
  auto again = makePlan(conn, resource, options, counter);
  if (!again) return again.error();
  report.remaining = std::move(*again);

  lock.reset();
  ++counter.queries;
  report.queries = counter.queries;
  return report;
}

}  // namespace

core::Result<Report> run(pqxx::connection& conn, const spec::DatabaseSchema& resource, const Options& options) {
  try {
    return runUnguarded(conn, resource, options);
  } catch (const std::exception& e) {
    return pg::failureOf(e, "checking schema " + resource.model.schema);
  }
}

}  // namespace engine
