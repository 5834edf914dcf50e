#include "kube/errors.hpp"

namespace kube {
namespace {

std::string defaultReason(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return code >= 500 ? "InternalError" : "Unknown";
  }
}

core::ErrorKind kindFor(int code) {
  if (code == 409) return core::ErrorKind::Conflict;
  if (code == 422 || code == 400) return core::ErrorKind::Invalid;
  if (code == 429 || code >= 500 || code == 0) return core::ErrorKind::Transient;
  // 401/403/404/405/410/415: retrying the same request cannot help.
  return core::ErrorKind::Terminal;
}

}  // namespace

core::Error ApiError::toError() const {
  std::string m = reason.empty() ? message : reason + (code ? " (" + std::to_string(code) + ")" : "") + ": " + message;
  std::string field;
  if (!causes.empty()) {
    field = causes.front().field;
    if (causes.size() > 1) {
      m += " [";
      for (size_t i = 0; i < causes.size(); ++i)
        m += (i ? "; " : "") + (causes[i].field.empty() ? "" : causes[i].field + ": ") + causes[i].message;
      m += "]";
    }
  }
  return core::Error{kind, m, field, {}};
}

ApiError fromStatus(const nlohmann::json& status, int fallbackCode) {
  ApiError e;
  e.code = fallbackCode;
  if (status.is_object()) {
    if (auto c = status.find("code"); c != status.end() && c->is_number_integer() && c->get<int>() > 0)
      e.code = c->get<int>();
    if (auto r = status.find("reason"); r != status.end() && r->is_string()) e.reason = r->get<std::string>();
    if (auto m = status.find("message"); m != status.end() && m->is_string()) e.message = m->get<std::string>();
    if (auto d = status.find("details"); d != status.end() && d->is_object()) {
      if (auto ra = d->find("retryAfterSeconds"); ra != d->end() && ra->is_number_integer())
        e.retryAfterSeconds = ra->get<int>();
      if (auto cs = d->find("causes"); cs != d->end() && cs->is_array())
        for (const auto& c : *cs)
          e.causes.push_back(StatusCause{c.value("reason", ""), c.value("message", ""), c.value("field", "")});
    }
  }
  if (e.reason.empty()) e.reason = defaultReason(e.code);
  if (e.code == 410 && e.reason == "Gone") e.reason = "Expired";  // older servers
  if (e.message.empty()) e.message = e.reason;
  e.kind = kindFor(e.code);
  return e;
}

ApiError fromResponse(int httpCode, std::string_view body, std::optional<int> retryAfterHeader) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, false);
  ApiError e;
  if (status.is_object() && status.value("kind", "") == "Status") {
    e = fromStatus(status, httpCode);
    e.code = httpCode;  // the HTTP code is authoritative
    e.kind = kindFor(httpCode);
    if (e.reason.empty()) e.reason = defaultReason(httpCode);
  } else {
    e = fromStatus(nlohmann::json::object(), httpCode);
    std::string text(body.substr(0, 200));
    if (!text.empty()) e.message = text;
  }
  if (retryAfterHeader) e.retryAfterSeconds = retryAfterHeader;
  return e;
}

ApiError transportError(std::string message) {
  ApiError e;
  e.kind = core::ErrorKind::Transient;
  e.code = 0;
  e.reason = "";
  e.message = std::move(message);
  return e;
}

}  // namespace kube
