#pragma once
// The drift and plan of a report in the contract's JSON shapes, shared by `-o json` and by the
// resource's status so the two never disagree.
#include <cstddef>

#include <nlohmann/json.hpp>

#include "schema/plan.hpp"
#include "schema/unmanaged.hpp"

namespace engine {

// {"count": N, "items": [{"object", "change", "destructive", "blocked", "reason"?}]}; items are cut
// at `maxItems` (count stays exact).
nlohmann::ordered_json driftJson(const schema::Plan& plan, size_t maxItems = SIZE_MAX);

// {"hash", "destructive", "statements": [...]}; statements cut at `maxStatements`.
nlohmann::ordered_json planJson(const schema::Plan& plan, size_t maxStatements = SIZE_MAX);

// {"count": N, "items": [{"kind", "name"}]}; items cut at `maxItems` (count stays exact).
nlohmann::ordered_json unmanagedJson(const std::vector<schema::UnmanagedObject>& objects, size_t maxItems = SIZE_MAX);

}  // namespace engine
