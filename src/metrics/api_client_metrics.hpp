#pragma once
// Requests to the Kubernetes API server, as client-go (and so controller-runtime) counts them:
// rest_client_requests_total{code,method,host}, one per HTTP request, retries included. `code`
// is the HTTP status, or "<error>" when no response came.
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace metrics {

class ApiClientMetrics {
 public:
  explicit ApiClientMetrics(prometheus::Registry& registry);

  // status 0: no response (connection refused, timeout, TLS failure).
  void requested(const std::string& method, const std::string& host, int status);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
};

}  // namespace metrics
