#pragma once
// The operator's Prometheus metrics (names start with schema_operator_): per-resource gauges that
// follow each check, reconcile counters and histograms, leadership and build info. A resource's
// series disappear with it. Thread-safe: workers report while the exposer scrapes.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "metrics/resource_sample.hpp"

namespace metrics {

class OperatorMetrics {
 public:
  explicit OperatorMetrics(const std::string& version);
  ~OperatorMetrics();
  OperatorMetrics(const OperatorMetrics&) = delete;
  OperatorMetrics& operator=(const OperatorMetrics&) = delete;

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void resourceChecked(const ResourceSample& sample);
  void resourceGone(const std::string& ns, const std::string& name);
  void reconcileFinished(bool succeeded, double seconds);
  void setLeader(bool leading);

 private:
  struct Series;  // one resource's gauges and counters
  Series& seriesFor(const std::string& ns, const std::string& name);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& inSync_;
  prometheus::Family<prometheus::Gauge>& driftItems_;
  prometheus::Family<prometheus::Gauge>& destructivePending_;
  prometheus::Family<prometheus::Gauge>& databaseUp_;
  prometheus::Family<prometheus::Counter>& reconcileTotal_;
  prometheus::Family<prometheus::Histogram>& reconcileDuration_;
  prometheus::Family<prometheus::Histogram>& introspectionDuration_;
  prometheus::Family<prometheus::Counter>& changesApplied_;
  prometheus::Family<prometheus::Gauge>& lastCheck_;
  prometheus::Family<prometheus::Gauge>& buildInfo_;
  prometheus::Family<prometheus::Gauge>& leaderFamily_;
  prometheus::Counter& reconcileSucceeded_;
  prometheus::Counter& reconcileFailed_;
  prometheus::Histogram& reconcileSeconds_;
  prometheus::Histogram& introspectionSeconds_;
  prometheus::Gauge& leader_;

  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Series>> resources_;
};

}  // namespace metrics
