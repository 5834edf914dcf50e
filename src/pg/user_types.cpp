// Domains and composite types on the server (pg/user_types.hpp).
//
// The questions follow pg/canonicalize.cpp's rules: one statement per exec_params, all in a
// transaction that is rolled back, on temporary domains whose catalog rows are then checked to
// hold exactly what was asked (a default that smuggles in a check or NOT NULL, a check that adds
// a second one, is refused as not one expression).
#include "pg/user_types.hpp"

#include <map>
#include <set>
#include <variant>

#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg::detail {

using schema::sql::ident;

const char* const kUserTypesQuery =
    "SELECT 'd', t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
    " pg_catalog.pg_get_expr(t.typdefaultbin, 0), CASE WHEN t.typcollation <> b.typcollation THEN cl.collname END,"
    " co.conname, pg_catalog.pg_get_expr(co.conbin, 0, true), co.convalidated, 0"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_type t ON t.typnamespace = n.oid AND t.typtype = 'd'"
    " JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype"
    " LEFT JOIN pg_catalog.pg_collation cl ON cl.oid = t.typcollation"
    " LEFT JOIN pg_catalog.pg_constraint co ON co.contypid = t.oid AND co.contype = 'c'"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
    "   WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.objid = t.oid AND dep.deptype = 'e')"
    " UNION ALL"
    " SELECT 'c', t.typname, pg_catalog.format_type(a.atttypid, a.atttypmod), NULL, NULL,"
    " CASE WHEN a.attcollation <> at.typcollation THEN cl.collname END, a.attname, NULL, NULL, a.attnum"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_type t ON t.typnamespace = n.oid AND t.typtype = 'c'"
    " JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_collation cl ON cl.oid = a.attcollation"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
    "   WHERE dep.classid IN ('pg_catalog.pg_type'::pg_catalog.regclass, 'pg_catalog.pg_class'::pg_catalog.regclass)"
    "   AND dep.objid IN (t.oid, c.oid) AND dep.deptype = 'e')"
    " ORDER BY 1, 2, 10, 7";

namespace {

std::optional<std::string> optional(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str(), f.size());
}
bool isTrue(const pqxx::field& f) { return !f.is_null() && f.c_str()[0] == 't'; }

}  // namespace

void decodeUserTypes(const pqxx::result& rows, schema::Model& model) {
  for (const auto& row : rows) {
    const std::string name = row[1].c_str();
    if (row[0].c_str()[0] == 'd') {
      if (model.domains.empty() || model.domains.back().name != name) {
        schema::Domain d;
        d.name = name;
        d.type = row[2].c_str();
        d.nullable = !isTrue(row[3]);
        d.defaultExpr = optional(row[4]);
        d.collation = optional(row[5]);
        model.domains.push_back(std::move(d));
      }
      if (!row[6].is_null())
        model.domains.back().checks.push_back(schema::Check{row[6].c_str(), row[7].c_str(), isTrue(row[8]), {}});
    } else {
      if (model.compositeTypes.empty() || model.compositeTypes.back().name != name)
        model.compositeTypes.push_back(schema::CompositeType{name, {}, {}});
      if (!row[6].is_null())
        model.compositeTypes.back().attributes.push_back(
            schema::TypeAttribute{row[6].c_str(), row[2].c_str(), optional(row[5]), {}});
    }
  }
}

std::optional<schema::CanonFailure> createNewUserTypes(pqxx::transaction_base& tx, const std::string& schemaName,
                                                       const schema::CanonQuestions& questions) {
  for (const auto& type : questions.newUserTypes) {
    std::string sql, field, name;
    if (const auto* d = std::get_if<schema::Domain>(&type)) {
      sql = "CREATE DOMAIN " + schema::sql::qualified(schemaName, d->name) + " AS " + d->type;
      field = d->field + ".type";
      name = "domain " + d->name;
    } else {
      const auto& t = std::get<schema::CompositeType>(type);
      std::string attributes;
      for (const auto& a : t.attributes) attributes += (attributes.empty() ? "" : ", ") + ident(a.name) + " " + a.type;
      sql = "CREATE TYPE " + schema::sql::qualified(schemaName, t.name) + " AS (" + attributes + ")";
      field = t.field + ".attributes";
      name = "type " + t.name;
    }
    try {
      tx.exec_params(sql);
    } catch (const pqxx::sql_error& err) {
      return schema::CanonFailure{field, "cannot create " + name + ": " + firstLine(err.what()), true, err.sqlstate()};
    }
  }
  return std::nullopt;
}

namespace {

std::string scratchDomain(size_t k) { return "so_canon_dom_" + std::to_string(k); }
std::string scratchCheck(size_t k, size_t j) { return "so_dcheck_" + std::to_string(k) + "_" + std::to_string(j); }

// The CREATE DOMAIN for question k, with its default when `withDefault` and the checks `checks`.
// The parentheses keep a default or a check one expression.
std::string domainStatement(size_t k, const schema::CanonQuestions::DomainQuestion& q, bool withDefault,
                            const std::vector<size_t>& checks) {
  std::string sql = "CREATE DOMAIN pg_temp." + ident(scratchDomain(k)) + " AS " + q.type;
  if (q.collation) sql += " COLLATE " + ident(*q.collation);
  if (withDefault && q.defaultExpr) sql += " DEFAULT (" + *q.defaultExpr + ")";
  for (size_t j : checks) sql += " CONSTRAINT " + ident(scratchCheck(k, j)) + " CHECK (" + q.checks[j].first + ")";
  return sql;
}

// What the catalog holds for one scratch domain.
struct FoundDomain {
  bool notNull = false;
  std::optional<std::string> defaultExpr;
  std::map<std::string, std::string> constraints;  // any kind, by name
};

constexpr const char* kReadDomains =
    "SELECT t.typname, t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0), co.conname,"
    " pg_catalog.pg_get_expr(co.conbin, 0, true)"
    " FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_constraint co ON co.contypid = t.oid"
    " WHERE t.typnamespace = pg_catalog.pg_my_temp_schema() AND t.typtype = 'd'"
    " AND t.typname LIKE 'so\\_canon\\_dom\\_%'";

std::map<std::string, FoundDomain> readDomains(pqxx::transaction_base& tx) {
  std::map<std::string, FoundDomain> out;
  for (const auto& row : tx.exec_params(kReadDomains)) {
    FoundDomain& f = out[row[0].c_str()];
    f.notNull = isTrue(row[1]);
    f.defaultExpr = optional(row[2]);
    if (!row[3].is_null()) f.constraints[row[3].c_str()] = row[4].is_null() ? "" : row[4].c_str();
  }
  return out;
}

// Whether scratch domain k holds exactly what was asked: no NOT NULL, the default when asked,
// and the named checks, nothing more.
bool holdsExactly(const std::map<std::string, FoundDomain>& found, size_t k,
                  const schema::CanonQuestions::DomainQuestion& q, bool withDefault, const std::vector<size_t>& checks) {
  auto it = found.find(scratchDomain(k));
  if (it == found.end() || it->second.notNull) return false;
  if (it->second.defaultExpr.has_value() != (withDefault && q.defaultExpr.has_value())) return false;
  std::set<std::string> expected, got;
  for (size_t j : checks) expected.insert(scratchCheck(k, j));
  for (const auto& [name, expr] : it->second.constraints) got.insert(name);
  return expected == got;
}

std::vector<size_t> allChecks(const schema::CanonQuestions::DomainQuestion& q) {
  std::vector<size_t> out;
  for (size_t j = 0; j < q.checks.size(); ++j) out.push_back(j);
  return out;
}

}  // namespace

std::optional<std::string> askDomains(pqxx::transaction_base& tx, const schema::CanonQuestions& questions,
                                      schema::Canon& canon) {
  if (questions.domains.empty()) return std::nullopt;
  for (size_t k = 0; k < questions.domains.size(); ++k)
    tx.exec_params(domainStatement(k, questions.domains[k], true, allChecks(questions.domains[k])));
  const auto found = readDomains(tx);
  for (size_t k = 0; k < questions.domains.size(); ++k) {
    const auto& q = questions.domains[k];
    if (!holdsExactly(found, k, q, true, allChecks(q)))
      return "a declared domain default or check defines more than one thing: " + q.field;
    const FoundDomain& f = found.at(scratchDomain(k));
    if (q.defaultExpr) canon.domainDefaults[{q.name, *q.defaultExpr}] = *f.defaultExpr;
    for (size_t j = 0; j < q.checks.size(); ++j) canon.domainChecks[{q.name, q.checks[j].first}] = f.constraints.at(scratchCheck(k, j));
  }
  return std::nullopt;
}

std::vector<schema::CanonFailure> diagnoseDomains(pqxx::transaction_base& tx, const schema::CanonQuestions& questions) {
  std::vector<schema::CanonFailure> refused;
  // One question under a savepoint: the server's refusal, or "not one thing", or nullopt.
  auto tryOne = [&](size_t k, bool withDefault, const std::vector<size_t>& checks,
                    const std::string& text) -> std::optional<std::string> {
    tx.exec("SAVEPOINT so_canon_domain");
    std::optional<std::string> why;
    try {
      tx.exec_params(domainStatement(k, questions.domains[k], withDefault, checks));
      if (!holdsExactly(readDomains(tx), k, questions.domains[k], withDefault, checks))
        why = "not a single expression: " + text;
    } catch (const pqxx::sql_error& e) {
      why = firstLine(e.what());
    }
    tx.exec("ROLLBACK TO SAVEPOINT so_canon_domain");
    return why;
  };
  for (size_t k = 0; k < questions.domains.size(); ++k) {
    const auto& q = questions.domains[k];
    if (q.defaultExpr)
      if (auto why = tryOne(k, true, {}, *q.defaultExpr)) refused.push_back({q.field + ".default", *why, false});
    for (size_t j = 0; j < q.checks.size(); ++j)
      if (auto why = tryOne(k, false, {j}, q.checks[j].first)) refused.push_back({q.checks[j].second, *why, false});
  }
  return refused;
}

}  // namespace pg::detail
