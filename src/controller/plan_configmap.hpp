#pragma once
// The whole plan of a resource, in a ConfigMap the resource owns. status.plan lists only the
// first kMaxStatusItems statements while its hash approves all of them; the ConfigMap is where
// the rest can be read before approving. Pure: the plan in, the object and its status entry out.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "schema/plan.hpp"

namespace controller {

// What the API server accepts in a ConfigMap's data is 1 MiB (keys and values together); the rest
// is left for the few small keys besides the SQL.
inline constexpr size_t kPlanConfigMapBudget = 1024 * 1024 - 4096;

struct PlanConfigMap {
  nlohmann::json object;      // the ConfigMap, named by generateName (see publishPlan in cluster_io.hpp)
  size_t statementCount = 0;  // in the plan
  size_t statementsHeld = 0;  // in the ConfigMap: fewer when the plan does not fit
};

struct PlanOwner {
  std::string ns;
  std::string name;
  std::string uid;
};

// data: plan.sql (the statements, each ending with ";"), hash, statementCount, complete. Owned by
// the DatabaseSchema (ownerReference, controller), so it is garbage-collected with it.
PlanConfigMap planConfigMap(const PlanOwner& owner, const schema::Plan& plan, size_t budget = kPlanConfigMapBudget);

// status.plan.configMapRef: {name, statementCount (held), truncated (the plan did not fit)}.
nlohmann::json configMapRef(const std::string& name, const PlanConfigMap& published);

// The ConfigMap is written when the plan has statements or one was published before, and the
// published one (status.plan.configMapRef of `previousStatus`) holds another plan than `plan`.
bool planNeedsPublishing(const nlohmann::json& previousStatus, const schema::Plan& plan);

// The published ConfigMap's name in `status`, or "".
std::string publishedPlanName(const nlohmann::json& status);

}  // namespace controller
