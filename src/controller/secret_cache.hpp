#pragma once
// The Secrets of the watched namespaces, as the controller needs them: every one's identity, and
// the data only of those a DatabaseSchema names. The others are watched so that a Secret is known
// the moment something names it or it changes, and are never held: a namespace's Secrets include
// service-account tokens, other teams' credentials and Helm's release records (up to 1 MiB each).
// Thread-safe: the Secret watcher writes the store, the DatabaseSchema watcher says what each
// resource names, and reconcile workers read.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "kube/store.hpp"

namespace controller {

class SecretCache {
 public:
  // Reads one Secret from the API server; nullopt when it does not exist.
  using Fetch = std::function<core::Result<std::optional<nlohmann::json>>(const kube::Key& secret)>;
  explicit SecretCache(Fetch fetch);
  SecretCache(const SecretCache&) = delete;
  SecretCache& operator=(const SecretCache&) = delete;

  kube::Store& store() { return store_; }  // what the Secret watcher fills
  const kube::Store& store() const { return store_; }

  // The Secrets the DatabaseSchema `schema` names now (none when it is gone). A Secret no longer
  // named by anything has its data dropped from the cache.
  void setNamedBy(const kube::Key& schema, const std::vector<kube::Key>& secrets);
  // The DatabaseSchemas that name `secret`.
  std::vector<kube::Key> usersOf(const kube::Key& secret) const;

  // The Secret with its data; nullopt when the cache does not have it (it does not exist, or its
  // watch event is still on the way). A Secret the cache took before anything named it is read
  // from the API server once, then kept, and updated by the watch from then on.
  core::Result<std::optional<nlohmann::json>> get(const kube::Key& secret);

  // How many Secrets the cache holds the data of.
  size_t held() const;

 private:
  bool named(const kube::Key& secret) const;
  nlohmann::json cached(nlohmann::json secret) const;  // the store's transform

  Fetch fetch_;
  mutable std::mutex m_;
  std::map<kube::Key, std::vector<kube::Key>> names_;  // DatabaseSchema -> the Secrets it names
  std::map<kube::Key, std::set<kube::Key>> users_;     // Secret -> the DatabaseSchemas naming it
  kube::Store store_;                                  // last: its transform reads the maps above
};

}  // namespace controller
