#pragma once
// Where the API server is and how to authenticate: data only, loaded from a kubeconfig or from
// the in-cluster service account. Errors name the file and the field; tokens never appear in
// messages (describe() prints "***").
#include <functional>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace kube {

struct ClusterConfig {
  std::string server;                  // https://host:port or http://host:port
  std::string caPem;                   // PEM bundle; empty with https = the system trust store
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;           // name to verify and send as SNI instead of the URL host
  std::string token;                   // static bearer token (or the tokenFile's content at load)
  std::string tokenFile;               // re-read when it rotates (see auth.hpp)
  std::string clientCertPem, clientKeyPem;
  std::string ns = "default";          // the context's / service account's namespace

  // One line for logs: "server=https://… ca=yes token=*** ns=default"; never a secret.
  std::string describe() const;
};

// Reads an environment variable; injected so tests don't touch the process environment.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;
Getenv processEnv();

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// Parses kubeconfig text. `source` names the file in errors; relative paths resolve against
// `baseDir`. `context` overrides current-context when non-empty.
core::Result<ClusterConfig> parseKubeconfig(const std::string& yamlText, const std::string& source,
                                            const std::string& baseDir, const std::string& context = "");

// Loads one kubeconfig file, or a ':'-separated list merged as kubectl does (the first file to
// define a name or current-context wins).
core::Result<ClusterConfig> loadKubeconfig(const std::string& pathList, const std::string& context = "");

// KUBERNETES_SERVICE_HOST/_PORT + token, ca.crt, namespace under `dir`.
core::Result<ClusterConfig> loadInCluster(const Getenv& env, const std::string& dir = kServiceAccountDir);

struct LoadOptions {
  std::string kubeconfig;  // --kubeconfig
  std::string context;     // --context
  Getenv env = processEnv();
  std::string serviceAccountDir = kServiceAccountDir;
};

// controller-runtime's order: --kubeconfig, $KUBECONFIG, in-cluster (when the service env is
// set), ~/.kube/config.
core::Result<ClusterConfig> loadConfig(const LoadOptions& options = {});

}  // namespace kube
