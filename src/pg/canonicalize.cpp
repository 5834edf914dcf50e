// pg::canonicalize: Postgres itself says how it spells a declared type, default, check or index
// predicate, by creating them on scratch temporary tables and reading the catalog back.
//
// Safety: the declared text is SQL owned by the resource's author, pasted into DDL (that is what
// it is for). Three things keep it contained:
//  - every statement goes through exec_params (the extended protocol), which runs exactly one
//    statement: text that closes a parenthesis and appends "; DROP TABLE x" is an error;
//  - everything happens in a transaction that is always rolled back, on tables that are
//    TEMPORARY ... ON COMMIT DROP: even DDL smuggled inside one statement does not persist;
//  - the scratch tables' catalog rows are checked against what was asked for: a "type" or an
//    expression that adds a column, a constraint or an index is rejected as not one type/expression.
// Postgres evaluates none of these expressions here (the tables stay empty), and it refuses
// subqueries in defaults, checks and predicates.
#include <map>
#include <set>

#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/inspect.hpp"
#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg {
namespace {

using schema::sql::ident;

constexpr const char* kTypesTable = "so_canon_types";
constexpr const char* kProbeTable = "so_canon_probe";

std::string tableName(size_t i) { return "so_canon_" + std::to_string(i); }
std::string typeColumn(size_t k) { return "t" + std::to_string(k); }
std::string checkName(size_t j) { return "so_check_" + std::to_string(j); }
std::string predicateIndex(const std::string& table, size_t j) { return table + "_p" + std::to_string(j); }

// What one scratch table must look like after its statements ran.
struct Expected {
  std::vector<std::string> columns;
  std::set<std::string> defaults;  // columns with a DEFAULT
  std::set<std::string> checks;    // constraint names
  std::set<std::string> indexes;   // index names
};

// What the catalog holds for one scratch table.
struct Found {
  std::vector<std::string> columns;                  // attnum order
  std::map<std::string, std::string> types;          // column -> format_type
  std::map<std::string, std::string> defaults;       // column -> pg_get_expr
  std::set<std::string> constrained;                 // columns NOT NULL, identity or generated
  std::map<std::string, std::string> checks;         // constraint -> expression (any constraint kind)
  std::map<std::string, std::optional<std::string>> indexes;  // index -> predicate
};

// Reads back every scratch table of this session in one query. pg_my_temp_schema() limits it to
// this session's temporary schema; the so\_canon\_ prefix to the tables made here.
constexpr const char* kReadBack =
    "SELECT 'a', c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    "   pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attnotnull OR a.attidentity <> '' OR a.attgenerated <> '', a.attnum"
    " FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_%'"
    " UNION ALL"
    " SELECT 'c', c.relname, co.conname, NULL, pg_catalog.pg_get_expr(co.conbin, co.conrelid, true), NULL, NULL"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_%'"
    " UNION ALL"
    " SELECT 'i', c.relname, i.relname, NULL, pg_catalog.pg_get_expr(x.indpred, x.indrelid, true), NULL, NULL"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index x ON x.indrelid = c.oid"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_%'"
    " ORDER BY 1, 2, 7, 3";

std::map<std::string, Found> readBack(pqxx::transaction_base& tx, QueryCounter* counter) {
  const pqxx::result r = tx.exec_params(kReadBack);
  if (counter) ++counter->queries;
  std::map<std::string, Found> out;
  for (const auto& row : r) {
    Found& f = out[row[1].c_str()];
    const std::string name = row[2].c_str();
    switch (row[0].c_str()[0]) {
      case 'a':
        f.columns.push_back(name);
        f.types[name] = row[3].c_str();
        if (!row[4].is_null()) f.defaults[name] = row[4].c_str();
        if (row[5].c_str()[0] == 't') f.constrained.insert(name);
        break;
      case 'c': f.checks[name] = row[4].is_null() ? "" : row[4].c_str(); break;
      case 'i': f.indexes[name] = row[4].is_null() ? std::nullopt : std::optional<std::string>(row[4].c_str()); break;
    }
  }
  return out;
}

// True when the scratch table holds exactly what was asked for, nothing more.
bool matches(const Found& f, const Expected& e) {
  if (f.columns != e.columns || !f.constrained.empty()) return false;
  std::set<std::string> defaults, checks, indexes;
  for (const auto& [k, v] : f.defaults) defaults.insert(k);
  for (const auto& [k, v] : f.checks) checks.insert(k);
  for (const auto& [k, v] : f.indexes) indexes.insert(k);
  return defaults == e.defaults && checks == e.checks && indexes == e.indexes;
}

// One scratch table with its statements (CREATE TABLE, then CREATE INDEX for each predicate).
struct Scratch {
  std::string name;
  std::vector<std::string> statements;
  Expected expected;
};

// Columns are created with their declared type and, when asked, DEFAULT (expr); the parentheses
// keep a default one expression ("0, x int" is a syntax error, not a second column).
Scratch tableScratch(const std::string& name, const schema::TableQuestion& q, bool withDefaults,
                     const std::vector<size_t>& checks, const std::vector<size_t>& predicates) {
  Scratch s;
  s.name = name;
  std::string sql = "CREATE TEMPORARY TABLE " + ident(name) + " (";
  std::string body;
  auto add = [&](const std::string& part) {
    if (!body.empty()) body += ", ";
    body += part;
  };
  for (const auto& c : q.columns) {
    std::string col = ident(c.name) + " " + c.type;
    if (withDefaults && c.defaultExpr) {
      col += " DEFAULT (" + *c.defaultExpr + ")";
      s.expected.defaults.insert(c.name);
    }
    add(col);
    s.expected.columns.push_back(c.name);
  }
  if (q.columns.empty()) {
    // Something to index a predicate on; a table with no column is otherwise fine.
    add("so_dummy integer");
    s.expected.columns.push_back("so_dummy");
  }
  for (size_t j : checks) {
    add("CONSTRAINT " + ident(checkName(j)) + " CHECK (" + q.checks[j].first + ")");
    s.expected.checks.insert(checkName(j));
  }
  s.statements.push_back(sql + body + ") ON COMMIT DROP");
  for (size_t j : predicates) {
    const std::string index = predicateIndex(name, j);
    // Indexed on a constant so that the key's type (json, say, has no btree class) cannot fail
    // the question about the predicate.
    s.statements.push_back("CREATE INDEX " + ident(index) + " ON pg_temp." + ident(name) + " ((1)) WHERE (" +
                           q.predicates[j].first + ")");
    s.expected.indexes.insert(index);
  }
  return s;
}

Scratch typesScratch(const std::string& name, const std::vector<std::string>& types) {
  Scratch s;
  s.name = name;
  std::string sql = "CREATE TEMPORARY TABLE " + ident(name) + " (";
  for (size_t k = 0; k < types.size(); ++k) {
    if (k) sql += ", ";
    sql += ident(typeColumn(k)) + " " + types[k];
    s.expected.columns.push_back(typeColumn(k));
  }
  s.statements.push_back(sql + ") ON COMMIT DROP");
  return s;
}

std::vector<size_t> upTo(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

void execute(pqxx::transaction_base& tx, const Scratch& s, QueryCounter* counter) {
  for (const auto& sql : s.statements) {
    tx.exec_params(sql);
    if (counter) ++counter->queries;
  }
}

// The server's reason for refusing a question, or nullopt when the question is sound. Runs under
// a savepoint on a scratch table named kProbeTable, rolled back afterwards.
std::optional<std::string> tryOne(pqxx::transaction_base& tx, const Scratch& s, QueryCounter* counter,
                                   const std::string& notOneThing) {
  // Plain SAVEPOINT statements: libpqxx 6's subtransaction did not reliably send them here.
  tx.exec("SAVEPOINT so_canon_probe");
  if (counter) ++counter->queries;
  std::optional<std::string> refused;
  try {
    execute(tx, s, counter);
    auto found = readBack(tx, counter);
    if (!matches(found[s.name], s.expected)) refused = notOneThing;
  } catch (const pqxx::sql_error& e) {
    refused = detail::firstLine(e.what());
  }
  tx.exec("ROLLBACK TO SAVEPOINT so_canon_probe");
  if (counter) ++counter->queries;
  return refused;
}

// After the batch failed: put each question alone to find every one Postgres refuses. A type it
// refuses ends the search (everything else depends on the types); expressions are all tried.
std::vector<schema::CanonFailure> diagnose(pqxx::connection& conn, const schema::CanonQuestions& questions,
                                           const std::vector<std::string>& types,
                                           const std::map<std::string, std::string>& typeFields,
                                           QueryCounter* counter) {
  std::vector<schema::CanonFailure> refused;
  pqxx::work tx(conn, "canonicalize-diagnose");
  if (counter) ++counter->queries;
  auto finish = [&] {
    tx.abort();
    if (counter) ++counter->queries;
    return refused;
  };
  for (const auto& t : types) {
    if (auto err = tryOne(tx, typesScratch(kProbeTable, {t}), counter, "not a single type: " + t)) {
      refused.push_back({typeFields.at(t), *err, true});
      return finish();
    }
  }
  for (const auto& q : questions.tables) {
    // Each column alone first, so a type names its column.
    for (const auto& c : q.columns) {
      schema::TableQuestion one{q.table, {c}, {}, {}};
      one.columns[0].defaultExpr.reset();
      if (auto err = tryOne(tx, tableScratch(kProbeTable, one, false, {}, {}), counter, "not a single type: " + c.type)) {
        refused.push_back({c.field, *err, true});
        return finish();
      }
    }
    for (const auto& c : q.columns) {
      if (!c.defaultExpr) continue;
      schema::TableQuestion one{q.table, {c}, {}, {}};
      if (auto err = tryOne(tx, tableScratch(kProbeTable, one, true, {}, {}), counter,
                            "not a single expression: " + *c.defaultExpr))
        refused.push_back({c.field, *err, false});
    }
    for (size_t j = 0; j < q.checks.size(); ++j) {
      if (auto err = tryOne(tx, tableScratch(kProbeTable, q, false, {j}, {}), counter,
                            "not a single expression: " + q.checks[j].first))
        refused.push_back({q.checks[j].second, *err, false});
    }
    for (size_t j = 0; j < q.predicates.size(); ++j) {
      if (auto err = tryOne(tx, tableScratch(kProbeTable, q, false, {}, {j}), counter,
                            "not a single expression: " + q.predicates[j].first))
        refused.push_back({q.predicates[j].second, *err, false});
    }
  }
  return finish();
}

// The questions without the refused expressions.
schema::CanonQuestions without(const schema::CanonQuestions& questions, const std::vector<schema::CanonFailure>& refused) {
  auto isRefused = [&](const std::string& field) {
    for (const auto& r : refused)
      if (r.field == field) return true;
    return false;
  };
  schema::CanonQuestions out = questions;
  for (auto& q : out.tables) {
    for (auto& c : q.columns)
      if (c.defaultExpr && isRefused(c.field)) c.defaultExpr.reset();
    std::erase_if(q.checks, [&](const auto& ck) { return isRefused(ck.second); });
    std::erase_if(q.predicates, [&](const auto& p) { return isRefused(p.second); });
  }
  return out;
}

}  // namespace

namespace {

// Every question in one rolled-back transaction. The error text when the server refused any.
std::optional<std::string> askAll(pqxx::connection& conn, const schema::CanonQuestions& questions,
                                  const std::vector<std::string>& types, schema::Canon& canon, QueryCounter* counter) {
  std::vector<Scratch> scratches;
  if (!types.empty()) scratches.push_back(typesScratch(kTypesTable, types));
  for (size_t i = 0; i < questions.tables.size(); ++i) {
    const auto& q = questions.tables[i];
    scratches.push_back(tableScratch(tableName(i), q, true, upTo(q.checks.size()), upTo(q.predicates.size())));
  }
  std::optional<std::string> batchError;
  pqxx::work tx(conn, "canonicalize");
  if (counter) ++counter->queries;  // BEGIN
  try {
    for (const auto& s : scratches) execute(tx, s, counter);
    auto found = readBack(tx, counter);
    bool ok = true;
    for (const auto& s : scratches) ok = ok && matches(found[s.name], s.expected);
    if (ok) {
      for (size_t k = 0; k < types.size(); ++k) canon.types[types[k]] = found[kTypesTable].types[typeColumn(k)];
      for (size_t i = 0; i < questions.tables.size(); ++i) {
        const auto& q = questions.tables[i];
        Found& f = found[tableName(i)];
        for (const auto& c : q.columns)
          if (c.defaultExpr) canon.defaults[{q.table, c.name, *c.defaultExpr}] = f.defaults[c.name];
        for (size_t j = 0; j < q.checks.size(); ++j) canon.checks[{q.table, q.checks[j].first}] = f.checks[checkName(j)];
        for (size_t j = 0; j < q.predicates.size(); ++j)
          canon.predicates[{q.table, q.predicates[j].first}] = f.indexes[predicateIndex(tableName(i), j)].value_or("");
      }
    } else {
      batchError = "a declared type or expression defines more than one thing";
    }
  } catch (const pqxx::sql_error& e) {
    batchError = detail::firstLine(e.what());
  }
  // Scratch only: nothing is ever committed.
  tx.abort();
  if (counter) ++counter->queries;  // ROLLBACK
  return batchError;
}

}  // namespace

core::Result<schema::Canon> canonicalize(pqxx::connection& conn, const std::string& schemaName,
                                         const schema::CanonQuestions& questions, QueryCounter* counter) {
  schema::Canon canon;
  if (questions.empty()) return canon;

  std::vector<std::string> types;  // distinct, in the order first asked
  std::map<std::string, std::string> typeFields;
  for (const auto& t : questions.types)
    if (typeFields.emplace(t.type, t.field).second) types.push_back(t.type);

  try {
    const auto batchError = askAll(conn, questions, types, canon, counter);
    if (!batchError) return canon;
    auto refused = diagnose(conn, questions, types, typeFields, counter);
    if (refused.empty()) return core::terminal("canonicalize failed: " + *batchError);
    if (refused.front().type) return core::invalid(refused.front().field, refused.front().message);
    // Answer what can be answered; the caller decides what the refusals mean.
    schema::Canon partial;
    if (const auto again = askAll(conn, without(questions, refused), types, partial, counter))
      return core::terminal("canonicalize failed: " + *again);
    partial.failures = std::move(refused);
    return partial;
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot canonicalize declared types and expressions in schema " + schemaName);
  }
}

}  // namespace pg
