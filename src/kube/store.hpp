#pragma once
// The local cache a watcher fills: namespace/name -> last seen object. Thread-safe; readers are
// reconcile workers, the writer is the watcher. Every write returns the keys whose object really
// changed (a new resourceVersion, a new key, or a key that disappeared) so a controller enqueues
// exactly those: nothing lost, nothing doubled across re-lists.
#include <chrono>
#include <compare>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kube {

struct Key {
  std::string ns;  // "" for cluster-scoped objects
  std::string name;

  static Key of(const nlohmann::json& object);  // from metadata.namespace / metadata.name
  std::string str() const { return ns.empty() ? name : ns + "/" + name; }
  auto operator<=>(const Key&) const = default;
};

std::string resourceVersionOf(const nlohmann::json& object);

class Store {
 public:
  // Added/Modified: the key when the object is new or its resourceVersion differs.
  std::optional<Key> upsert(const nlohmann::json& object);
  // Deleted: the key when it was present.
  std::optional<Key> erase(const nlohmann::json& object);
  // A complete list (initial or after 410): replaces everything, marks the store synced and
  // returns the keys added, changed or gone since the previous content.
  std::vector<Key> replaceAll(const std::vector<nlohmann::json>& objects);

  std::optional<nlohmann::json> get(const Key& key) const;
  std::vector<nlohmann::json> list() const;
  std::vector<Key> keys() const;
  size_t size() const;
  bool synced() const;
  // Blocks until the first complete list is in, or the timeout; returns synced().
  bool waitSynced(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::map<Key, nlohmann::json> objects_;
  bool synced_ = false;
};

}  // namespace kube
