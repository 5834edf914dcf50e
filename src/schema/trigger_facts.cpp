#include "schema/trigger_facts.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "schema/trigger.hpp"

namespace schema {

namespace {

const Trigger* madeTrigger(const Change& c) {
  if (c.kind == ChangeKind::CreateTrigger) return &std::get<Trigger>(c.detail);
  if (c.kind == ChangeKind::ReplaceTrigger) return &std::get<TriggerChange>(c.detail).to;
  return nullptr;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> triggerFunctionsNeeded(const std::vector<Change>& changes) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& c : changes)
    if (const Trigger* t = madeTrigger(c)) out.emplace(t->functionSchema, t->function);
  return {out.begin(), out.end()};
}

void blockOnMissingTriggerFunctions(std::vector<Change>& changes, const Facts& facts) {
  auto available = facts.existingTriggerFunctions;
  // A trigger function the plan makes (before the tables) is there when its triggers are made.
  for (const auto& c : changes)
    if (c.kind == ChangeKind::CreateFunction && c.blockedBy.empty()) {
      const auto& f = std::get<Function>(c.detail);
      if (!f.procedure && f.argumentTypes.empty() && f.returns == "trigger") available.insert({"", f.name});
    }
  for (auto& c : changes) {
    const Trigger* t = madeTrigger(c);
    if (!t || c.safety == Safety::Blocked || available.count({t->functionSchema, t->function})) continue;
    c.safety = Safety::Blocked;
    c.reason = "function " + triggerFunctionName(*t) +
               " does not exist (a function without arguments that returns trigger); create it, and the trigger "
               "follows";
  }
}

}  // namespace schema
