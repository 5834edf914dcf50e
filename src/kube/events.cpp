#include "kube/events.hpp"

#include <cstdio>

#include "core/time.hpp"

namespace kube {

ObjectReference ObjectReference::of(const nlohmann::json& o) {
  ObjectReference r;
  r.apiVersion = o.value("apiVersion", "");
  r.kind = o.value("kind", "");
  if (o.contains("metadata") && o["metadata"].is_object()) {
    const auto& m = o["metadata"];
    r.name = m.value("name", "");
    r.ns = m.value("namespace", "");
    r.uid = m.value("uid", "");
    r.resourceVersion = m.value("resourceVersion", "");
  }
  return r;
}

nlohmann::json ObjectReference::toJson() const {
  nlohmann::json j = {{"apiVersion", apiVersion}, {"kind", kind}, {"name", name}};
  if (!ns.empty()) j["namespace"] = ns;
  if (!uid.empty()) j["uid"] = uid;
  if (!resourceVersion.empty()) j["resourceVersion"] = resourceVersion;
  if (!fieldPath.empty()) j["fieldPath"] = fieldPath;
  return j;
}

const char* toString(EventType t) { return t == EventType::Warning ? "Warning" : "Normal"; }

EventAggregator::CacheKey EventAggregator::keyOf(const ObjectReference& o, EventType t, const std::string& reason,
                                                 const std::string& message) {
  return {o.ns, o.kind, o.name, o.uid, toString(t), reason, message};
}

void EventAggregator::evict(core::TimePoint now) {
  if (entries_.size() < maxEntries_) return;
  for (auto it = entries_.begin(); it != entries_.end();)
    it = now - it->second.last >= window_ ? entries_.erase(it) : std::next(it);
  while (entries_.size() >= maxEntries_) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->second.last < oldest->second.last) oldest = it;
    entries_.erase(oldest);
  }
}

EventAggregator::Decision EventAggregator::observe(const ObjectReference& o, EventType type,
                                                   const std::string& reason, const std::string& message,
                                                   core::TimePoint now) {
  CacheKey key = keyOf(o, type, reason, message);
  auto it = entries_.find(key);
  if (it != entries_.end() && now - it->second.last < window_) {
    it->second.count += 1;
    it->second.last = now;
    return Decision{false, it->second.name, it->second.count, it->second.first};
  }
  if (it != entries_.end()) entries_.erase(it);
  evict(now);
  auto nanos = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
  if (nanos <= lastNanos_) nanos = lastNanos_ + 1;  // unique names even on a frozen clock
  lastNanos_ = nanos;
  char hex[32];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(nanos));
  std::string name = (o.name.empty() ? "object" : o.name) + "." + hex;
  entries_[key] = Entry{name, 1, now, now};
  return Decision{true, name, 1, now};
}

void EventAggregator::forget(const ObjectReference& o, EventType type, const std::string& reason,
                             const std::string& message) {
  entries_.erase(keyOf(o, type, reason, message));
}

EventRecorder::EventRecorder(Client& client, std::string component, std::string host)
    : client_(client), component_(std::move(component)), host_(std::move(host)) {}

core::Result<void> EventRecorder::record(const ObjectReference& object, EventType type, const std::string& reason,
                                         const std::string& message) {
  std::lock_guard l(m_);
  const ResourceType events = resources::event();
  const std::string ns = object.ns.empty() ? "default" : object.ns;
  const CallOptions options{core::Millis(5000), 2};
  const core::TimePoint now = client_.clock().now();
  auto d = aggregator_.observe(object, type, reason, message, now);
  if (!d.create) {
    nlohmann::json patch = {{"count", d.count}, {"lastTimestamp", core::formatTime(now)}};
    auto r = client_.call(request::patch(events, ns, d.name, PatchType::Merge, patch), options);
    if (r) return {};
    if (!r.error().isNotFound()) return r.error().toError();
    // Expired on the server (Events live an hour): start a new one.
    aggregator_.forget(object, type, reason, message);
    d = aggregator_.observe(object, type, reason, message, now);
  }
  nlohmann::json source = {{"component", component_}};
  if (!host_.empty()) source["host"] = host_;
  nlohmann::json event = {{"apiVersion", "v1"},
                          {"kind", "Event"},
                          {"metadata", {{"name", d.name}, {"namespace", ns}}},
                          {"involvedObject", object.toJson()},
                          {"reason", reason},
                          {"message", message},
                          {"type", toString(type)},
                          {"source", source},
                          {"firstTimestamp", core::formatTime(d.firstTimestamp)},
                          {"lastTimestamp", core::formatTime(now)},
                          {"count", d.count},
                          {"reportingComponent", component_},
                          {"reportingInstance", host_}};
  auto r = client_.call(request::create(events, ns, event), options);
  if (!r) return r.error().toError();
  return {};
}

}  // namespace kube
