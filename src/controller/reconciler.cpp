#include "controller/reconciler.hpp"

#include <chrono>

#include "controller/plan_configmap.hpp"
#include "controller/resource_sample.hpp"
#include "controller/status.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "engine/apply_settings.hpp"
#include "engine/engine.hpp"
#include "kube/config.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

ObjectRef refOf(const json& resource) {
  const json& m = resource.value("metadata", json::object());
  return {m.value("namespace", ""), m.value("name", ""), m.value("uid", ""), m.value("resourceVersion", "")};
}

std::string listed(const std::vector<schema::Change>& changes, size_t most) {
  std::string out;
  size_t n = 0;
  for (const auto& c : changes) {
    if (n == most) {
      out += ", …";
      break;
    }
    out += (n++ ? ", " : "") + std::string(schema::toString(c.kind)) + " " + c.object;
  }
  return out;
}

std::vector<schema::Change> withSafety(const schema::Plan& p, schema::Safety s) {
  std::vector<schema::Change> out;
  for (const auto& c : p.drift)
    if (c.safety == s) out.push_back(c);
  return out;
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

}  // namespace

Reconciler::Reconciler(ConnectionPool& pool, SecretLookup secrets, StatusWriter writeStatus, EventSink events,
                       ReconcilerOptions options)
    : pool_(pool),
      secrets_(std::move(secrets)),
      writeStatus_(std::move(writeStatus)),
      events_(std::move(events)),
      options_(std::move(options)) {
  if (!options_.nowSeconds)
    options_.nowSeconds = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  if (!options_.unitRandom) options_.unitRandom = [] { return 0.5; };
}

core::Result<spec::DatabaseSchema> Reconciler::parse(const json& resource) {
  const std::string key = resource["metadata"].value("namespace", "") + "/" + resource["metadata"].value("name", "");
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
  {
    std::lock_guard lock(cacheMutex_);
    parsed_.erase(ns + "/" + name);
  }
  std::optional<HeldClaim> held;
  {
    std::lock_guard lock(claimsMutex_);
    if (auto it = claims_.find(ns + "/" + name); it != claims_.end()) {
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

void Reconciler::rememberClaim(const std::string& key, const pg::ConnectionOptions& options,
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

core::Result<std::string> Reconciler::secretValue(const std::string& ns, const std::string& name,
                                                  const std::string& key, const std::string& field) {
  auto read = secrets_(ns, name);
  if (!read)
    return core::Error{read.error().kind, "Secret " + ns + "/" + name + " could not be read: " + read.error().message,
                       field};
  const std::optional<json>& secret = *read;
  if (!secret) return core::invalid(field, "Secret " + ns + "/" + name + " not found");
  const json& data = secret->value("data", json::object());
  if (!data.contains(key) || !data[key].is_string())
    return core::invalid(field, "Secret " + ns + "/" + name + " has no key " + key);
  auto decoded = kube::base64Decode(data[key].get<std::string>());
  if (!decoded) return core::invalid(field, "Secret " + ns + "/" + name + " key " + key + " is not valid base64");
  return *decoded;
}

core::Result<pg::ConnectionOptions> Reconciler::connectionFor(const spec::DatabaseSchema& r) {
  if (r.connection.secretRef.name.empty() || r.connection.secretRef.key.empty())
    return core::invalid("spec.connection.secretRef", "is required: the Secret holding DATABASE_URL");
  auto url = secretValue(r.ns, r.connection.secretRef.name, r.connection.secretRef.key, "spec.connection.secretRef");
  if (!url) return url.error();
  pg::ConnectionOptions options;
  options.url = *url;
  while (!options.url.empty() && (options.url.back() == '\n' || options.url.back() == '\r')) options.url.pop_back();
  // The same rule as the CLI's (pg::resolveSslMode): the stricter of the document's and the URL's
  // sslmode, verify-full when neither says.
  if (r.connection.sslModeSet) options.declaredSslMode = spec::toString(r.connection.sslMode);
  options.allowSelfSigned = r.connection.allowSelfSigned;
  options.connectTimeoutSeconds = options_.connectTimeoutSeconds;
  if (r.connection.rootCertRef) {
    auto ca = secretValue(r.ns, r.connection.rootCertRef->name, r.connection.rootCertRef->key,
                          "spec.connection.rootCertRef");
    if (!ca) return ca.error();
    // libpq reads the CA from a file: one per content, so a rotated CA is a new file and the
    // connection options (the pool's key) change with it.
    auto dir = runtimeDir();
    if (!dir) return dir.error();
    auto path = (*dir)->fileWith("ca", *ca, ".crt");
    if (!path) return core::terminal("cannot write the CA bundle: " + path.error().describe());
    options.rootCertFile = *path;
  }
  return options;
}

core::Result<std::shared_ptr<RuntimeDir>> Reconciler::runtimeDir() {
  std::lock_guard lock(cacheMutex_);
  if (!options_.runtimeDir) {
    auto made = RuntimeDir::makePrivate();
    if (!made) return made.error();
    options_.runtimeDir = *made;
  }
  return options_.runtimeDir;
}

std::chrono::milliseconds Reconciler::jittered(std::chrono::seconds interval) const {
  // ±10%, so resources created together do not re-check in step.
  const double factor = 0.9 + 0.2 * options_.unitRandom();
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(interval.count()) * 1000.0 * factor));
}

Outcome Reconciler::reconcile(const json& resource) {
  ObjectRef ref = refOf(resource);
  const json previous = resource.value("status", json::object());
  Observation observation;
  observation.generation = resource["metadata"].value("generation", 0LL);
  observation.now = formatTime(options_.nowSeconds());

  Outcome outcome;
  std::chrono::seconds interval{300};
  bool wroteWaiting = false;  // status said WaitingForLock: the outcome must replace it
  auto fail = [&](FailureKind kind, const std::string& reason, const core::Error& e) {
    observation.failure = Failure{kind, e.describe()};
    events_({ref, true, reason, e.describe()});
    outcome.failed = true;
    outcome.message = e.describe();
  };

  auto parsed = parse(resource);
  if (!parsed) {
    fail(FailureKind::InvalidSpec, "InvalidSpec", parsed.error());
    outcome.failed = false;  // retrying cannot help; a change of the resource brings it back
    outcome.requeueAfter = std::chrono::milliseconds(0);
  } else {
    const spec::DatabaseSchema& r = *parsed;
    interval = r.interval;
    observation.mode = r.mode;
    auto options = connectionFor(r);
    if (!options) {
      const bool secret = options.error().field.rfind("spec.connection", 0) == 0;
      fail(secret ? FailureKind::SecretUnavailable : FailureKind::InvalidSpec,
           secret ? "SecretUnavailable" : "InvalidSpec", options.error());
    } else if (auto lease = pool_.acquire(*options); !lease) {
      fail(FailureKind::ConnectionFailed, "ConnectionFailed", lease.error());
    } else if (auto claim = claimFor(**lease, r, ref); !claim) {
      if (claim.error().kind != core::ErrorKind::Invalid) lease->discard();
      fail(failureKindOf(claim.error()), reasonOf(claim.error()), claim.error());
    } else if (claim->conflict) {
      fail(FailureKind::OwnershipConflict, "OwnershipConflict",
           core::invalid("", claim->conflictMessage(r.model.schema)));
      // Not an error to back off from: the other owner may be deleted, and the next check sees it.
      outcome.failed = false;
    } else {
      if (r.mode == spec::Mode::Apply) rememberClaim(ref.ns + "/" + ref.name, *options, r.model.schema, ownerOf(ref), **lease);
      engine::Options run;
      run.apply = true;
      run.applyOptions = engine::withSettings(options_.apply, r.apply);
      run.lockWait = options_.lockWait;
      // A step waiting for a table lock says so in status and an Event while it waits (the wait
      // may last the lock retry budget, minutes).
      run.applyOptions.onLockWait = [&](const pg::LockWait& wait) {
        const std::string message = "waiting for a lock: " + wait.object + " needs " + pg::describeLocks(wait.wanted) +
                                    "; held by " + pg::describeHolders(wait.holders);
        events_({ref, false, "WaitingForLock", message});
        auto written = writeStatus_(ref, waitingForLockStatus(previous, message, observation.generation,
                                                              formatTime(options_.nowSeconds())));
        if (written) {
          ref.resourceVersion = *written;
          wroteWaiting = true;
        }
      };
      auto report = engine::run(**lease, r, run);
      if (!report) {
        if (report.error().kind != core::ErrorKind::Invalid) lease->discard();
        fail(failureKindOf(report.error()), reasonOf(report.error()), report.error());
      } else {
        observation.report = std::move(*report);
        const engine::Report& rep = *observation.report;
        if (!rep.applied.empty()) {
          std::vector<schema::Change> applied;
          for (const auto& c : rep.plan.drift) {
            for (const auto& s : rep.applied)
              if (s.kind == c.kind && s.object == c.object) {
                applied.push_back(c);
                break;
              }
          }
          events_({ref, false, "Applied",
                   "applied " + std::to_string(applied.size()) + " change(s): " + listed(applied, 8)});
        }
        if (rep.failure) {
          const std::string statement =
              rep.failure->statement.empty() ? "" : " (statement: " + rep.failure->statement + ")";
          events_({ref, true, "ApplyFailed",
                   rep.failure->object + ": " + rep.failure->message + statement + "; " + appliedBefore(rep)});
          outcome.failed = true;
          outcome.message = rep.failure->message;
        }
        // A new pending plan is news; the same one, re-checked, is not.
        const std::string previousHash = previous.contains("plan") ? previous["plan"].value("hash", "") : "";
        if (rep.remaining.destructive > 0 && rep.remaining.hash != previousHash) {
          events_({ref, true, "DestructiveChangesPending",
                   listed(withSafety(rep.remaining, schema::Safety::Destructive), 8) +
                       " wait for approval: kubectl annotate databaseschema " + ref.name +
                       " dbschema.io/allow-destructive=" + rep.remaining.hash});
        }
        if (rep.remaining.blocked > 0 && rep.remaining.hash != previousHash) {
          for (const auto& c : withSafety(rep.remaining, schema::Safety::Blocked))
            events_({ref, true, "Blocked", std::string(schema::toString(c.kind)) + " " + c.object + ": " + c.reason});
        }
        observation.planConfigMap = publishPlan(ref, previous, rep.remaining);
      }
    }
  }

  outcome.sample = sampleOf(ref.ns, ref.name, observation, static_cast<double>(options_.nowSeconds()));
  const json next = nextStatus(previous, observation);
  // Written when it changed, and at least once per interval so lastCheckedTime stays honest.
  if (wroteWaiting || worthWriting(previous, next, interval.count())) {
    auto written = writeStatus_(ref, next);
    if (!written) {
      outcome.failed = true;
      outcome.message = "writing status: " + written.error().describe();
      return outcome;
    }
  }
  if (!outcome.failed && parsed) outcome.requeueAfter = jittered(interval);
  return outcome;
}

}  // namespace controller
