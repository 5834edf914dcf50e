// workqueue_metrics.hpp and api_client_metrics.hpp: controller-runtime's names, labels and types.
#include "metrics/workqueue_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "metrics/api_client_metrics.hpp"
#include "metrics/operator_metrics.hpp"

namespace {

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

std::string serialized(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace

TEST(WorkQueueMetrics, CountsAndHistogramsCarryTheQueueName) {
  prometheus::Registry registry;
  metrics::WorkQueueMetrics m(registry, "databaseschema");
  m.added();
  m.added();
  m.retried();
  m.waited(0.002);
  m.worked(0.5);
  const std::string text = serialized(registry);
  EXPECT_TRUE(has(text, R"(workqueue_adds_total{name="databaseschema"} 2)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_retries_total{name="databaseschema"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_queue_duration_seconds_count{name="databaseschema"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_queue_duration_seconds_bucket{name="databaseschema",le="0.01"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_queue_duration_seconds_bucket{name="databaseschema",le="0.001"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_work_duration_seconds_sum{name="databaseschema"} 0.5)")) << text;
  EXPECT_NE(text.find("# TYPE workqueue_adds_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE workqueue_work_duration_seconds histogram"), std::string::npos);
}

TEST(WorkQueueMetrics, GaugesAreReadFromTheQueueAtTheScrapeAndZeroWithoutOne) {
  prometheus::Registry registry;
  metrics::WorkQueueMetrics m(registry, "databaseschema");
  std::string before;
  m.appendGauges(before);
  EXPECT_TRUE(has(before, R"(workqueue_depth{name="databaseschema"} 0)")) << before;

  metrics::QueueSnapshot now{3, {1.5, 4.0}};
  m.follow([&] { return now; });
  std::string text;
  m.appendGauges(text);
  EXPECT_TRUE(has(text, R"(workqueue_depth{name="databaseschema"} 3)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_unfinished_work_seconds{name="databaseschema"} 5.5)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_longest_running_processor_seconds{name="databaseschema"} 4)")) << text;
  EXPECT_NE(text.find("# TYPE workqueue_depth gauge"), std::string::npos);

  now = {};  // read again at the next scrape
  text.clear();
  m.appendGauges(text);
  EXPECT_TRUE(has(text, R"(workqueue_depth{name="databaseschema"} 0)")) << text;
}

TEST(ApiClientMetrics, CountsRequestsByCodeMethodAndHostWithErrorsAsError) {
  prometheus::Registry registry;
  metrics::ApiClientMetrics m(registry);
  m.requested("GET", "10.0.0.1:6443", 200);
  m.requested("GET", "10.0.0.1:6443", 200);
  m.requested("PUT", "10.0.0.1:6443", 409);
  m.requested("POST", "10.0.0.1:6443", 0);
  const std::string text = serialized(registry);
  EXPECT_TRUE(has(text, R"(rest_client_requests_total{code="200",host="10.0.0.1:6443",method="GET"} 2)")) << text;
  EXPECT_TRUE(has(text, R"(rest_client_requests_total{code="409",host="10.0.0.1:6443",method="PUT"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(rest_client_requests_total{code="<error>",host="10.0.0.1:6443",method="POST"} 1)")) << text;
}

TEST(OperatorMetrics, ExposesTheQueueAndClientSeriesWithItsOwn) {
  metrics::OperatorMetrics m("1.2.3");
  m.workQueue().added();
  m.apiClient().requested("GET", "api:443", 200);
  std::string text;
  m.appendExposition(text);
  EXPECT_TRUE(has(text, R"(workqueue_adds_total{name="databaseschema"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(workqueue_depth{name="databaseschema"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(rest_client_requests_total{code="200",host="api:443",method="GET"} 1)")) << text;
  EXPECT_TRUE(has(text, "schema_operator_leader 0")) << text;
}
