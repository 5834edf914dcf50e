#include "controller/queue.hpp"

#include <algorithm>

namespace controller {

WorkQueue::WorkQueue(Clock clock) : clock_(std::move(clock)) {}

void WorkQueue::schedule(const QueueKey& key, Time at) {
  auto it = due_.find(key);
  if (it != due_.end()) {
    if (it->second <= at) return;
    order_.erase({it->second, key});
    it->second = at;
  } else {
    due_.emplace(key, at);
  }
  order_.emplace(at, key);
}

void WorkQueue::addAfter(const QueueKey& key, std::chrono::milliseconds delay) {
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return;
    const Time at = clock_() + delay;
    if (processing_.count(key)) {
      auto [it, inserted] = dirty_.emplace(key, at);
      if (!inserted) it->second = std::min(it->second, at);
    } else {
      schedule(key, at);
    }
  }
  changed_.notify_all();
}

std::optional<QueueKey> WorkQueue::get(std::chrono::milliseconds wait) {
  return take(std::chrono::steady_clock::now() + wait);
}

std::optional<QueueKey> WorkQueue::get() { return take(std::nullopt); }

QueueKey WorkQueue::pop() {
  QueueKey key = order_.begin()->second;
  order_.erase(order_.begin());
  due_.erase(key);
  processing_.insert(key);
  return key;
}

std::optional<QueueKey> WorkQueue::take(std::optional<Time> deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (shutdown_) return std::nullopt;
    const Time now = clock_();
    if (!order_.empty() && order_.begin()->first <= now) return pop();
    if (deadline && std::chrono::steady_clock::now() >= *deadline) return std::nullopt;
    // Sleep until the next key is due, a change (an add, done or shutdown), or the deadline.
    std::optional<Time> until = deadline;
    if (!order_.empty()) {
      const Time due = std::chrono::steady_clock::now() + (order_.begin()->first - now);
      until = until ? std::min(*until, due) : due;
    }
    if (until) changed_.wait_until(lock, *until);
    else changed_.wait(lock);
  }
}

void WorkQueue::done(const QueueKey& key) {
  {
    std::lock_guard lock(mutex_);
    processing_.erase(key);
    auto it = dirty_.find(key);
    if (it != dirty_.end()) {
      if (!shutdown_) schedule(key, it->second);
      dirty_.erase(it);
    }
  }
  changed_.notify_all();
}

void WorkQueue::forget(const QueueKey& key) {
  std::lock_guard lock(mutex_);
  auto it = due_.find(key);
  if (it != due_.end()) {
    order_.erase({it->second, key});
    due_.erase(it);
  }
  dirty_.erase(key);
}

void WorkQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
  }
  changed_.notify_all();
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutdown_;
}

size_t WorkQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return due_.size() + dirty_.size();
}

size_t WorkQueue::inFlight() const {
  std::lock_guard lock(mutex_);
  return processing_.size();
}

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::function<double()> unitRandom)
    : base_(base), cap_(cap), random_(std::move(unitRandom)) {}

std::chrono::milliseconds Backoff::next(const QueueKey& key) {
  int n;
  {
    std::lock_guard lock(mutex_);
    n = failures_[key]++;
  }
  double delay = static_cast<double>(base_.count());
  for (int i = 0; i < n && delay < static_cast<double>(cap_.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(cap_.count()));
  return std::chrono::milliseconds(static_cast<long long>(delay * (0.5 + 0.5 * random_())));
}

void Backoff::forget(const QueueKey& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int Backoff::failures(const QueueKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace controller
