#pragma once
// core/v1 Event recorder. The first occurrence of (object, type, reason, message) creates an
// Event named "<object>.<hex nanoseconds>"; repeats within 10 minutes merge-patch count and
// lastTimestamp on that Event instead of creating new ones, so a hot loop cannot flood the API.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"
#include "core/clock.hpp"

namespace kube {

struct ObjectReference {
  std::string apiVersion, kind, name, ns, uid, resourceVersion, fieldPath;
  static ObjectReference of(const nlohmann::json& object);
  nlohmann::json toJson() const;
};

enum class EventType { Normal, Warning };
const char* toString(EventType t);

// The aggregation rule, without I/O.
class EventAggregator {
 public:
  struct Decision {
    bool create = true;
    std::string name;
    int count = 1;
    core::TimePoint firstTimestamp;
  };
  explicit EventAggregator(core::Millis window = std::chrono::minutes(10), size_t maxEntries = 4096)
      : window_(window), maxEntries_(maxEntries) {}

  Decision observe(const ObjectReference& object, EventType type, const std::string& reason,
                   const std::string& message, core::TimePoint now);
  // The server no longer has the event (expired): the next observe creates a fresh one.
  void forget(const ObjectReference& object, EventType type, const std::string& reason, const std::string& message);

 private:
  using CacheKey = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, std::string>;
  struct Entry {
    std::string name;
    int count;
    core::TimePoint first, last;
  };
  static CacheKey keyOf(const ObjectReference& o, EventType t, const std::string& reason, const std::string& message);
  void evict(core::TimePoint now);

  core::Millis window_;
  size_t maxEntries_;
  std::map<CacheKey, Entry> entries_;
  std::uint64_t lastNanos_ = 0;
};

class EventRecorder {
 public:
  // `component`: source.component / reportingComponent; `host`: source.host / reportingInstance.
  EventRecorder(Client& client, std::string component, std::string host = "");

  // Thread-safe; serialised so that repeats patch the event the first call created.
  core::Result<void> record(const ObjectReference& object, EventType type, const std::string& reason,
                            const std::string& message);

 private:
  Client& client_;
  std::string component_, host_;
  std::mutex m_;
  EventAggregator aggregator_;
};

}  // namespace kube
