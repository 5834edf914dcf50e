#pragma once
// The preflight fact a trigger needs: its function. Functions are not created by this plan yet
// (spec.functions is not managed), so a function is there when the probe found it; when the plan
// can create functions, those count as there too (add them to the available set here).
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
