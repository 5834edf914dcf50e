#pragma once
// HTTP/1.1 to the API server. Synchronous by design: the caller's thread (a reconcile worker,
// the watcher thread, the lease loop) runs a small io_context owned by the connection for the
// duration of each call, so no thread is shared and deadlines are plain Beast expiries.
// Ordinary requests reuse keep-alive connections from a pool; a watch takes its own connection,
// streams the chunked body line by line and can be cancelled from another thread through a
// std::stop_token.
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "kube/config.hpp"
#include "kube/errors.hpp"
#include "kube/request.hpp"

namespace kube {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::string contentType;
  std::string body;  // for streams: only when status != 200
  std::optional<int> retryAfterSeconds;
};

// The seam the client is tested through (a fake transport in unit tests).
class Transport {
 public:
  virtual ~Transport() = default;
  // One request, one full response; an ApiError (code 0, Transient) only when no response came.
  virtual ApiResult<HttpResponse> roundTrip(const Request& request, const Headers& headers, core::Millis timeout) = 0;
  // A long-lived GET: while the status is 200, every complete line of the body goes to onLine
  // until it returns false, the server ends the body, `timeout` passes or `stop` is requested —
  // all of which return the 200 response. A connection the server drops mid-stream also counts
  // as an ordinary end (a watch resumes from its last resourceVersion).
  virtual ApiResult<HttpResponse> stream(const Request& request, const Headers& headers, core::Millis timeout,
                                         const std::function<bool(std::string_view line)>& onLine,
                                         std::stop_token stop) = 0;
};

struct TransportOptions {
  core::Millis connectTimeout = std::chrono::seconds(10);  // TCP connect + TLS handshake
  size_t maxIdleConnections = 8;
  std::string userAgent = "schema-operator/0.1";
};

// Beast over TCP or TLS per the server URL's scheme. Fails (Invalid) on a bad server URL or
// unusable certificate/key PEM.
core::Result<std::unique_ptr<Transport>> makeHttpTransport(const ClusterConfig& config,
                                                           const TransportOptions& options = {});

}  // namespace kube
