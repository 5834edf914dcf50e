#include "engine/engine.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <set>

#include <pqxx/except>

#include "pg/failure.hpp"
#include "pg/functions.hpp"
#include "pg/partitions.hpp"
#include "pg/policies.hpp"
#include "pg/preflight.hpp"
#include "pg/triggers.hpp"
#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/function.hpp"
#include "schema/view.hpp"
#include "schema/withhold.hpp"
#include "schema/version_needs.hpp"

namespace engine {

namespace {

// Below this many declared tables the catalog reads in a few milliseconds: a second connection
// would cost more than it saves.
constexpr size_t kSplitReadTables = 200;

// schema::secondLookQuestions: one more round trip, only when a declared check or predicate came
// out unlike both its live counterpart and its own text. A text the server refuses the second time
// (a live check that no longer parses against the declared columns) only means "not the same", so
// the first answers stand; a lost connection is still an error.
core::Result<schema::Model> secondLook(pqxx::connection& conn, const std::string& schemaName,
                                       const schema::Model& have, const schema::Model& declared, schema::Model want,
                                       const std::vector<schema::Function>& newFunctions) {
  schema::CanonQuestions questions = schema::secondLookQuestions(have, declared, want);
  if (questions.empty()) return want;
  questions.newFunctions = newFunctions;
  auto answers = pg::canonicalize(conn, schemaName, questions);
  if (!answers) {
    if (answers.error().kind == core::ErrorKind::Transient) return answers.error();
    return want;
  }
  return schema::afterSecondLook(have, want, *answers);
}

// What the questions made of a declaration: the model as Postgres printed it, and the answers
// diff needs besides.
struct Asked {
  schema::Model want;
  schema::Canon canon;
};

// Every declared type and expression Postgres has not printed already (as the live object's
// text) is put to it; the plan is then made from what it printed, never from the author's text.
core::Result<Asked> askDeclarations(pqxx::connection& conn, const std::string& schemaName, const schema::Model& have,
                                    const schema::Model& declaredModel) {
  schema::CanonQuestions planned = schema::canonQuestions(have, declaredModel);
  // Functions first (over the types the plan creates and the declared tables): a default, check,
  // index, view, partition or policy may call one the plan creates, which then stands in the
  // schema, as Postgres printed it, while those are asked (planned.newFunctions).
  const schema::FunctionQuestions functionQuestions = schema::functionQuestions(have, declaredModel);
  auto functionAnswers = pg::askFunctions(conn, schemaName, planned, functionQuestions);
  if (!functionAnswers) return functionAnswers.error();
  auto functions = schema::answeredFunctions(have, declaredModel.functions, *functionAnswers);
  if (!functions) return functions.error();
  planned.newFunctions = schema::functionsForQuestions(have, declaredModel, *functions);

  schema::Canon canon;
  if (!planned.empty()) {
    auto answers = pg::canonicalize(conn, schemaName, planned);
    if (!answers) return answers.error();
    canon = std::move(*answers);
  }
  // The one copy of the declaration a plan makes: canonicalModel's, the functions answered in it.
  auto want = schema::canonicalModel(have, declaredModel, canon);
  if (!want) return want.error();
  want->functions = std::move(*functions);
  if (auto settled = secondLook(conn, schemaName, have, declaredModel, std::move(*want), planned.newFunctions); settled)
    want = std::move(*settled);
  else
    return settled.error();
  // View queries likewise.
  const schema::ViewQuestions viewQuestions = schema::viewQuestions(have, *want);
  schema::ViewAnswers viewAnswers;
  if (!viewQuestions.empty()) {
    auto answered = pg::canonicalizeViews(conn, schemaName, planned, viewQuestions);
    if (!answered) return answered.error();
    viewAnswers = std::move(*answered);
  }
  want = schema::canonicalViews(have, std::move(*want), viewAnswers);
  if (!want) return want.error();
  // Partition keys and bounds the same way, once the types are Postgres's.
  const std::vector<schema::PartitionQuestion> partitionQuestions = schema::partitionQuestions(have, *want);
  auto partitionAnswers = pg::askPartitions(conn, schemaName, planned, partitionQuestions);
  if (!partitionAnswers) return partitionAnswers.error();
  want = schema::withPartitionAnswers(have, std::move(*want), *partitionAnswers);
  if (!want) return want.error();
  // Policy expressions the same way.
  const std::vector<schema::PolicyQuestion> policyQuestions = schema::policyQuestions(have, *want);
  auto policyAnswers = pg::askPolicies(conn, schemaName, planned, policyQuestions);
  if (!policyAnswers) return policyAnswers.error();
  want = schema::withPolicyAnswers(have, std::move(*want), *policyAnswers);
  if (!want) return want.error();
  // Trigger conditions the same way.
  const std::vector<schema::TriggerQuestion> triggerQuestions = schema::triggerQuestions(have, *want);
  auto triggerAnswers = pg::askTriggers(conn, schemaName, planned, triggerQuestions);
  if (!triggerAnswers) return triggerAnswers.error();
  want = schema::withTriggerAnswers(have, std::move(*want), *triggerAnswers);
  if (!want) return want.error();
  return Asked{std::move(*want), std::move(canon)};
}

// How many items a declaration holds that preflight could withhold: a bound on the rounds of
// questions, each of which withholds one or ends.
size_t withholdable(const schema::Model& m) {
  size_t n = m.extensions.size() + m.tables.size() + m.views.size() + m.functions.size();
  for (const auto& t : m.tables) n += t.policies.size() + t.triggers.size();
  return n;
}

// The declaration the questions are put about: the resource's own until preflight withholds
// something, then a copy without it (a copy of 1,000 tables is not free, and most plans withhold
// nothing).
class Declaration {
 public:
  explicit Declaration(const schema::Model& resource) : current_(&resource) {}
  Declaration(const Declaration&) = delete;
  Declaration& operator=(const Declaration&) = delete;
  const schema::Model& get() const { return *current_; }
  schema::Model& edit() {
    if (!copy_) {
      copy_ = *current_;
      current_ = &*copy_;
    }
    return *copy_;
  }

 private:
  const schema::Model* current_;
  std::optional<schema::Model> copy_;
};

// Preflight of the extensions the plan creates: one the server has no files for is withheld
// before anything is asked (what needs it is then refused for want of it, and withheld too).
core::Result<void> withholdUnavailableExtensions(pqxx::connection& conn, const schema::Model& have,
                                                 Declaration& declared, schema::Withheld& withheld) {
  std::vector<std::string> created;
  for (const auto& e : declared.get().extensions)
    if (std::find(have.extensions.begin(), have.extensions.end(), e) == have.extensions.end()) created.push_back(e);
  auto available = pg::availableExtensions(conn, created);
  if (!available) return available.error();
  for (const auto& e : created)
    if (!available->count(e))
      schema::withholdExtension(declared.edit(), e,
                                "extension " + e + " is not available on this server (not in pg_available_extensions): "
                                "install its package on the database server; what needs it waits with it",
                                withheld);
  return {};
}

// Steps 1–5 of the pipeline: read, canonicalise, diff, probe, classify, plan. Only the pg:: calls
// (the catalog read, preflight, the questions, the probe) do I/O; everything between them is data.
// `unmanaged`, when given, receives what the read found of kinds the resource does not manage.
core::Result<schema::Plan> makePlan(pqxx::connection& conn, const spec::DatabaseSchema& resource, const Options& options,
                                    double* inspectSeconds = nullptr, const CatalogRead* alreadyRead = nullptr,
                                    std::vector<schema::UnmanagedObject>* unmanaged = nullptr) {
  const std::string& schemaName = resource.model.schema;
  std::optional<CatalogRead> read;
  if (!alreadyRead) {
    auto fresh = readCatalog(conn, schemaName, resource.model.tables.size(), options.openReader);
    if (!fresh) return fresh.error();
    read = std::move(*fresh);
    alreadyRead = &*read;
  }
  if (inspectSeconds) *inspectSeconds = alreadyRead->seconds;
  if (unmanaged) *unmanaged = alreadyRead->model.unmanaged;
  const schema::Model* have = &alreadyRead->model;

  // A declaration the server's major cannot carry out is an input error before anything is asked.
  if (auto unsupported = schema::unsupportedOn(resource.model, conn.server_version() / 10000)) return *unsupported;

  // Preflight: what the declaration needs from outside the plan is looked for before anything is
  // done. An item whose need is missing is withheld (reported blocked, with the reason) and the
  // questions are put again without it, so that the rest of the plan proceeds.
  Declaration declared(resource.model);
  schema::Withheld withheld;
  if (auto held = withholdUnavailableExtensions(conn, *have, declared, withheld); !held) return held.error();
  std::optional<Asked> asked;
  for (size_t round = 0, rounds = withholdable(resource.model) + 1; !asked; ++round) {
    auto answer = askDeclarations(conn, schemaName, *have, declared.get());
    if (answer) {
      asked = std::move(*answer);
      continue;
    }
    const core::Error& e = answer.error();
    if (e.kind != core::ErrorKind::Invalid || round >= rounds ||
        !schema::withhold(declared.edit(), *have, schema::Refusal{e.field, e.message, e.sqlstate}, withheld))
      return e;
  }
  const schema::Model& want = asked->want;
  const schema::Canon& canon = asked->canon;

  std::vector<schema::Change> changes = schema::diff(*have, want, resource.policy, canon);

  schema::Facts facts;
  const schema::FactQuestions needed = schema::factsNeeded(changes);
  if (!needed.empty()) {
    auto probed = pg::probe(conn, schemaName, needed);
    if (!probed) return probed.error();
    facts = std::move(*probed);
  }
  changes = schema::classify(std::move(changes), facts);
  changes.insert(changes.end(), withheld.changes.begin(), withheld.changes.end());

  return schema::plan(changes, schemaName);
}

}  // namespace

core::Result<CatalogRead> readCatalog(pqxx::connection& conn, const std::string& schemaName, size_t declaredTables,
                                      const pg::ConnectionFactory& openReader) {
  try {
    if (auto used = pg::useSchema(conn, schemaName); !used) return used.error();
    static const pg::ConnectionFactory none;
    const auto started = std::chrono::steady_clock::now();
    // Index definitions: nothing the engine decides reads them.
    auto model = pg::inspect(conn, schemaName, /*indexDefinitions=*/false,
                             declaredTables >= kSplitReadTables ? openReader : none);
    if (!model) return model.error();
    return CatalogRead{std::move(*model),
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  } catch (const pqxx::broken_connection& e) {
    return pg::failureOf(e, "reading the catalog");
  }
}

namespace {

// The plan less the steps that ran (and the drift they fixed): what an apply leaves when the
// catalog cannot be read back after it. The hash is dropped, since no approval may name a plan
// that was not read from the catalog; the next check reads the real one.
schema::Plan withoutApplied(schema::Plan plan, const std::vector<schema::Step>& applied) {
  std::set<std::pair<schema::ChangeKind, std::string>> ran;
  for (const auto& s : applied) ran.emplace(s.kind, s.object);
  std::erase_if(plan.steps, [&](const schema::Step& s) { return ran.count({s.kind, s.object}) > 0; });
  std::erase_if(plan.drift, [&](const schema::Change& c) { return ran.count({c.kind, c.object}) > 0; });
  plan.hash.clear();
  plan.destructive = static_cast<int>(std::count_if(plan.steps.begin(), plan.steps.end(), [](const schema::Step& s) {
    return s.safety == schema::Safety::Destructive;
  }));
  plan.blocked = static_cast<int>(std::count_if(plan.drift.begin(), plan.drift.end(), [](const schema::Change& c) {
    return c.safety == schema::Safety::Blocked;
  }));
  return plan;
}

core::Result<Report> runUnguarded(pqxx::connection& conn, const spec::DatabaseSchema& resource,
                                  const Options& options) {
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
    if (!acquired) return acquired.error();
    lock = std::move(*acquired);
    return {};
  };
  if (applying && options.lockFirst)
    if (auto locked = takeLock(); !locked) return locked.error();

  const bool readUnlocked = !(applying && options.lockFirst);
  auto planned = makePlan(conn, resource, options, &report.introspectionSeconds,
                          readUnlocked && options.catalog ? &*options.catalog : nullptr, &report.unmanaged);
  if (!planned) return planned.error();
  report.plan = std::move(*planned);
  // Strict: what the resource does not manage must be dealt with by a person before anything runs.
  auto refuseUnmanaged = [&] {
    report.refusedUnmanaged = (resource.strict || options.strict) && !report.unmanaged.empty();
    if (report.refusedUnmanaged) report.remaining = report.plan;
    return report.refusedUnmanaged;
  };
  if (refuseUnmanaged()) return report;
  if (applying && !lock && !schema::runnable(report.plan, approval).empty()) {
    if (auto locked = takeLock(); !locked) return locked.error();
    auto replanned = makePlan(conn, resource, options, &report.introspectionSeconds, nullptr, &report.unmanaged);
    if (!replanned) return replanned.error();
    report.plan = std::move(*replanned);
    if (refuseUnmanaged()) return report;
  }
  const std::vector<schema::Step> steps = applying ? schema::runnable(report.plan, approval) : std::vector<schema::Step>{};
  if (steps.empty()) {  // in sync, only plan asked for, or another applier got there first
    report.remaining = report.plan;
    lock.reset();
    return report;
  }

  auto applied = pg::apply(conn, steps, options.applyOptions);
  if (!applied) return applied.error();
  report.applied = std::move(applied->applied);
  report.failure = std::move(applied->failure);

  // What still differs is read back from the catalog, not assumed from what ran. When it cannot
  // be (an expression only the failed step would have made valid, a lost connection), the error
  // joins the report rather than replacing it: what ran is never lost with it.
  core::Result<schema::Plan> again = core::transient("not read");
  try {
    again = makePlan(conn, resource, options, nullptr, nullptr, &report.unmanaged);
  } catch (const std::exception& e) {
    again = core::transient(std::string("reading the catalog after applying: ") + e.what());
  }
  if (again) {
    report.remaining = std::move(*again);
  } else {
    if (!report.failure) report.failure = pg::StepFailure{"", "", again.error().describe()};
    report.remaining = withoutApplied(report.plan, report.applied);
  }

  lock.reset();
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
