#include "faults.hpp"

namespace kubeapi {

namespace {
std::string reasonFor(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "InternalError";
  }
}
}  // namespace

void Faults::add(const std::string& method, const std::string& pathRegex, int code, int times, int retryAfterSeconds) {
  faults_.push_back({method, std::regex(pathRegex), code, times, retryAfterSeconds});
}

std::optional<ApiError> Faults::take(const std::string& method, const std::string& target) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->method.empty() && it->method != "*" && it->method != method) continue;
    if (!std::regex_search(target, it->re)) continue;
    ApiError e(it->code, reasonFor(it->code), "injected failure (" + std::to_string(it->code) + ") for " + method + " " + target);
    if (it->retryAfter > 0) {
      e.retryAfter = it->retryAfter;
      e.details = {{"retryAfterSeconds", it->retryAfter}};
    }
    if (--it->times <= 0) faults_.erase(it);
    return e;
  }
  return std::nullopt;
}

}  // namespace kubeapi
