#pragma once
// The one clock of the process: wall time for timestamps (status, Lease, Event), monotonic time
// for delays and deadlines, and waits that a stop or a notification cuts short. Injected
// everywhere, so tests move time by hand (ManualClock) and never sleep.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <vector>

namespace core {

using TimePoint = std::chrono::system_clock::time_point;     // wall time
using Monotonic = std::chrono::steady_clock::time_point;     // never steps with NTP
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  virtual Monotonic monotonic() const = 0;
  // Sleeps for `d` unless `stop` is requested first; returns false when stopped.
  virtual bool sleepFor(Millis d, std::stop_token stop) = 0;
  // Waits on `cv` (`lock` held) for at most `d` of this clock's time; returns early when notified
  // (or spuriously): callers re-check their condition.
  virtual void waitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Millis d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  Monotonic monotonic() const override { return std::chrono::steady_clock::now(); }
  bool sleepFor(Millis d, std::stop_token stop) override;
  void waitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Millis d) override {
    cv.wait_for(lock, d);
  }
};

// The process-wide real clock.
Clock& systemClock();

// A clock moved by hand. Sleeps and waits advance it at once by their whole length (and record
// it), so code that waits for time to pass runs without waiting.
class ManualClock final : public Clock {
 public:
  // Starts in 2025, far from the epoch, so that "time minus a duration" stays positive.
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 55)) : now_(start) {}
  TimePoint now() const override;
  Monotonic monotonic() const override;
  bool sleepFor(Millis d, std::stop_token stop) override;
  void waitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Millis d) override;
  void advance(Millis d);
  std::vector<Millis> sleeps() const;

 private:
  mutable std::mutex m_;
  TimePoint now_;
  Millis elapsed_{0};
  std::vector<Millis> sleeps_;
};

}  // namespace core
