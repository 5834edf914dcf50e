#pragma once
// The Events one engine run is worth, as values (the reconciler sends them): what was applied,
// where an apply stopped, and a pending plan when it is new. Pure: no I/O, so each message is
// tested as text.
#include <string>
#include <vector>

#include "controller/reconciler.hpp"
#include "engine/engine.hpp"
#include "spec/resource.hpp"

namespace controller {

// "Applied" (Normal), "ApplyFailed", and, when the remaining plan's hash differs from
// `previousPlanHash` (a re-check of the same plan is not news), "DestructiveChangesPending" (mode
// Apply) or "DriftDetected" (mode Plan, where nothing is applied and approving would not help),
// then one "Blocked" per blocked change (Warnings), in that order.
std::vector<EventNote> eventsFor(const ObjectRef& ref, const engine::Report& report, const std::string& previousPlanHash,
                                 spec::Mode mode);

}  // namespace controller
