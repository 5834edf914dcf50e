#pragma once
// Private to src/pg: many question statements in one round trip, each still alone.
//
// The questions pg::canonicalize and pg::askPartitions put to Postgres are DDL on scratch tables,
// one statement per declared text. Sent one by one they cost a round trip each, so a schema with
// many expression indexes or partitions would pay a round trip per declaration on every plan.
// libpq's pipeline mode (PostgreSQL 14+ client library; the protocol works with any server this
// project supports) sends them together and reads the answers together. Each one still goes
// through the extended protocol as its own Parse/Bind/Execute, which refuses to run more than one
// statement, so pipelining keeps the "declarations are data" guarantee exec_params gives.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

namespace pg::detail {

struct PipelineRefusal {
  size_t index = 0;     // the statement the server refused; the ones after it did not run
  std::string message;  // the server's first line (as firstLine gives it)
  std::string sqlstate;
};

// Runs `statements` in order inside `tx`, in one round trip. Results are discarded. On a refusal
// the transaction is left aborted on the server: the caller rolls it back (every caller's
// transaction is a scratch one that is always rolled back). Throws what libpqxx would throw when
// the connection fails.
std::optional<PipelineRefusal> execPipelined(pqxx::transaction_base& tx, const std::vector<std::string>& statements);

}  // namespace pg::detail
