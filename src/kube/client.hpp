#pragma once
// Client = config + auth + transport + retries. Thread-safe: reconcile workers, the watcher
// thread and the lease loop share one Client; every call runs on the caller's thread.
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include <nlohmann/json.hpp>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "kube/auth.hpp"
#include "kube/config.hpp"
#include "kube/errors.hpp"
#include "kube/request.hpp"
#include "kube/transport.hpp"

namespace kube {

using core::Jitter;

struct RetryPolicy {
  int maxAttempts = 5;  // including the first
  core::BackoffPolicy backoff{core::Millis(200), std::chrono::seconds(10), 2.0};
  core::Millis maxRetryAfter = std::chrono::seconds(60);  // a server's Retry-After is honoured up to this
};

// Delay before retry number `retry` (1 = the first retry): the policy's backoff, jittered; a
// Retry-After overrides it.
core::Millis retryDelay(const RetryPolicy& p, int retry, double jitter, std::optional<int> retryAfterSeconds);

// Whether `e`, the answer to a `method` request, is worth retrying. Transient errors are, except
// that a POST (a create) is only retried when the server said it did not process it (429 or a
// Retry-After), so a retried create does not make a second object.
bool retryable(const std::string& method, const ApiError& e);

// Told of every HTTP request the client sends, retries and watches included, with the API
// server's host:port and the response's status (0: no response came). For request metrics.
using RequestObserver = std::function<void(const std::string& method, const std::string& host, int status)>;

struct ClientOptions {
  RetryPolicy retry;
  core::Millis requestTimeout = std::chrono::seconds(30);
  core::Millis watchMargin = std::chrono::seconds(30);  // beyond the watch's own timeoutSeconds
  TransportOptions transport;
  RequestObserver onRequest;  // none when unset
};

struct CallOptions {
  std::optional<core::Millis> timeout;    // default: ClientOptions::requestTimeout
  std::optional<int> maxAttempts;   // default: RetryPolicy::maxAttempts; 1 = no retry
};

class Client {
 public:
  // The real thing: Beast over TCP/TLS.
  static core::Result<std::unique_ptr<Client>> create(const ClusterConfig& config, ClientOptions options = {},
                                                      core::Clock& clock = core::systemClock(),
                                                      Jitter jitter = core::randomJitter());
  Client(std::unique_ptr<Transport> transport, const ClusterConfig& config, ClientOptions options,
         core::Clock& clock, Jitter jitter);

  // The decoded 2xx body ({} when empty), or a typed error after retries.
  ApiResult<nlohmann::json> call(const Request& request, const CallOptions& options = {});
  core::Result<nlohmann::json> send(const Request& request, const CallOptions& options = {}) {
    return toCore(call(request, options));
  }

  // Streams watch events (one decoded JSON object each, ERROR events included) until the server
  // ends the stream, the timeout passes, onEvent returns false, `stop` or shutdown() — all
  // success. A non-200 answer or a broken stream is an error. No retries here: the watcher
  // decides what to do next.
  ApiResult<void> watch(const Request& request, const std::function<bool(const nlohmann::json&)>& onEvent,
                        std::stop_token stop = {});

  // Ends every running watch and pending retry sleep; later calls fail fast.
  void shutdown() { shutdown_.request_stop(); }
  std::stop_token shutdownToken() const { return shutdown_.get_token(); }

  const ClusterConfig& config() const { return config_; }
  core::Clock& clock() { return clock_; }

 private:
  Headers headers();
  void observe(const std::string& method, int status) const;

  std::unique_ptr<Transport> transport_;
  ClusterConfig config_;
  ClientOptions options_;
  core::Clock& clock_;
  Jitter jitter_;
  BearerAuth auth_;
  std::string host_;  // host:port of config_.server, for onRequest
  std::stop_source shutdown_;
};

}  // namespace kube
