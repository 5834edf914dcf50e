#include "controller/status.hpp"

#include <set>

#include "core/time.hpp"
#include "engine/summary.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

struct ConditionValue {
  std::string type;
  bool status;
  std::string reason;
  std::string message;
};

// Keeps lastTransitionTime while the status (True/False) stays the same.
json condition(const json& previous, const ConditionValue& v, long long generation, const std::string& now) {
  const std::string status = v.status ? "True" : "False";
  std::string since = now;
  if (previous.contains("conditions") && previous["conditions"].is_array()) {
    for (const auto& c : previous["conditions"]) {
      if (c.value("type", "") == v.type && c.value("status", "") == status)
        since = c.value("lastTransitionTime", now);
    }
  }
  return {{"type", v.type},       {"status", status},           {"reason", v.reason},
          {"message", v.message}, {"lastTransitionTime", since}, {"observedGeneration", generation}};
}

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Distinct changes among the steps that ran (a change may take several steps).
long long changesIn(const std::vector<schema::Step>& steps) {
  std::set<std::pair<int, std::string>> seen;
  for (const auto& s : steps) seen.emplace(static_cast<int>(s.kind), s.object);
  return static_cast<long long>(seen.size());
}

long long statementsIn(const std::vector<schema::Step>& steps) {
  long long n = 0;
  for (const auto& s : steps) n += static_cast<long long>(s.statements.size());
  return n;
}

// What the last apply ran, kept until the next one: an apply that stops at an error has still
// changed the database, and what it changed must not be lost with the error.
json lastApply(const engine::Report& r, const std::string& now) {
  json statements = json::array();
  for (const auto& step : r.applied)
    for (const auto& s : step.statements)
      if (statements.size() < kMaxStatusItems) statements.push_back(s);
  const long long count = statementsIn(r.applied);
  json out = {{"time", now},
              {"statementCount", count},
              {"statements", std::move(statements)},
              {"truncated", count > static_cast<long long>(kMaxStatusItems)}};
  if (r.failure)
    out["failure"] = {{"object", r.failure->object}, {"statement", r.failure->statement}, {"message", r.failure->message}};
  return out;
}

// What every status carries over from the previous one, whatever this check found.
json carriedOver(const json& previous, const Observation& o) {
  json next = json::object();
  next["observedGeneration"] = o.generation;
  next["lastCheckedTime"] = o.now;
  next["appliedChanges"] = previous.value("appliedChanges", 0LL);
  if (previous.contains("lastAppliedTime")) next["lastAppliedTime"] = previous["lastAppliedTime"];
  if (previous.contains("database")) next["database"] = previous["database"];
  return next;
}

// The engine could not run. What was last known about drift stays visible: an outage does not
// make the schema right.
std::vector<ConditionValue> failedCheck(json& next, const json& previous, const Failure& f) {
  next["phase"] = "Error";
  for (const char* key : {"drift", "plan", "lastApply", "unmanaged"})
    if (previous.contains(key)) next[key] = previous[key];
  const bool reachable = f.kind == FailureKind::InvalidSpec || f.kind == FailureKind::EngineFailed ||
                         f.kind == FailureKind::OwnershipConflict;
  static const char* reasons[] = {"InvalidSpec", "SecretUnavailable", "ConnectionFailed", "InvalidSpec",
                                  "OwnershipConflict"};
  const std::string reason = reasons[static_cast<int>(f.kind)];
  const long long drift = previous.contains("drift") ? previous["drift"].value("count", 0LL) : 0;
  const long long destructive = previous.contains("plan") ? previous["plan"].value("destructive", 0LL) : 0;
  return {
      {"Ready", false, reason, f.message},
      reachable ? ConditionValue{"DatabaseReachable", true, "Connected", "connected"}
                : ConditionValue{"DatabaseReachable", false, reason, f.message},
      {"Drifted", drift > 0, drift > 0 ? "DriftFound" : "NoDrift",
       drift > 0 ? "last known: " + plural(drift, "difference", "differences") : "no drift known"},
      {"DestructiveChangesPending", destructive > 0, destructive > 0 ? "AwaitingApproval" : "None",
       destructive > 0 ? "last known: " + plural(destructive, "destructive change", "destructive changes")
                       : "none known"},
  };
}

// What the engine found and applied: drift, plan, the last apply and the running count.
void recordReport(json& next, const json& previous, const Observation& o) {
  const engine::Report& r = *o.report;
  next["database"] = {{"serverVersion", r.serverVersion}};
  next["drift"] = engine::driftJson(r.remaining, kMaxStatusItems);
  next["plan"] = engine::planJson(r.remaining, kMaxStatusItems);
  next["unmanaged"] = engine::unmanagedJson(r.unmanaged, kMaxUnmanagedItems);
  const size_t statementCount = r.remaining.statements().size();
  next["plan"]["statementCount"] = statementCount;
  next["plan"]["truncated"] = statementCount > kMaxStatusItems;
  if (o.planConfigMap) next["plan"]["configMapRef"] = *o.planConfigMap;
  if (!r.applied.empty() || r.failure)
    next["lastApply"] = lastApply(r, o.now);
  else if (previous.contains("lastApply"))
    next["lastApply"] = previous["lastApply"];
  const long long applied = changesIn(r.applied);
  if (applied > 0) {
    next["appliedChanges"] = next["appliedChanges"].get<long long>() + applied;
    next["lastAppliedTime"] = o.now;
  }
}

struct Readiness {
  std::string phase;
  std::string message;  // the Ready condition's
};

// An apply that failed comes first, then a strict refusal, then blocked changes, then drift.
Readiness readinessOf(const engine::Report& r, spec::Mode mode) {
  const schema::Plan& now = r.remaining;
  const long long drift = static_cast<long long>(now.drift.size());
  if (r.failure)
    return {"Error", (r.failure->statement.empty()
                          ? "applying failed: " + r.failure->message
                          : "applying " + r.failure->object + " failed: " + r.failure->message +
                                " (statement: " + r.failure->statement + ")") +
                         "; " + appliedBefore(r) + " (status.lastApply)"};
  if (r.refusedUnmanaged) return {"Error", schema::strictRefusal(r.unmanaged) + " (status.unmanaged)"};
  if (now.blocked > 0) return {"Blocked", plural(now.blocked, "change is", "changes are") + " blocked; see status.drift"};
  if (drift == 0) return {"InSync", "the database matches the declared schema"};
  if (mode == spec::Mode::Plan)
    return {"Drifted", "mode is Plan: " + plural(drift, "difference is", "differences are") + " reported, not applied"};
  return {"Drifted", plural(now.destructive, "destructive change waits", "destructive changes wait") +
                         " for approval (dbschema.io/allow-destructive)"};
}

std::vector<ConditionValue> checkedConditions(const engine::Report& r, const Readiness& ready) {
  const schema::Plan& now = r.remaining;
  const long long drift = static_cast<long long>(now.drift.size());
  const bool inSync = ready.phase == "InSync";
  return {
      {"Ready", inSync,
       inSync ? "InSync" : (r.failure ? "ApplyFailed" : r.refusedUnmanaged ? "UnmanagedObjects" : ready.phase),
       ready.message},
      {"DatabaseReachable", true, "Connected", "PostgreSQL " + r.serverVersion},
      {"Drifted", drift > 0, drift > 0 ? "DriftFound" : "NoDrift",
       drift > 0 ? plural(drift, "difference", "differences") + " from the declared schema" : "no drift"},
      {"DestructiveChangesPending", now.destructive > 0, now.destructive > 0 ? "AwaitingApproval" : "None",
       now.destructive > 0 ? plural(now.destructive, "destructive change", "destructive changes") +
                                 " wait; approve with dbschema.io/allow-destructive=" + now.hash
                           : "no destructive change pending"},
  };
}

}  // namespace

std::string appliedBefore(const engine::Report& r) {
  const long long n = statementsIn(r.applied);
  return n == 0 ? "nothing was applied before it" : plural(n, "statement was", "statements were") + " applied before it";
}

json nextStatus(const json& previous, const Observation& o) {
  json next = carriedOver(previous, o);
  std::vector<ConditionValue> conditions;
  if (o.failure) {
    conditions = failedCheck(next, previous, *o.failure);
  } else {
    recordReport(next, previous, o);
    const Readiness ready = readinessOf(*o.report, o.mode);
    next["phase"] = ready.phase;
    conditions = checkedConditions(*o.report, ready);
  }
  json list = json::array();
  for (const auto& c : conditions) list.push_back(condition(previous, c, o.generation, o.now));
  next["conditions"] = std::move(list);
  return next;
}

json waitingForLockStatus(const json& previous, const std::string& message, long long generation, const std::string& now) {
  json next = previous.is_object() ? previous : json::object();
  next["phase"] = "Applying";
  next["lastCheckedTime"] = now;
  json list = json::array();
  list.push_back(condition(previous, {"Ready", false, "WaitingForLock", message}, generation, now));
  if (previous.contains("conditions") && previous["conditions"].is_array())
    for (const auto& c : previous["conditions"])
      if (c.value("type", "") != "Ready") list.push_back(c);
  next["conditions"] = std::move(list);
  return next;
}

bool worthWriting(const json& previous, const json& next, long long staleAfterSeconds) {
  json a = previous, b = next;
  a.erase("lastCheckedTime");
  b.erase("lastCheckedTime");
  if (a != b) return true;
  const auto before = core::parseTime(previous.value("lastCheckedTime", ""));
  const auto after = core::parseTime(next.value("lastCheckedTime", ""));
  return !before || !after || *after - *before >= std::chrono::seconds(staleAfterSeconds);
}

}  // namespace controller
