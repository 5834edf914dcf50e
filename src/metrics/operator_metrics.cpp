#include "metrics/operator_metrics.hpp"

namespace metrics {

namespace {

using prometheus::Labels;

// Reconciles take milliseconds in sync and seconds when they apply; catalog reads are faster.
const prometheus::Histogram::BucketBoundaries kReconcileBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                               0.5,   1,    2.5,   5,    10,  30};
const prometheus::Histogram::BucketBoundaries kIntrospectionBuckets{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                   0.05,  0.1,    0.25,  0.5,  1, 2.5};

}  // namespace

struct OperatorMetrics::Series {
  Labels labels;
  prometheus::Gauge* inSync = nullptr;
  prometheus::Gauge* destructivePending = nullptr;
  prometheus::Gauge* lastCheck = nullptr;
  prometheus::Gauge* databaseUp = nullptr;                                 // absent until known
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> drift;  // only kinds present now
  std::map<std::string, prometheus::Counter*> applied;
};

OperatorMetrics::OperatorMetrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      inSync_(prometheus::BuildGauge()
                  .Name("schema_operator_in_sync")
                  .Help("1 when the database matches the DatabaseSchema, 0 when it drifts or cannot be checked")
                  .Register(*registry_)),
      driftItems_(prometheus::BuildGauge()
                      .Name("schema_operator_drift_items")
                      .Help("Differences between the database and the DatabaseSchema, by change kind and class "
                            "(safe, destructive, blocked)")
                      .Register(*registry_)),
      destructivePending_(prometheus::BuildGauge()
                              .Name("schema_operator_destructive_pending")
                              .Help("Destructive changes waiting for the dbschema.io/allow-destructive annotation")
                              .Register(*registry_)),
      databaseUp_(prometheus::BuildGauge()
                      .Name("schema_operator_database_up")
                      .Help("1 when the last check reached the database, 0 when it could not connect")
                      .Register(*registry_)),
      reconcileTotal_(prometheus::BuildCounter()
                          .Name("schema_operator_reconcile_total")
                          .Help("Reconciles by result (success or error)")
                          .Register(*registry_)),
      reconcileDuration_(prometheus::BuildHistogram()
                             .Name("schema_operator_reconcile_duration_seconds")
                             .Help("Time of one reconcile: read, plan, apply and status write")
                             .Register(*registry_)),
      introspectionDuration_(prometheus::BuildHistogram()
                                 .Name("schema_operator_introspection_duration_seconds")
                                 .Help("Time of reading one schema's catalog")
                                 .Register(*registry_)),
      changesApplied_(prometheus::BuildCounter()
                          .Name("schema_operator_changes_applied_total")
                          .Help("Changes applied to the database, by change kind")
                          .Register(*registry_)),
      lastCheck_(prometheus::BuildGauge()
                     .Name("schema_operator_last_check_timestamp_seconds")
                     .Help("When the resource was last checked against its database (Unix time)")
                     .Register(*registry_)),
      buildInfo_(prometheus::BuildGauge()
                     .Name("schema_operator_build_info")
                     .Help("Always 1; the version label says which build runs")
                     .Register(*registry_)),
      leaderFamily_(prometheus::BuildGauge()
                        .Name("schema_operator_leader")
                        .Help("1 while this replica holds the leader lease and reconciles")
                        .Register(*registry_)),
      // Both results exist from the start, so rate() and increase() see the first error.
      reconcileSucceeded_(reconcileTotal_.Add({{"result", "success"}})),
      reconcileFailed_(reconcileTotal_.Add({{"result", "error"}})),
      reconcileSeconds_(reconcileDuration_.Add({}, kReconcileBuckets)),
      introspectionSeconds_(introspectionDuration_.Add({}, kIntrospectionBuckets)),
      leader_(leaderFamily_.Add({})) {
  buildInfo_.Add({{"version", version}}).Set(1);
}

OperatorMetrics::~OperatorMetrics() = default;

OperatorMetrics::Series& OperatorMetrics::seriesFor(const std::string& ns, const std::string& name) {
  auto& slot = resources_[{ns, name}];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->labels = {{"namespace", ns}, {"name", name}};
    slot->inSync = &inSync_.Add(slot->labels);
    slot->destructivePending = &destructivePending_.Add(slot->labels);
    slot->lastCheck = &lastCheck_.Add(slot->labels);
  }
  return *slot;
}

void OperatorMetrics::resourceChecked(const ResourceSample& sample) {
  if (sample.introspectionSeconds) introspectionSeconds_.Observe(*sample.introspectionSeconds);
  std::lock_guard lock(mutex_);
  Series& s = seriesFor(sample.ns, sample.name);
  s.inSync->Set(sample.inSync ? 1 : 0);
  s.destructivePending->Set(sample.destructivePending);
  s.lastCheck->Set(sample.checkedAt);

  if (sample.databaseUp) {
    if (!s.databaseUp) s.databaseUp = &databaseUp_.Add(s.labels);
    s.databaseUp->Set(*sample.databaseUp ? 1 : 0);
  }

  // Drift kinds that went away lose their series rather than lingering at 0.
  for (auto it = s.drift.begin(); it != s.drift.end();) {
    if (sample.drift.count(it->first)) {
      ++it;
      continue;
    }
    driftItems_.Remove(it->second);
    it = s.drift.erase(it);
  }
  for (const auto& [key, count] : sample.drift) {
    auto& gauge = s.drift[key];
    if (!gauge) {
      Labels labels = s.labels;
      labels["change"] = key.first;
      labels["class"] = key.second;
      gauge = &driftItems_.Add(labels);
    }
    gauge->Set(count);
  }

  for (const auto& [change, count] : sample.applied) {
    auto& counter = s.applied[change];
    if (!counter) {
      Labels labels = s.labels;
      labels["change"] = change;
      counter = &changesApplied_.Add(labels);
    }
    counter->Increment(count);
  }
}

void OperatorMetrics::resourceGone(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = resources_.find({ns, name});
  if (it == resources_.end()) return;
  Series& s = *it->second;
  inSync_.Remove(s.inSync);
  destructivePending_.Remove(s.destructivePending);
  lastCheck_.Remove(s.lastCheck);
  if (s.databaseUp) databaseUp_.Remove(s.databaseUp);
  for (auto& [key, gauge] : s.drift) driftItems_.Remove(gauge);
  for (auto& [key, counter] : s.applied) changesApplied_.Remove(counter);
  resources_.erase(it);
}

void OperatorMetrics::reconcileFinished(bool succeeded, double seconds) {
  (succeeded ? reconcileSucceeded_ : reconcileFailed_).Increment();
  reconcileSeconds_.Observe(seconds);
}

void OperatorMetrics::setLeader(bool leading) { leader_.Set(leading ? 1 : 0); }

}  // namespace metrics
