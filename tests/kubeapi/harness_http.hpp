#pragma once
// A direct HTTP(S) client for the proof suite: what kubectl cannot send (a stale PUT, a watch from
// an old resourceVersion, another User-Agent) and the exact Status bodies the server answers.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace kubetest {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;
  std::string body;
  Headers headers;
  nlohmann::json json() const;  // the body parsed; discarded value when it is not JSON
  std::vector<std::string> header(const std::string& name) const;  // every value, name case-insensitive
  std::vector<nlohmann::json> lines() const;  // a watch body: one JSON event per line
};

// Percent-encodes a query value (continue tokens are base64: '+', '/', '=').
std::string urlEncode(const std::string& value);

// One request on a fresh connection to baseUrl (http://… or https://… verified with caPem).
// A response that does not complete within `timeout` throws.
HttpResult httpRequest(const std::string& baseUrl, const std::string& caPem, const std::string& method,
                       const std::string& target, const std::string& body, const Headers& headers,
                       std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace kubetest
