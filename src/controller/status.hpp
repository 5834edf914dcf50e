#pragma once
// What a reconcile observed, turned into the resource's status: phase, the four conditions
// (metav1.Condition shape, kstatus-friendly), drift, plan, times. Pure: the previous status and
// an observation in, the next status out.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "spec/resource.hpp"

namespace controller {

// Why a reconcile could not run the engine.
enum class FailureKind {
  InvalidSpec,       // the resource does not validate (the API server's schema is looser than ours)
  SecretUnavailable, // the connection Secret or its key is missing
  ConnectionFailed,  // the database did not answer or refused the login
  EngineFailed,      // reading or canonicalising failed (a declared type Postgres rejects, …)
  OwnershipConflict, // another resource holds the claim on the schema (pg/claim.hpp)
};

struct Failure {
  FailureKind kind;
  std::string message;  // already free of secrets
};

struct Observation {
  long long generation = 0;
  spec::Mode mode = spec::Mode::Apply;
  std::string now;                        // RFC 3339, UTC, seconds
  std::optional<engine::Report> report;   // set when the engine ran
  std::optional<Failure> failure;         // set when it could not
  // status.plan.configMapRef: where the whole plan can be read (plan_configmap.hpp); unset when
  // no ConfigMap holds it.
  std::optional<nlohmann::json> planConfigMap;
};

inline constexpr size_t kMaxStatusItems = 50;  // drift items and plan statements kept in status
// status.unmanaged.items kept (count stays exact): the first by kind then name, enough to act on
// and small beside the 1.5 MiB an object may take (docs/unmanaged.md).
inline constexpr size_t kMaxUnmanagedItems = 50;

// The next status. Condition lastTransitionTime moves only when a condition's status flips;
// appliedChanges accumulates; lastAppliedTime moves when something was applied.
nlohmann::json nextStatus(const nlohmann::json& previous, const Observation& observation);

// The status while an apply waits for a table lock (phase Applying, Ready False with reason
// WaitingForLock and `message`, which names the holders): the previous status otherwise kept.
nlohmann::json waitingForLockStatus(const nlohmann::json& previous, const std::string& message, long long generation,
                                    const std::string& now);

// "3 statements were applied before it" / "nothing was applied before it": what an apply that
// stopped at an error had already run (status, Events).
std::string appliedBefore(const engine::Report& report);

// Whether writing `next` over `previous` is worth an API call: anything but lastCheckedTime
// changed, or lastCheckedTime is older than `staleAfterSeconds` (so a steady resource is written
// about once per interval, not once per check).
bool worthWriting(const nlohmann::json& previous, const nlohmann::json& next, long long staleAfterSeconds);

}  // namespace controller
