#include "metrics/workqueue_metrics.hpp"

#include <algorithm>
#include <numeric>

#include <prometheus/text_serializer.h>

namespace metrics {

namespace {

// client-go's buckets: 1µs to 10s by powers of ten. A reconcile waits milliseconds when the
// workers keep up and seconds when they do not; a check takes milliseconds to seconds.
const prometheus::Histogram::BucketBoundaries kDurationBuckets{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

prometheus::Family<prometheus::Counter>& counterFamily(prometheus::Registry& registry, const char* name,
                                                       const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Histogram>& histogramFamily(prometheus::Registry& registry, const char* name,
                                                           const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
}

prometheus::MetricFamily gauge(const char* name, const char* help, const std::string& queue, double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric m;
  m.label.push_back({"name", queue});
  m.gauge.value = value;
  f.metric.push_back(m);
  return f;
}

}  // namespace

WorkQueueMetrics::WorkQueueMetrics(prometheus::Registry& registry, const std::string& name)
    : name_(name),
      adds_(counterFamily(registry, "workqueue_adds_total", "Total number of adds handled by workqueue")
                .Add({{"name", name}})),
      retries_(counterFamily(registry, "workqueue_retries_total", "Total number of retries handled by workqueue")
                   .Add({{"name", name}})),
      queueSeconds_(histogramFamily(registry, "workqueue_queue_duration_seconds",
                                    "How long in seconds an item stays in workqueue before being requested")
                        .Add({{"name", name}}, kDurationBuckets)),
      workSeconds_(histogramFamily(registry, "workqueue_work_duration_seconds",
                                   "How long in seconds processing an item from workqueue takes")
                       .Add({{"name", name}}, kDurationBuckets)) {}

void WorkQueueMetrics::added() { adds_.Increment(); }
void WorkQueueMetrics::retried() { retries_.Increment(); }
void WorkQueueMetrics::waited(double seconds) { queueSeconds_.Observe(seconds); }
void WorkQueueMetrics::worked(double seconds) { workSeconds_.Observe(seconds); }

void WorkQueueMetrics::follow(std::function<QueueSnapshot()> snapshot) {
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
}

void WorkQueueMetrics::appendGauges(std::string& out) const {
  QueueSnapshot now;
  {
    std::lock_guard lock(mutex_);
    if (snapshot_) now = snapshot_();
  }
  const double unfinished = std::accumulate(now.runningSeconds.begin(), now.runningSeconds.end(), 0.0);
  const double longest =
      now.runningSeconds.empty() ? 0 : *std::max_element(now.runningSeconds.begin(), now.runningSeconds.end());
  out += prometheus::TextSerializer().Serialize({
      gauge("workqueue_depth", "Current depth of workqueue", name_, static_cast<double>(now.ready)),
      gauge("workqueue_unfinished_work_seconds",
            "How many seconds of work has been done that is in progress and hasn't been observed by "
            "work_duration. Large values indicate stuck threads.",
            name_, unfinished),
      gauge("workqueue_longest_running_processor_seconds",
            "How many seconds has the longest running processor for workqueue been running.", name_, longest),
  });
}

}  // namespace metrics
