#include "metrics/api_client_metrics.hpp"

namespace metrics {

ApiClientMetrics::ApiClientMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("rest_client_requests_total")
                    .Help("Number of HTTP requests, partitioned by status code, method, and host.")
                    .Register(registry)) {}

void ApiClientMetrics::requested(const std::string& method, const std::string& host, int status) {
  // Family::Add returns the existing series for labels seen before; it is thread-safe.
  requests_.Add({{"code", status == 0 ? "<error>" : std::to_string(status)}, {"method", method}, {"host", host}})
      .Increment();
}

}  // namespace metrics
