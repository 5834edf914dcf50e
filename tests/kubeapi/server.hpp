#pragma once
// Kubernetes API test server: behaves like kube-apiserver wherever the operator and kubectl 1.32
// depend on it (shared/design/kube-api-contract.md). In-process for tests, or as kube-test-server.
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"

namespace kubeapi {

class Server {
 public:
  using Call = CallRecord;  // verb: get list watch create update patch delete deletecollection

  explicit Server(ServerOptions o = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // runs on its own thread; returns when listening
  void stop();
  std::string url() const;  // https://127.0.0.1:PORT (http:// without TLS)
  unsigned short port() const;
  // Writes a kubeconfig (CA data + token, current-context set); returns path.
  std::string writeKubeconfig(const std::string& path, const std::string& ns = "default") const;
  std::string caPem() const;

  // Fault injection for the operator's tests.
  void dropWatches();  // end every open watch stream now (returns once they are ended)
  void compact();      // forget history: watches/continues from older RVs get 410 Expired
  // The next `times` requests whose method matches (""/"*" = any) and whose target (path?query)
  // matches pathRegex (std::regex_search) fail with `code`; Retry-After is sent when > 0.
  void failNext(const std::string& method, const std::string& pathRegex, int code, int times = 1,
                int retryAfterSeconds = 0);
  std::vector<Call> calls() const;  // every resource request made
  size_t openWatches() const;
  // Reads the store directly; null when absent.
  nlohmann::json get(const std::string& group, const std::string& version, const std::string& plural,
                     const std::string& ns, const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubeapi
