#pragma once
// Time for kube/: wall-clock "now" (Lease and Event timestamps are wall time) and interruptible
// sleeps. Injected everywhere so tests move time by hand and never sleep.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <vector>

namespace kube {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Sleeps for `d` unless `stop` is requested first; returns false when stopped.
  virtual bool sleepFor(Millis d, std::stop_token stop) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  bool sleepFor(Millis d, std::stop_token stop) override {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
  }
};

// The process-wide real clock.
inline Clock& systemClock() {
  static SystemClock clock;
  return clock;
}

// A clock moved by hand; sleepFor advances time at once and records the request.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 55)) : now_(start) {}
  TimePoint now() const override {
    std::lock_guard l(m_);
    return now_;
  }
  bool sleepFor(Millis d, std::stop_token stop) override {
    std::lock_guard l(m_);
    sleeps_.push_back(d);
    now_ += d;
    return !stop.stop_requested();
  }
  void advance(Millis d) {
    std::lock_guard l(m_);
    now_ += d;
  }
  std::vector<Millis> sleeps() const {
    std::lock_guard l(m_);
    return sleeps_;
  }

 private:
  mutable std::mutex m_;
  TimePoint now_;
  std::vector<Millis> sleeps_;
};

}  // namespace kube
