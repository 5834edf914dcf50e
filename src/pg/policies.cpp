// Safety, as in pg/canonicalize.cpp: the author's `using` and `withCheck` are pasted into
// CREATE POLICY on temporary tables only, each statement alone in the extended protocol (which
// runs exactly one; all of them in one round trip, pg/pipelined.hpp), in a transaction that is
// always rolled back. The policies made are read back and checked against what was asked: an
// expression that closes its parenthesis to add a WITH CHECK the declaration does not have is
// refused. Only Postgres's printed text goes on to the plan. The policies are never evaluated
// here (the tables stay empty and nothing is selected).
#include "pg/policies.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/pqerror.hpp"
#include "pg/user_types.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

using schema::sql::ident;

// The scratch policies, as Postgres keeps them.
constexpr const char* kReadBack =
    "SELECT c.relname, po.polname, pg_catalog.pg_get_expr(po.polqual, po.polrelid),"
    " pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid)"
    " FROM pg_catalog.pg_policy po JOIN pg_catalog.pg_class c ON c.oid = po.polrelid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema()";

std::string policySql(const schema::PolicyQuestion& q, const schema::PolicyQuestion::Asked& p) {
  std::string command = p.command;
  std::transform(command.begin(), command.end(), command.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string sql = "CREATE POLICY " + ident(p.name) + " ON pg_temp." + ident(q.table) + " FOR " + command;
  if (p.usingExpr) sql += " USING (" + *p.usingExpr + ")";
  if (p.withCheck) sql += " WITH CHECK (" + *p.withCheck + ")";
  return sql;
}

}  // namespace

core::Result<schema::PolicyAnswers> askPolicies(pqxx::connection& conn, const std::string& schemaName,
                                                const schema::CanonQuestions& planned,
                                                const std::vector<schema::PolicyQuestion>& questions) {
  schema::PolicyAnswers answers;
  if (questions.empty()) return answers;
  try {
    pqxx::work tx(conn, "policy-questions");
    std::vector<std::string> statements, fields;
    for (const auto& q : questions) {
      statements.push_back(detail::scratchTableSql(q.table, q.columns));
      fields.push_back(q.field);
      for (const auto& p : q.policies) {
        statements.push_back(policySql(q, p));
        fields.push_back(p.field);
      }
    }
    if (auto refused = detail::makeScratch(tx, schemaName, planned, statements, fields)) {
      tx.abort();
      return *refused;
    }
    struct Made {
      std::optional<std::string> usingExpr, withCheck;
    };
    std::map<std::pair<std::string, std::string>, Made> made;
    for (const auto& row : tx.exec_params(kReadBack)) {
      Made m;
      if (!row[2].is_null()) m.usingExpr = row[2].c_str();
      if (!row[3].is_null()) m.withCheck = row[3].c_str();
      made[{row[0].c_str(), row[1].c_str()}] = std::move(m);
    }
    tx.abort();  // scratch only: nothing is ever committed
    for (const auto& q : questions)
      for (const auto& p : q.policies) {
        auto it = made.find({q.table, p.name});
        if (it == made.end() || it->second.usingExpr.has_value() != p.usingExpr.has_value() ||
            it->second.withCheck.has_value() != p.withCheck.has_value())
          return core::invalid(p.field, "not a policy's using and withCheck expressions alone (the text defines "
                                        "something more)");
        answers[{q.table, p.name}] = {it->second.usingExpr, it->second.withCheck};
      }
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot check the declared policies");
  }
  return answers;
}

}  // namespace pg
