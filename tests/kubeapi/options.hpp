#pragma once
#include <cstddef>
#include <string>

namespace kubeapi {

struct ServerOptions {
  bool tls = true;
  std::string token = "test-token";
  unsigned short port = 0;
  size_t watchHistory = 1000;
  // How often watches that asked for allowWatchBookmarks get a BOOKMARK (kube-apiserver: ~1 min).
  int bookmarkIntervalMs = 1000;
};

// One request as the RBAC layer would see it, plus who sent it.
struct CallRecord {
  std::string verb, group, resource, subresource, ns;
  // The request's User-Agent: the operator's start with "schema-operator/", kubectl's with "kubectl/".
  std::string userAgent;
};

}  // namespace kubeapi
