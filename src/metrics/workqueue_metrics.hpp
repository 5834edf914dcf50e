#pragma once
// The work queue's metrics under the names controller-runtime (client-go's workqueue) gives them,
// so dashboards and alerts written for Go operators work unchanged: workqueue_depth,
// workqueue_adds_total, workqueue_retries_total, workqueue_queue_duration_seconds,
// workqueue_work_duration_seconds, workqueue_unfinished_work_seconds and
// workqueue_longest_running_processor_seconds, each with the queue's `name`.
//
// The counters and histograms are fed by the queue as things happen. The gauges describe the
// queue at the moment of the scrape (a key whose delay ran out is ready without any event), so
// they are read then from the queue's snapshot.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace metrics {

// The queue as it is now.
struct QueueSnapshot {
  size_t ready = 0;                    // keys due and not in flight: waiting for a worker
  std::vector<double> runningSeconds;  // how long each reconcile in flight has been running
};

class WorkQueueMetrics {
 public:
  WorkQueueMetrics(prometheus::Registry& registry, const std::string& name);

  void added();                   // a key was queued that was not queued already
  void retried();                 // a key was queued again because its reconcile failed
  void waited(double seconds);    // a key was taken, after waiting this long since it was due
  void worked(double seconds);    // a reconcile ended after this long
  // Where the gauges come from; without it they read 0.
  void follow(std::function<QueueSnapshot()> snapshot);

  // workqueue_depth, workqueue_unfinished_work_seconds and
  // workqueue_longest_running_processor_seconds, in the text format, appended to `out`.
  void appendGauges(std::string& out) const;

 private:
  std::string name_;
  prometheus::Counter& adds_;
  prometheus::Counter& retries_;
  prometheus::Histogram& queueSeconds_;
  prometheus::Histogram& workSeconds_;
  mutable std::mutex mutex_;
  std::function<QueueSnapshot()> snapshot_;
};

}  // namespace metrics
