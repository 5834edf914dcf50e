#include "controller/reconciler.hpp"

#include <chrono>

#include "controller/plan_configmap.hpp"
#include "controller/report_events.hpp"
#include "controller/sample_from_observation.hpp"
#include "controller/status.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "core/time.hpp"
#include "engine/apply_settings.hpp"
#include "engine/engine.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

ObjectRef refOf(const json& resource) {
  const json& m = resource.value("metadata", json::object());
  return {m.value("namespace", ""), m.value("name", ""), m.value("uid", ""), m.value("resourceVersion", "")};
}

pg::Owner ownerOf(const ObjectRef& ref) { return {ref.ns, ref.name, ref.uid}; }

// The claim on the resource's schema: taken in mode Apply, only read in mode Plan (which changes
// nothing in the database).
core::Result<pg::Claim> claimFor(pqxx::connection& conn, const spec::DatabaseSchema& r, const ObjectRef& ref) {
  return pg::claimSchema(conn, r.model.schema, ownerOf(ref),
                         r.mode == spec::Mode::Apply ? pg::ClaimMode::Take : pg::ClaimMode::Read);
}

constexpr auto kParseWorthCaching = std::chrono::milliseconds(2);

// A declaration Postgres refuses is the spec's fault (contract: InvalidSpec); it is still retried
// with backoff, since the database may change (an extension installed, a schema made).
const char* reasonOf(const core::Error& e) {
  return e.kind == core::ErrorKind::Invalid ? "InvalidSpec" : "ConnectionFailed";
}

FailureKind failureKindOf(const core::Error& e) {
  // The engine's Invalid errors are the declaration's fault; everything else is the connection.
  return e.kind == core::ErrorKind::Invalid ? FailureKind::EngineFailed : FailureKind::ConnectionFailed;
}

// A connection that cannot be resolved is the Secret's fault when the error names a
// spec.connection field, and the spec's otherwise.
bool secretAtFault(const core::Error& e) { return e.field.rfind("spec.connection", 0) == 0; }

}  // namespace

struct Reconciler::Check {
  ObjectRef ref;
  json previous;  // the status as read
  Observation observation;
  long long nowSeconds = 0;
  std::chrono::seconds interval{300};  // the spec's, once it parses
  Ending ending = Ending::Checked;
  std::string message;        // what failed, for logs
  bool wroteWaiting = false;  // status said WaitingForLock: the check's own status must replace it
};

Reconciler::Reconciler(ConnectionPool& pool, SecretLookup secrets, StatusWriter writeStatus, EventSink events,
                       ReconcilerOptions options)
    : pool_(pool),
      writeStatus_(std::move(writeStatus)),
      events_(std::move(events)),
      options_(std::move(options)),
      connections_(std::move(secrets), options_.runtimeDir, options_.connectTimeoutSeconds) {
  if (!options_.clock) options_.clock = &core::systemClock();
  if (!options_.unitRandom) options_.unitRandom = [] { return 0.5; };
}

core::Result<spec::DatabaseSchema> Reconciler::parse(const json& resource) {
  const kube::Key key = kube::Key::of(resource);
  json identity = {{"uid", resource["metadata"].value("uid", "")},
                   {"annotations", resource["metadata"].value("annotations", json::object())},
                   {"spec", resource.value("spec", json::object())},
                   {"generation", resource["metadata"].value("generation", 0LL)}};
  const std::string fingerprint = core::sha256Hex(identity.dump());
  {
    std::lock_guard lock(cacheMutex_);
    auto it = parsed_.find(key);
    if (it != parsed_.end() && it->second.first == fingerprint) return it->second.second;
  }
  json document = resource;
  document.erase("status");
  const auto started = std::chrono::steady_clock::now();
  auto parsed = spec::parseObject(document);
  if (!parsed) return parsed.error();
  // Only schemas slow to parse are kept: a small one parses in well under a millisecond, and
  // keeping a thousand of them would cost the daemon more memory than time saved.
  if (std::chrono::steady_clock::now() - started >= kParseWorthCaching) {
    std::lock_guard lock(cacheMutex_);
    parsed_[key] = {fingerprint, *parsed};
  }
  return *parsed;
}

void Reconciler::forget(const std::string& ns, const std::string& name) {
  const kube::Key key{ns, name};
  {
    std::lock_guard lock(cacheMutex_);
    parsed_.erase(key);
  }
  std::optional<HeldClaim> held;
  {
    std::lock_guard lock(claimsMutex_);
    if (auto it = claims_.find(key); it != claims_.end()) {
      held = std::move(it->second);
      claims_.erase(it);
    }
  }
  if (!held) return;
  auto lease = pool_.acquire(held->connection);
  auto released = lease ? pg::releaseClaim(**lease, held->schema, held->owner) : core::Result<bool>(lease.error());
  if (!released)
    core::log::warn("ownership claim not released", {{"namespace", ns}, {"name", name}, {"schema", held->schema},
                                                     {"error", released.error().describe()}});
  else if (*released)
    core::log::info("ownership claim released", {{"namespace", ns}, {"name", name}, {"schema", held->schema}});
}

void Reconciler::rememberClaim(const kube::Key& key, const pg::ConnectionOptions& options,
                               const std::string& schemaName, const pg::Owner& owner, pqxx::connection& current) {
  std::optional<HeldClaim> replaced;
  {
    std::lock_guard lock(claimsMutex_);
    auto& held = claims_[key];
    if (!held.schema.empty() && (held.schema != schemaName || !(held.connection == options))) replaced = held;
    held = {options, schemaName, owner};
  }
  if (!replaced) return;
  // The spec now names another schema or database: the old one is free for another resource.
  if (replaced->connection == options) {
    (void)pg::releaseClaim(current, replaced->schema, replaced->owner);  // the pool lends one connection per target
  } else if (auto lease = pool_.acquire(replaced->connection)) {
    (void)pg::releaseClaim(**lease, replaced->schema, replaced->owner);
  }
}

std::optional<json> Reconciler::publishPlan(const ObjectRef& ref, const json& previous, const schema::Plan& plan) {
  const std::string known = publishedPlanName(previous);
  if (!options_.publishPlan) return std::nullopt;
  if (!planNeedsPublishing(previous, plan)) {
    if (known.empty()) return std::nullopt;
    return previous["plan"]["configMapRef"];
  }
  const PlanConfigMap configMap = planConfigMap({ref.ns, ref.name, ref.uid}, plan);
  auto name = options_.publishPlan(configMap.object, known);
  if (!name) {
    // The plan stays in status (its first statements and the hash); the ConfigMap is tried again
    // at the next check, since status then names none.
    events_({ref, true, "PlanNotPublished", "the ConfigMap holding the whole plan could not be written: " +
                                                name.error().describe()});
    return std::nullopt;
  }
  return configMapRef(*name, configMap);
}

std::chrono::milliseconds Reconciler::jittered(std::chrono::seconds interval) const {
  // ±10%, so resources created together do not re-check in step.
  const double factor = 0.9 + 0.2 * options_.unitRandom();
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(interval.count()) * 1000.0 * factor));
}

// ---- reconcile, step by step ----

Outcome Reconciler::reconcile(const json& resource) {
  Check check = begin(resource);
  auto parsed = parse(resource);
  if (!parsed) {
    // Retrying cannot help; a change of the resource brings it back.
    fail(check, FailureKind::InvalidSpec, "InvalidSpec", parsed.error(), Ending::AwaitsChange);
    return finish(check);
  }
  check.interval = parsed->interval;
  check.observation.mode = parsed->mode;
  examine(check, *parsed);
  return finish(check);
}

Reconciler::Check Reconciler::begin(const json& resource) const {
  Check check;
  check.ref = refOf(resource);
  check.previous = resource.value("status", json::object());
  check.observation.generation = resource["metadata"].value("generation", 0LL);
  const core::TimePoint now = options_.clock->now();
  check.nowSeconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  check.observation.now = core::formatTime(now);
  return check;
}

void Reconciler::examine(Check& check, const spec::DatabaseSchema& r) {
  auto options = connections_.resolve(r);
  if (!options) {
    const bool secret = secretAtFault(options.error());
    return fail(check, secret ? FailureKind::SecretUnavailable : FailureKind::InvalidSpec,
                secret ? "SecretUnavailable" : "InvalidSpec", options.error());
  }
  auto lease = pool_.acquire(*options);
  if (!lease) return fail(check, FailureKind::ConnectionFailed, "ConnectionFailed", lease.error());
  if (!holdClaim(check, r, *options, *lease)) return;
  runEngine(check, r, *lease);
}

// True when this resource may go on: it holds the claim (mode Apply) or nobody else does (Plan).
bool Reconciler::holdClaim(Check& check, const spec::DatabaseSchema& r, const pg::ConnectionOptions& options,
                           ConnectionPool::Lease& lease) {
  auto claim = claimFor(*lease, r, check.ref);
  if (!claim) {
    if (claim.error().kind != core::ErrorKind::Invalid) lease.discard();
    fail(check, failureKindOf(claim.error()), reasonOf(claim.error()), claim.error());
    return false;
  }
  if (claim->conflict) {
    // Not an error to back off from: the other owner may be deleted, and the next check sees it.
    fail(check, FailureKind::OwnershipConflict, "OwnershipConflict",
         core::invalid("", claim->conflictMessage(r.model.schema)), Ending::Checked);
    return false;
  }
  const kube::Key key{check.ref.ns, check.ref.name};
  if (r.mode == spec::Mode::Apply) rememberClaim(key, options, r.model.schema, ownerOf(check.ref), *lease);
  return true;
}

void Reconciler::runEngine(Check& check, const spec::DatabaseSchema& r, ConnectionPool::Lease& lease) {
  engine::Options run;
  run.apply = true;
  run.applyOptions = engine::withSettings(options_.apply, r.apply);
  run.applyOptions.onLockWait = [this, &check](const pg::LockWait& wait) { reportLockWait(check, wait); };
  run.lockWait = options_.lockWait;
  auto report = engine::run(*lease, r, run);
  if (!report) {
    if (report.error().kind != core::ErrorKind::Invalid) lease.discard();
    return fail(check, failureKindOf(report.error()), reasonOf(report.error()), report.error());
  }
  check.observation.report = std::move(*report);
  const engine::Report& done = *check.observation.report;
  emitEvents(check);
  if (done.failure) {
    check.ending = Ending::Failed;
    check.message = done.failure->message;
  }
  check.observation.planConfigMap = publishPlan(check.ref, check.previous, done.remaining);
}

// A step waiting for a table lock says so in status and an Event while it waits (the wait may last
// the lock retry budget, minutes); the check's own status write then replaces it.
void Reconciler::reportLockWait(Check& check, const pg::LockWait& wait) {
  const std::string message = "waiting for a lock: " + wait.object + " needs " + pg::describeLocks(wait.wanted) +
                              "; held by " + pg::describeHolders(wait.holders);
  events_({check.ref, false, "WaitingForLock", message});
  auto written = writeStatus_(check.ref, waitingForLockStatus(check.previous, message, check.observation.generation,
                                                              core::formatTime(options_.clock->now())));
  if (!written) return;
  check.ref.resourceVersion = *written;
  check.wroteWaiting = true;
}

void Reconciler::emitEvents(const Check& check) {
  const json& previous = check.previous;
  const std::string previousHash = previous.contains("plan") ? previous["plan"].value("hash", "") : "";
  for (const EventNote& event : eventsFor(check.ref, *check.observation.report, previousHash, check.observation.mode)) events_(event);
}

void Reconciler::fail(Check& check, FailureKind kind, const std::string& reason, const core::Error& e,
                      Ending ending) {
  check.observation.failure = Failure{kind, e.describe()};
  events_({check.ref, true, reason, e.describe()});
  check.ending = ending;
  check.message = e.describe();
}

// Written when it changed, and at least once per interval so lastCheckedTime stays honest.
void Reconciler::writeStatus(Check& check) {
  const json next = nextStatus(check.previous, check.observation);
  if (!check.wroteWaiting && !worthWriting(check.previous, next, check.interval.count())) return;
  auto written = writeStatus_(check.ref, next);
  if (written) return;
  check.ending = Ending::Failed;
  check.message = "writing status: " + written.error().describe();
}

// The one place a check's ending becomes its Outcome (the worker's errorPolicy takes it from there).
Outcome Reconciler::finish(Check& check) {
  Outcome outcome;
  outcome.sample = sampleOf(check.ref.ns, check.ref.name, check.observation, static_cast<double>(check.nowSeconds));
  writeStatus(check);
  outcome.failed = check.ending == Ending::Failed;
  outcome.message = check.message;
  if (check.ending == Ending::Checked) outcome.requeueAfter = jittered(check.interval);
  return outcome;
}

}  // namespace controller
