#include "controller/report_events.hpp"

#include "controller/status.hpp"

namespace controller {

namespace {

constexpr size_t kChangesNamed = 8;  // changes an Event lists by name before "…"

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

// The planned changes that have a step among those that ran (a change may take several steps).
std::vector<schema::Change> appliedChanges(const engine::Report& report) {
  std::vector<schema::Change> applied;
  for (const auto& c : report.plan.drift) {
    for (const auto& s : report.applied)
      if (s.kind == c.kind && s.object == c.object) {
        applied.push_back(c);
        break;
      }
  }
  return applied;
}

EventNote appliedEvent(const ObjectRef& ref, const engine::Report& report) {
  const std::vector<schema::Change> applied = appliedChanges(report);
  return {ref, false, "Applied",
          "applied " + std::to_string(applied.size()) + " change(s): " + listed(applied, kChangesNamed)};
}

EventNote applyFailedEvent(const ObjectRef& ref, const engine::Report& report) {
  const pg::StepFailure& failure = *report.failure;
  const std::string statement = failure.statement.empty() ? "" : " (statement: " + failure.statement + ")";
  return {ref, true, "ApplyFailed",
          failure.object + ": " + failure.message + statement + "; " + appliedBefore(report)};
}

// The approval command as a person pastes it: the namespace named (the reader's kubectl context
// may point anywhere) and --overwrite (an earlier approval, of another plan, is usually there).
// Names and namespaces are DNS labels and the hash is hex, so nothing in it needs quoting.
std::string approvalCommand(const ObjectRef& ref, const std::string& planHash) {
  return "kubectl annotate -n " + ref.ns + " databaseschema " + ref.name + " dbschema.io/allow-destructive=" +
         planHash + " --overwrite";
}

EventNote destructivePendingEvent(const ObjectRef& ref, const schema::Plan& remaining) {
  return {ref, true, "DestructiveChangesPending",
          listed(withSafety(remaining, schema::Safety::Destructive), kChangesNamed) +
              " wait for approval: " + approvalCommand(ref, remaining.hash)};
}

// Mode Plan reports drift and never applies it: without this Event the drift would show only in
// status, which nobody watches (status alone does not reach `kubectl get events` or alerting on Events).
EventNote driftDetectedEvent(const ObjectRef& ref, const schema::Plan& remaining) {
  return {ref, true, "DriftDetected",
          "mode is Plan: " + std::to_string(remaining.drift.size()) + " difference(s) found, not applied: " +
              listed(remaining.drift, kChangesNamed) + " (plan " + remaining.hash +
              "; the statements are in status.plan)"};
}

EventNote blockedEvent(const ObjectRef& ref, const schema::Change& change) {
  return {ref, true, "Blocked", std::string(schema::toString(change.kind)) + " " + change.object + ": " + change.reason};
}

}  // namespace

std::vector<EventNote> eventsFor(const ObjectRef& ref, const engine::Report& report, const std::string& previousPlanHash,
                                 spec::Mode mode) {
  std::vector<EventNote> events;
  if (!report.applied.empty()) events.push_back(appliedEvent(ref, report));
  if (report.failure) events.push_back(applyFailedEvent(ref, report));
  const schema::Plan& remaining = report.remaining;
  if (remaining.hash == previousPlanHash) return events;  // the same pending plan, re-checked
  if (mode == spec::Mode::Plan && !remaining.drift.empty()) events.push_back(driftDetectedEvent(ref, remaining));
  else if (remaining.destructive > 0) events.push_back(destructivePendingEvent(ref, remaining));
  if (remaining.blocked > 0)
    for (const auto& c : withSafety(remaining, schema::Safety::Blocked)) events.push_back(blockedEvent(ref, c));
  return events;
}

}  // namespace controller
