#pragma once
// Requests as values: pure functions turn a resource description and parameters into the exact
// method, path, query and body the API server expects (contract §1, §4). Nothing here does I/O.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kube {

struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "leases"
  std::string kind;     // "Lease"
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
};

// Built-ins an operator touches (contract §8).
namespace resources {
inline ResourceType lease() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
inline ResourceType event() { return {"", "v1", "events", "Event", true}; }
inline ResourceType secret() { return {"", "v1", "secrets", "Secret", true}; }
inline ResourceType configMap() { return {"", "v1", "configmaps", "ConfigMap", true}; }
inline ResourceType namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
}  // namespace resources

struct Request {
  std::string method;  // GET POST PUT PATCH DELETE
  std::string path;    // "/apis/g/v/namespaces/ns/plural/name"
  std::map<std::string, std::string> query;
  std::string contentType;  // empty without a body
  std::string body;

  // path?query, keys sorted, values percent-encoded.
  std::string target() const;
  bool operator==(const Request&) const = default;
};

// Collection path; `ns` empty = cluster-scoped or across all namespaces.
std::string collectionPath(const ResourceType& rt, const std::string& ns);
// Object path, optionally with a subresource ("status").
std::string objectPath(const ResourceType& rt, const std::string& ns, const std::string& name,
                       const std::string& subresource = "");
std::string percentEncode(const std::string& s);

struct ListParams {
  std::string labelSelector, fieldSelector;
  std::optional<int> limit;
  std::string continueToken;
  std::optional<std::string> resourceVersion;
  std::string resourceVersionMatch;
};

struct WatchParams {
  std::string labelSelector, fieldSelector;
  std::string resourceVersion;  // "" or "0": synthetic ADDED for current objects first
  bool allowWatchBookmarks = true;
  std::optional<int> timeoutSeconds = 290;
};

enum class PatchType { Merge, Json, Apply, Strategic };
std::string contentType(PatchType t);

struct WriteParams {
  std::string fieldManager;
  std::string dryRun;  // "All"
  std::string fieldValidation;
};

struct PatchParams {
  std::string fieldManager;  // required for Apply
  bool force = false;        // Apply only
  std::string dryRun;
  std::string fieldValidation;
};

struct DeleteParams {
  std::string propagationPolicy;  // Background | Foreground | Orphan
  std::optional<std::string> preconditionUid, preconditionResourceVersion;
  std::optional<int> gracePeriodSeconds;
  std::string dryRun;
};

namespace request {
Request get(const ResourceType& rt, const std::string& ns, const std::string& name);
Request getStatus(const ResourceType& rt, const std::string& ns, const std::string& name);
Request list(const ResourceType& rt, const std::string& ns, const ListParams& p = {});
Request watch(const ResourceType& rt, const std::string& ns, const WatchParams& p = {});
Request create(const ResourceType& rt, const std::string& ns, const nlohmann::json& object, const WriteParams& p = {});
// PUT: `object` must carry metadata.resourceVersion (optimistic concurrency).
Request replace(const ResourceType& rt, const std::string& ns, const std::string& name,
                const nlohmann::json& object, const WriteParams& p = {});
Request replaceStatus(const ResourceType& rt, const std::string& ns, const std::string& name,
                      const nlohmann::json& object, const WriteParams& p = {});
Request patch(const ResourceType& rt, const std::string& ns, const std::string& name, PatchType type,
              const nlohmann::json& patch, const PatchParams& p = {});
Request patchStatus(const ResourceType& rt, const std::string& ns, const std::string& name, PatchType type,
                    const nlohmann::json& patch, const PatchParams& p = {});
// `delete` is a keyword.
Request remove(const ResourceType& rt, const std::string& ns, const std::string& name, const DeleteParams& p = {});
}  // namespace request

}  // namespace kube
