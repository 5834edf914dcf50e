#pragma once
// The preflight fact a trigger needs: its function, there when the probe found it or when the
// plan creates it (spec.functions: without arguments, returning trigger).
#include <string>
#include <utility>
#include <vector>

#include "schema/change.hpp"
#include "schema/facts.hpp"

namespace schema {

// The (schema, name) of every function a CreateTrigger or ReplaceTrigger calls, sorted, each once
// ("" for the managed schema).
std::vector<std::pair<std::string, std::string>> triggerFunctionsNeeded(const std::vector<Change>& changes);

// A CreateTrigger or ReplaceTrigger whose function is neither found nor made by the plan is
// blocked with that reason; the rest of the plan proceeds.
void blockOnMissingTriggerFunctions(std::vector<Change>& changes, const Facts& facts);

}  // namespace schema
