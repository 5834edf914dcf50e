#pragma once
// The local cache a watcher fills: namespace/name -> last seen object. Thread-safe; readers are
// reconcile workers, the writer is the watcher. Every write returns the keys whose object really
// changed (a new resourceVersion, a new key, or a key that disappeared) so a controller enqueues
// exactly those: nothing lost, nothing doubled across re-lists.
#include <chrono>
#include <compare>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
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
  // Applied to every object before it is kept: a cache holds what its readers need and no more
  // (managedFields and kubectl's last-applied copy are most of an object's size).
  using Transform = std::function<nlohmann::json(nlohmann::json)>;
  explicit Store(Transform transform = {}) : transform_(std::move(transform)) {}

  // Added/Modified: the key when the object is new or its resourceVersion differs.
  std::optional<Key> upsert(const nlohmann::json& object);
  // Deleted: the key when it was present.
  std::optional<Key> erase(const nlohmann::json& object);
  // A complete list (initial or after 410): replaces everything, marks the store synced and
  // returns the keys added, changed or gone since the previous content.
  std::vector<Key> replaceAll(const std::vector<nlohmann::json>& objects);

  // What the store would keep of `object`: the transform's result. A watcher trims each page of a
  // list as it arrives, so that a long list is never held whole before it is stored.
  nlohmann::json trimmed(nlohmann::json object) const { return transform_ ? transform_(std::move(object)) : object; }

  // Packs `object` again, through the transform, when the cache holds this same resourceVersion
  // of it: for a transform whose answer depends on more than the object. Does nothing when the
  // cache has moved on to another version, or never had the object; says whether it stored.
  bool repack(const nlohmann::json& object);

  std::optional<nlohmann::json> get(const Key& key) const;
  std::vector<nlohmann::json> list() const;
  std::vector<Key> keys() const;
  size_t size() const;
  bool synced() const;
  // Blocks until the first complete list is in, or the timeout; returns synced().
  bool waitSynced(std::chrono::milliseconds timeout) const;
  // Blocks until the first complete list is in (true) or `stop` is requested (false).
  bool waitSynced(std::stop_token stop) const;

 private:
  mutable std::mutex m_;
  mutable std::condition_variable_any cv_;  // _any: a wait can end with a stop_token
  // Objects are kept as CBOR: a fifth of the JSON text and a twentieth of a parsed
  // nlohmann::json, decoded again when read (microseconds, against a reconcile's milliseconds).
  struct Entry {
    std::string resourceVersion;
    std::vector<std::uint8_t> packed;
    bool sameVersion(const Entry& other) const;
  };
  Entry pack(const nlohmann::json& object) const;

  std::map<Key, Entry> objects_;
  bool synced_ = false;
  Transform transform_;
};

}  // namespace kube
