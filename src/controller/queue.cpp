#include "controller/queue.hpp"

#include <algorithm>

namespace controller {

WorkQueue::WorkQueue(core::Clock& clock) : clock_(clock) {}

WorkQueue::~WorkQueue() {
  // A scrape after the queue is gone must not read it.
  if (metrics_) metrics_->follow(nullptr);
}

void WorkQueue::instrument(metrics::WorkQueueMetrics* metrics) {
  {
    std::lock_guard lock(mutex_);
    metrics_ = metrics;
  }
  if (metrics) metrics->follow([this] { return snapshot(); });
}

bool WorkQueue::schedule(const QueueKey& key, Time at) {
  auto it = due_.find(key);
  if (it != due_.end()) {
    if (it->second <= at) return false;
    order_.erase({it->second, key});
    it->second = at;
    order_.emplace(at, key);
    return false;
  }
  due_.emplace(key, at);
  order_.emplace(at, key);
  return true;
}

void WorkQueue::addAfter(const QueueKey& key, std::chrono::milliseconds delay) {
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return;
    const Time at = clock_.monotonic() + delay;
    if (processing_.count(key)) {
      auto [it, inserted] = dirty_.emplace(key, at);
      if (!inserted) it->second = std::min(it->second, at);
      else if (metrics_) metrics_->added();
    } else if (schedule(key, at) && metrics_) {
      metrics_->added();
    }
  }
  changed_.notify_all();
}

void WorkQueue::retryAfter(const QueueKey& key, std::chrono::milliseconds delay) {
  {
    std::lock_guard lock(mutex_);
    if (metrics_ && !shutdown_) metrics_->retried();
  }
  addAfter(key, delay);
}

std::optional<QueueKey> WorkQueue::get(std::chrono::milliseconds wait) {
  return take(clock_.monotonic() + wait);
}

std::optional<QueueKey> WorkQueue::get() { return take(std::nullopt); }

QueueKey WorkQueue::pop() {
  const auto [due, key] = *order_.begin();
  order_.erase(order_.begin());
  due_.erase(key);
  const Time now = clock_.monotonic();
  processing_.emplace(key, now);
  if (metrics_) metrics_->waited(std::chrono::duration<double>(now - due).count());
  return key;
}

std::optional<QueueKey> WorkQueue::take(std::optional<Time> deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (shutdown_) return std::nullopt;
    const Time now = clock_.monotonic();
    if (!order_.empty() && order_.begin()->first <= now) return pop();
    if (deadline && now >= *deadline) return std::nullopt;
    // Sleep until the next key is due, a change (an add, done or shutdown), or the deadline.
    std::optional<Time> until = deadline;
    if (!order_.empty()) until = until ? std::min(*until, order_.begin()->first) : order_.begin()->first;
    if (until) clock_.waitFor(changed_, lock, std::chrono::ceil<std::chrono::milliseconds>(*until - now));
    else changed_.wait(lock);
  }
}

void WorkQueue::done(const QueueKey& key) {
  {
    std::lock_guard lock(mutex_);
    if (auto running = processing_.find(key); running != processing_.end()) {
      if (metrics_) metrics_->worked(std::chrono::duration<double>(clock_.monotonic() - running->second).count());
      processing_.erase(running);
    }
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

metrics::QueueSnapshot WorkQueue::snapshot() const {
  std::lock_guard lock(mutex_);
  const Time now = clock_.monotonic();
  metrics::QueueSnapshot s;
  // order_ is sorted by due time: the ready keys are its head.
  for (auto it = order_.begin(); it != order_.end() && it->first <= now; ++it) ++s.ready;
  for (const auto& [key, since] : processing_)
    s.runningSeconds.push_back(std::chrono::duration<double>(now - since).count());
  return s;
}

KeyBackoff::KeyBackoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, core::Jitter unitRandom)
    : policy_{base, cap, 2.0}, random_(std::move(unitRandom)) {}

std::chrono::milliseconds KeyBackoff::next(const QueueKey& key) {
  int failed;
  {
    std::lock_guard lock(mutex_);
    failed = ++failures_[key];
  }
  return core::jittered(core::backoffDelay(policy_, failed), random_());
}

void KeyBackoff::forget(const QueueKey& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int KeyBackoff::failures(const QueueKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace controller
