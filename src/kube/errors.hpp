#pragma once
// A non-2xx answer (or a watch ERROR event) turned into a typed error (contract §5.8). ApiError
// keeps the HTTP code, reason and causes for callers that need them and converts to core::Error
// for the ones that only need the kind.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace kube {

struct StatusCause {
  std::string reason, message, field;
};

struct ApiError {
  core::ErrorKind kind = core::ErrorKind::Terminal;
  int code = 0;            // HTTP status; 0 = no response (connect, TLS, timeout, parse)
  std::string reason;      // Status.reason: NotFound, AlreadyExists, Conflict, Expired, Invalid, …
  std::string message;     // Status.message (or a transport description)
  std::vector<StatusCause> causes;
  std::optional<int> retryAfterSeconds;  // Retry-After header, else details.retryAfterSeconds

  bool isNotFound() const { return code == 404; }
  bool isConflict() const { return code == 409; }   // Conflict or AlreadyExists
  bool isAlreadyExists() const { return code == 409 && reason == "AlreadyExists"; }
  bool isGone() const { return code == 410; }
  bool isUnauthorized() const { return code == 401; }

  // "NotFound (404): databaseschemas.dbschema.io \"x\" not found"; field = first cause's field.
  core::Error toError() const;
  operator core::Error() const { return toError(); }  // NOLINT: intended implicit conversion
};

template <class T>
using ApiResult = boost::system::result<T, ApiError>;

[[noreturn]] inline void throw_exception_from_error(const ApiError& e, const boost::source_location&) {
  throw core::UncheckedError(e.toError());
}

// From an HTTP status, the body (a Status object, or anything else) and a Retry-After header.
ApiError fromResponse(int httpCode, std::string_view body, std::optional<int> retryAfterHeader = std::nullopt);
// From a Status object (watch ERROR events carry one).
ApiError fromStatus(const nlohmann::json& status, int fallbackCode = 500);
// No response at all: connect refused, TLS failure, timeout. Transient.
ApiError transportError(std::string message);

template <class T>
core::Result<T> toCore(ApiResult<T>&& r) {
  if (r) return core::Result<T>(boost::system::in_place_value, std::move(*r));
  return r.error().toError();
}
inline core::Result<void> toCore(ApiResult<void>&& r) {
  if (r) return {};
  return r.error().toError();
}

}  // namespace kube
