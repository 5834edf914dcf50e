#pragma once
// An HTTP(S) proxy on 127.0.0.1 in front of the real API server, for the faults a real server
// does not make on demand: an answer of 500 or 429 (with Retry-After) to the N-th request that
// matches, a watch stream closed now, a watch stream cut in the middle of an event. Everything
// else passes through unchanged, request by request, so the server sees the client's own
// requests and the client its answers. It serves TLS with the API server's own serving
// certificate (so a client verifies it with the cluster's CA as it would the server), or plain
// HTTP; towards the server it is a TLS client without a certificate of its own, so a client
// behind it authenticates with a bearer token, which passes through in its header.
#include <memory>
#include <string>
#include <vector>

namespace controlplane {

class ControlPlane;

struct FaultProxyOptions {
  bool tls = true;  // false: plain HTTP towards the client
};

// Requests that match: `method` ("" any) and `targetPart` found in the request target (path and
// query). After `skip` matching requests have passed, the next `times` are answered with `code`
// and a Status body, and never reach the server.
struct InjectedAnswer {
  std::string method;
  std::string targetPart;
  int code = 500;
  int times = 1;
  int skip = 0;
  int retryAfterSeconds = -1;  // a Retry-After header when >= 0
};

// A request the proxy saw, and whether it answered it itself.
struct SeenRequest {
  std::string method;
  std::string target;
  bool injected = false;
};

class FaultProxy {
 public:
  explicit FaultProxy(const ControlPlane& plane, FaultProxyOptions options = {});
  ~FaultProxy();  // closes every connection
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  unsigned short port() const;
  std::string url() const;  // https://127.0.0.1:port (http:// without TLS)

  void inject(const InjectedAnswer& answer);
  // Forgets every injected answer not yet given: requests pass again.
  void stopInjecting();
  // Closes every watch stream open now, between events; returns how many.
  size_t dropWatches();
  // What a watch stream whose target contains `targetPart` sends next (an event, as the server
  // sends each in a piece of its own) is cut in the middle: half of its bytes reach the client,
  // then both connections close. Once.
  void cutNextWatchEvent(const std::string& targetPart);
  size_t openWatches() const;
  std::vector<SeenRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace controlplane
