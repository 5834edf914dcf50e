#include "pg/failure.hpp"

#include <new>

#include <pqxx/except>

#include "pg/pqerror.hpp"

namespace pg {

namespace {

// The server's reason for closing, when libpq kept it: "terminating connection due to
// administrator command" (pg_terminate_backend, a shutdown), an idle timeout.
std::string closingReason(const std::string& what) {
  const size_t fatal = what.find("FATAL:");
  if (fatal == std::string::npos) return {};
  std::string reason = detail::firstLine(what.substr(fatal));
  return reason.empty() ? std::string() : " (" + reason + ")";
}

bool retryable(const std::string& sqlstate) {
  // 40001 serialization_failure, 40P01 deadlock (both transaction_rollback), 55P03
  // lock_not_available, 57014 query_canceled (statement_timeout), 53xxx insufficient resources.
  return sqlstate.rfind("40", 0) == 0 || sqlstate == "55P03" || sqlstate == "57014" || sqlstate.rfind("53", 0) == 0;
}

}  // namespace

core::Error failureOf(const std::exception& e, const std::string& context) {
  auto error = [&](core::ErrorKind kind, const std::string& reason) {
    return core::Error{kind, context + ": " + reason, {}, {}};
  };
  const std::string what = e.what();
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return error(core::ErrorKind::Transient,
                 "the connection was lost while committing, so whether the last step committed is unknown "
                 "(the catalog is read again on the next run)");
  if (dynamic_cast<const pqxx::broken_connection*>(&e))
    return error(core::ErrorKind::Transient, "the database closed the connection" + closingReason(what));
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now: the session is gone.
    if (state.rfind("57P", 0) == 0)
      return error(core::ErrorKind::Transient, "the database closed the connection (" + detail::firstLine(what) + ")");
    const bool transient = retryable(state) || dynamic_cast<const pqxx::transaction_rollback*>(&e);
    return error(transient ? core::ErrorKind::Transient : core::ErrorKind::Terminal, detail::firstLine(what));
  }
  if (dynamic_cast<const std::bad_alloc*>(&e)) return error(core::ErrorKind::Terminal, "out of memory");
  if (dynamic_cast<const pqxx::usage_error*>(&e) || dynamic_cast<const pqxx::internal_error*>(&e) ||
      dynamic_cast<const pqxx::conversion_error*>(&e) || dynamic_cast<const pqxx::range_error*>(&e))
    return error(core::ErrorKind::Terminal, "unexpected error in the database client: " + detail::firstLine(what));
  // pqxx::failure itself carries libpq's own message (out of memory, a protocol error).
  return error(core::ErrorKind::Terminal, detail::firstLine(what));
}

}  // namespace pg
