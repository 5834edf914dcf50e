#pragma once
// Plain HTTP on 127.0.0.1 for the tests' own probes: etcd's JSON gateway, the operator's metrics
// and health endpoints, a Prometheus server's API.
#include <string>
#include <utility>

namespace controlplane {

// A port nothing listens on now (bound to 0 and released).
unsigned short freePort();

// One request to http://127.0.0.1:port/target: the status code and body; status 0 when nothing
// answers within ten seconds.
std::pair<int, std::string> httpRequest(unsigned short port, const std::string& method, const std::string& target,
                                        const std::string& body = "");
inline std::pair<int, std::string> httpGet(unsigned short port, const std::string& target) {
  return httpRequest(port, "GET", target);
}

}  // namespace controlplane
