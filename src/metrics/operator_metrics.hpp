#pragma once
// The operator's Prometheus metrics (names start with schema_operator_): per-resource gauges that
// follow each check, reconcile counters and histograms, leadership and build info. A resource's
// series disappear with it. Thread-safe: workers report while /metrics is scraped.
//
// The per-resource series are plain values here, written straight into the exposition text: as
// prometheus-cpp families, each series cost the daemon some 400 bytes held and as much again
// built and copied at every scrape (5 MiB of transient memory per scrape at 1,000 resources).
// The few process-wide families stay in prometheus-cpp's registry.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "metrics/api_client_metrics.hpp"
#include "metrics/resource_sample.hpp"
#include "metrics/workqueue_metrics.hpp"

namespace metrics {

class OperatorMetrics {
 public:
  explicit OperatorMetrics(const std::string& version);
  ~OperatorMetrics();
  OperatorMetrics(const OperatorMetrics&) = delete;
  OperatorMetrics& operator=(const OperatorMetrics&) = delete;

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // Every family in the text exposition format (version 0.0.4), appended to `out`.
  void appendExposition(std::string& out) const;

  void resourceChecked(const ResourceSample& sample);
  void resourceGone(const std::string& ns, const std::string& name);
  void reconcileFinished(bool succeeded, double seconds);
  void setLeader(bool leading);

  // The reconcile queue's and the API client's series, under controller-runtime's names.
  WorkQueueMetrics& workQueue() { return workQueue_; }
  ApiClientMetrics& apiClient() { return apiClient_; }

 private:
  struct Series {  // one resource's values
    bool inSync = false;
    double destructivePending = 0;
    double lastCheck = 0;
    std::optional<bool> databaseUp;                           // absent until known
    std::map<std::pair<std::string, std::string>, double> drift;  // (change, class): only kinds present now
    std::map<std::string, double> applied;                    // change -> total
    std::map<std::string, double> unmanaged;                  // kind -> objects: only kinds present now
  };

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& reconcileTotal_;
  prometheus::Family<prometheus::Histogram>& reconcileDuration_;
  prometheus::Family<prometheus::Histogram>& introspectionDuration_;
  prometheus::Family<prometheus::Gauge>& buildInfo_;
  prometheus::Family<prometheus::Gauge>& leaderFamily_;
  prometheus::Counter& reconcileSucceeded_;
  prometheus::Counter& reconcileFailed_;
  prometheus::Histogram& reconcileSeconds_;
  prometheus::Histogram& introspectionSeconds_;
  prometheus::Gauge& leader_;
  WorkQueueMetrics workQueue_;
  ApiClientMetrics apiClient_;

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Series> resources_;  // by namespace, name
};

}  // namespace metrics
