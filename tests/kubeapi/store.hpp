#pragma once
// Object storage with one global, monotonic resourceVersion (like etcd's revision), a bounded
// event history for watch resumption, and the fan-out of events to open watches (§5.1, §5.7).
#include <nlohmann/json.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kubeapi {
using json = nlohmann::json;

struct StoredEvent {
  uint64_t rv;
  std::string type;  // ADDED MODIFIED DELETED
  std::string group, plural;
  json object;       // state after the change (DELETED: last state with the deletion's RV)
  json previous;     // state before (null for ADDED)
};

class Store {
 public:
  explicit Store(size_t historyMax) : historyMax_(historyMax) {}

  uint64_t rv() const { return rv_; }
  uint64_t nextRv() { return ++rv_; }

  const json* get(const std::string& group, const std::string& plural, const std::string& ns,
                  const std::string& name) const;
  // Sorted by namespace then name; ns empty = all namespaces.
  std::vector<const json*> list(const std::string& group, const std::string& plural, const std::string& ns) const;

  // obj carries metadata.resourceVersion already (from nextRv()).
  void put(const std::string& group, const std::string& plural, const json& obj);
  void erase(const std::string& group, const std::string& plural, const json& finalObj);

  // Watches may start from any RV >= floor(); older ones are answered 410.
  uint64_t floor() const { return floor_; }
  std::vector<const StoredEvent*> since(uint64_t rv, const std::string& group, const std::string& plural) const;
  void compact() {
    history_.clear();
    floor_ = rv_;
  }

  using Sink = std::function<void(const StoredEvent&)>;
  uint64_t subscribe(const std::string& group, const std::string& plural, Sink sink);
  void unsubscribe(uint64_t id) { subs_.erase(id); }

 private:
  static std::string key(const std::string& g, const std::string& p, const std::string& ns, const std::string& n) {
    return g + "\x1f" + p + "\x1f" + ns + "\x1f" + n;
  }
  void record(StoredEvent ev);

  struct Sub {
    std::string group, plural;
    Sink sink;
  };
  std::map<std::string, json> objects_;
  uint64_t rv_ = 1;
  uint64_t floor_ = 0;
  size_t historyMax_;
  std::deque<StoredEvent> history_;
  std::map<uint64_t, Sub> subs_;
  uint64_t nextSub_ = 1;
};

}  // namespace kubeapi
