#include "controller/sample_from_observation.hpp"

#include <set>

namespace controller {

metrics::ResourceSample sampleOf(const std::string& ns, const std::string& name, const Observation& observed,
                                 double checkedAt) {
  metrics::ResourceSample s;
  s.ns = ns;
  s.name = name;
  s.checkedAt = checkedAt;
  if (observed.failure) {
    // Without its Secret the operator cannot reach the database either: that is an outage to page on.
    if (observed.failure->kind == FailureKind::ConnectionFailed || observed.failure->kind == FailureKind::SecretUnavailable)
      s.databaseUp = false;
    if (observed.failure->kind == FailureKind::EngineFailed || observed.failure->kind == FailureKind::OwnershipConflict)
      s.databaseUp = true;
  }
  if (!observed.report) return s;

  const engine::Report& report = *observed.report;
  s.databaseUp = true;
  s.introspectionSeconds = report.introspectionSeconds;
  s.unmanaged = schema::countByKind(report.unmanaged);
  s.inSync = !observed.failure && !report.failure && report.remaining.drift.empty();
  for (const auto& change : report.remaining.drift) {
    ++s.drift[{std::string(schema::toString(change.kind)), std::string(schema::toString(change.safety))}];
    if (change.safety == schema::Safety::Destructive) ++s.destructivePending;
  }
  // A change may take several steps (a definition change drops and adds): count it once.
  std::set<std::pair<schema::ChangeKind, std::string>> seen;
  for (const auto& step : report.applied)
    if (seen.emplace(step.kind, step.object).second) ++s.applied[std::string(schema::toString(step.kind))];
  return s;
}

}  // namespace controller
