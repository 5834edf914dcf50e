#include "core/clock.hpp"

namespace core {

bool SystemClock::sleepFor(Millis d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

Clock& systemClock() {
  static SystemClock clock;
  return clock;
}

TimePoint ManualClock::now() const {
  std::lock_guard l(m_);
  return now_;
}

Monotonic ManualClock::monotonic() const {
  std::lock_guard l(m_);
  return Monotonic{} + elapsed_;
}

bool ManualClock::sleepFor(Millis d, std::stop_token stop) {
  std::lock_guard l(m_);
  sleeps_.push_back(d);
  now_ += d;
  elapsed_ += d;
  return !stop.stop_requested();
}

void ManualClock::waitFor(std::condition_variable&, std::unique_lock<std::mutex>&, Millis d) { advance(d); }

void ManualClock::advance(Millis d) {
  std::lock_guard l(m_);
  now_ += d;
  elapsed_ += d;
}

std::vector<Millis> ManualClock::sleeps() const {
  std::lock_guard l(m_);
  return sleeps_;
}

}  // namespace core
