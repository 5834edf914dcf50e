#include "pg/pipelined.hpp"

#include <libpq-fe.h>

#include <pqxx/largeobject>
#include <pqxx/except>

#include "pg/pqerror.hpp"

namespace pg::detail {

namespace {

// libpqxx 6 offers no pipeline, and keeps its PGconn to itself except for its large-object
// classes, which may ask the transaction for it. Only used between two libpqxx calls, with the
// connection idle in the transaction, and left as it was found (out of pipeline mode).
struct RawConnection : pqxx::largeobject {
  static PGconn* of(const pqxx::transaction_base& tx) {
    return raw_connection(dynamic_cast<const pqxx::dbtransaction&>(tx));
  }
};

std::string connectionError(PGconn* conn, const std::string& what) {
  return what + ": " + firstLine(PQerrorMessage(conn));
}

std::string sqlstateOf(const PGresult* r) {
  const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return code ? code : "";
}

}  // namespace

std::optional<PipelineRefusal> execPipelined(pqxx::transaction_base& tx, const std::vector<std::string>& statements) {
  if (statements.empty()) return std::nullopt;
  PGconn* conn = RawConnection::of(tx);
  if (PQenterPipelineMode(conn) != 1) throw pqxx::broken_connection(connectionError(conn, "cannot enter pipeline mode"));
  // Leaves pipeline mode whatever happens, draining what is left, so libpqxx finds the connection
  // as it left it.
  struct Exit {
    PGconn* conn;
    ~Exit() {
      // Bounded: a connection that neither yields results nor leaves the mode is given up.
      for (int tries = 0; tries < 1000 && PQpipelineStatus(conn) != PQ_PIPELINE_OFF; ++tries) {
        PGresult* r = PQgetResult(conn);
        if (r == nullptr && PQexitPipelineMode(conn) == 1) break;
        if (r == nullptr && PQstatus(conn) != CONNECTION_OK) break;
        PQclear(r);
      }
    }
  } exit{conn};

  for (const auto& sql : statements)
    if (PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
      throw pqxx::broken_connection(connectionError(conn, "cannot send a question"));
  if (PQpipelineSync(conn) != 1) throw pqxx::broken_connection(connectionError(conn, "cannot send a question"));

  std::optional<PipelineRefusal> refusal;
  for (size_t i = 0; i < statements.size(); ++i) {
    // Each statement's results end with a null result.
    while (PGresult* r = PQgetResult(conn)) {
      const ExecStatusType status = PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR && !refusal) refusal = PipelineRefusal{i, firstLine(PQresultErrorMessage(r)), sqlstateOf(r)};
      PQclear(r);
    }
    if (PQstatus(conn) != CONNECTION_OK) throw pqxx::broken_connection(connectionError(conn, "connection lost"));
  }
  // Then the sync's own result.
  if (PGresult* sync = PQgetResult(conn)) PQclear(sync);
  if (PQstatus(conn) != CONNECTION_OK) throw pqxx::broken_connection(connectionError(conn, "connection lost"));
  return refusal;
}

}  // namespace pg::detail
