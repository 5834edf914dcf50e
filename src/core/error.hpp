#pragma once
// Errors crossing module boundaries. Edges catch library exceptions and return Result<T>;
// the kind decides what a caller does next (retry, report, give up).
#include <boost/system/result.hpp>
#include <string>
#include <utility>

namespace core {

enum class ErrorKind {
  Invalid,    // the input is wrong: retrying cannot help, the user must change it
  Transient,  // the network or a lock: retrying may help
  Conflict,   // someone else changed the thing first
  Terminal,   // the operation failed for good (a statement the server refused)
};

struct Error {
  ErrorKind kind = ErrorKind::Terminal;
  std::string message;
  std::string field;  // where in the input, e.g. "spec.tables[2].columns[0].type"; may be empty
  // The server's SQLSTATE when Postgres refused a declaration put to it ("42P01": it names a
  // relation that does not exist); empty otherwise.
  std::string sqlstate;

  // "spec.tables[0].name: must not be empty" or just the message.
  std::string describe() const { return field.empty() ? message : field + ": " + message; }
};

inline Error invalid(std::string field, std::string message, std::string sqlstate = {}) {
  return Error{ErrorKind::Invalid, std::move(message), std::move(field), std::move(sqlstate)};
}
inline Error transient(std::string message) { return Error{ErrorKind::Transient, std::move(message), {}, {}}; }
inline Error terminal(std::string message) { return Error{ErrorKind::Terminal, std::move(message), {}, {}}; }

// Thrown only by Result::value() on an error: a programming mistake, never a control path.
struct UncheckedError : std::runtime_error {
  explicit UncheckedError(const Error& e) : std::runtime_error(e.describe()) {}
};
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw UncheckedError(e);
}

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace core
