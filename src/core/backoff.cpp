#include "core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace core {

std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int retry) {
  const double cap = static_cast<double>(policy.max.count());
  const double grown = static_cast<double>(policy.initial.count()) * std::pow(policy.factor, std::max(0, retry - 1));
  if (!(grown < cap)) return policy.max;  // also when pow overflowed to infinity
  return std::chrono::milliseconds(static_cast<long long>(grown));
}

std::chrono::milliseconds jittered(std::chrono::milliseconds delay, double unit) {
  const double scale = 0.5 + 0.5 * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * scale));
}

std::chrono::milliseconds Backoff::next() {
  const auto delay = backoffDelay(policy_, ++retries_);
  return jitter_ ? jittered(delay, jitter_()) : delay;
}

}  // namespace core
