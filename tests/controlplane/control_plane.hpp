#pragma once
// A real Kubernetes control plane for tests, as controller-runtime's envtest starts one: etcd and
// kube-apiserver (built by `make tools` into .tools/kube) as child processes on free loopback
// ports, in a temporary folder with certificates made for the run. The admin authenticates with
// a client certificate; the RBAC authorizer is on; ServiceAccount tokens are signed and checked
// (made with the TokenRequest API, `kubectl create token`: there is no token controller);
// requests by ServiceAccounts are written to an audit log, which is how tests see every call the
// operator made and every one the authorizer refused. Optionally kube-controller-manager with
// its garbage collector alone, so owned objects go with their owner.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controlplane/pki.hpp"

namespace kube {
class Client;
}
namespace testsupport {
class BackgroundProcess;
}

namespace controlplane {

using nlohmann::json;

// A binary of .tools/kube: $KUBE_TOOLS_DIR/name when set, else the repository's .tools/kube/name.
std::string toolPath(const std::string& name);

struct ControlPlaneOptions {
  // false: watches are served from etcd, not the API server's cache, so a watch from a revision
  // etcd compacted away is answered 410 Gone as it would be after a long disconnect.
  bool watchCache = true;
  // Resources (plural, with .group outside the core group) whose watches bypass the cache while
  // the rest keep it: a compaction makes 410s for these alone.
  std::vector<std::string> uncachedResources = {};
};

class ControlPlane {
 public:
  // Starts etcd and kube-apiserver and waits for /readyz; throws with both logs' tails when they
  // do not come up.
  explicit ControlPlane(ControlPlaneOptions options = {});
  ~ControlPlane();  // stops what runs, then removes the folder
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& adminKubeconfig() const { return adminKubeconfig_; }
  std::string serverUrl() const { return "https://127.0.0.1:" + std::to_string(apiPort_); }
  unsigned short apiPort() const { return apiPort_; }
  const Pki& pki() const { return pki_; }

  // Starts kube-controller-manager with only the garbage collector (call it after the CRDs
  // whose objects own others are established, so its first discovery sees them).
  void startGarbageCollector();

  // A kubeconfig at `path` that authenticates with a bearer token (a ServiceAccount's), for
  // `server` (default: this API server; a proxy in front of it for fault tests).
  void writeTokenKubeconfig(const std::string& path, const std::string& token, const std::string& server = "") const;

  // GET of one object as the admin: the object, or null when it does not exist. Throws on any
  // other answer.
  json get(const std::string& group, const std::string& version, const std::string& resource, const std::string& ns,
           const std::string& name) const;

  // Compacts etcd's history up to its current revision (physically, as the API server's own
  // compactor does every five minutes); returns that revision.
  long long compactEtcd() const;
  // Compacts etcd's history up to `revision` exactly (a resourceVersion a client holds).
  void compactEtcdTo(long long revision) const;

  // The audit log's events so far after the first `skip` (stage ResponseComplete and, for
  // watches, ResponseStarted too): every request a ServiceAccount made, with its verb,
  // objectRef, user and response code.
  std::vector<json> auditEvents(size_t skip = 0) const;

  // The last lines of the API server's log, for failure messages.
  std::string apiServerLogTail(size_t bytes = 4000) const;

 private:
  void startEtcd();
  void startApiServer();
  void waitReady(testsupport::BackgroundProcess& process, const std::string& what,
                 const std::function<bool()>& ready) const;

  ControlPlaneOptions options_;
  std::string dir_;
  Pki pki_;
  unsigned short etcdPort_ = 0, etcdPeerPort_ = 0, apiPort_ = 0;
  std::string adminKubeconfig_;
  std::unique_ptr<testsupport::BackgroundProcess> etcd_, apiServer_, controllerManager_;
  std::unique_ptr<kube::Client> admin_;
};

}  // namespace controlplane
