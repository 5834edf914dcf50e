#pragma once
// The one retry backoff: exponential growth from `initial` by `factor`, capped at `max`, and
// optionally jittered into [½, 1] of the step so that many clients failing together do not retry
// in step. Used by the API client's retries, the watcher, the reconcile queue and apply.
#include <chrono>
#include <functional>

namespace core {

// A number in [0, 1) spreading retries; injected so tests are deterministic.
using Jitter = std::function<double()>;

struct BackoffPolicy {
  std::chrono::milliseconds initial{200};
  std::chrono::milliseconds max = std::chrono::milliseconds::max();
  double factor = 2.0;
};

// The un-jittered delay before retry number `retry` (1 = the first): min(max, initial·factor^(retry-1)).
std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int retry);

// `delay` scaled into [delay/2, delay] by `unit` (clamped to [0, 1]).
std::chrono::milliseconds jittered(std::chrono::milliseconds delay, double unit);

// A backoff that counts its own retries: next() is the delay before the next retry.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, Jitter jitter = {}) : policy_(policy), jitter_(std::move(jitter)) {}
  std::chrono::milliseconds next();
  void reset() { retries_ = 0; }
  int retries() const { return retries_; }

 private:
  BackoffPolicy policy_;
  Jitter jitter_;
  int retries_ = 0;
};

}  // namespace core
