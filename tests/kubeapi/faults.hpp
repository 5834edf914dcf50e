#pragma once
// Injected failures for the operator's tests: the next N requests matching method + regex fail.
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "status.hpp"

namespace kubeapi {

class Faults {
 public:
  // method "" or "*" matches any; the regex is searched in the request target (path and query).
  void add(const std::string& method, const std::string& pathRegex, int code, int times, int retryAfterSeconds);
  // Consumes one use of the first matching fault.
  std::optional<ApiError> take(const std::string& method, const std::string& target);

 private:
  struct Fault {
    std::string method;
    std::regex re;
    int code, times, retryAfter;
  };
  std::vector<Fault> faults_;
};

}  // namespace kubeapi
