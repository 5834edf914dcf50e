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
#include <algorithm>
#include <map>
#include <set>

#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/inspect.hpp"
#include "pg/pipelined.hpp"
#include "pg/pqerror.hpp"
#include "pg/scratch_groups.hpp"
#include "pg/user_types.hpp"
#include "schema/render.hpp"
#include "schema/function.hpp"
#include "schema/sql.hpp"

namespace pg {
namespace {

using schema::sql::ident;

constexpr const char* kTypesTable = "so_canon_types";
constexpr const char* kProbeTable = "so_canon_probe";

std::string typeColumn(size_t k) { return "t" + std::to_string(k); }
std::string checkName(size_t j) { return "so_check_" + std::to_string(j); }
std::string predicateIndex(const std::string& table, size_t j) { return table + "_p" + std::to_string(j); }
// Index questions' names carry "_k", which the read-back looks for (no scratch table's name has it).
std::string keysIndex(const std::string& table, size_t j) { return table + "_k" + std::to_string(j); }

// What one scratch table must look like after its statements ran.
struct Expected {
  std::vector<std::string> columns;
  std::set<std::string> defaults;  // columns with a DEFAULT
  std::set<std::string> checks;    // constraint names
  std::set<std::string> indexes;   // index names
  std::map<std::string, size_t> keyCounts;  // index questions: how many keys each must have
};

// What the catalog holds for one scratch table.
struct Found {
  std::vector<std::string> columns;                  // attnum order
  std::map<std::string, std::string> types;          // column -> format_type
  std::map<std::string, std::string> defaults;       // column -> pg_get_expr
  std::set<std::string> constrained;                 // columns NOT NULL, identity or generated
  std::map<std::string, std::string> checks;         // constraint -> expression (any constraint kind)
  std::map<std::string, std::optional<std::string>> indexes;  // index -> predicate
  std::map<std::string, std::vector<schema::Canon::IndexKeyAnswer>> keys;  // index question -> its keys
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
    // Index questions: each key as pg_get_indexdef prints it alone (a column key: the column's
    // name, and true), and its operator class unless it is the default.
    " UNION ALL"
    " SELECT 'k', c.relname, i.relname, COALESCE(ka.attname::text, pg_catalog.pg_get_indexdef(x.indexrelid, k.n, true)),"
    "   CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname END, ka.attname IS NOT NULL, k.n"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index x ON x.indrelid = c.oid"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " CROSS JOIN LATERAL pg_catalog.generate_series(1, x.indnatts) AS k(n)"
    " LEFT JOIN pg_catalog.pg_opclass oc ON oc.oid = x.indclass[k.n - 1]"
    " LEFT JOIN pg_catalog.pg_attribute ka ON ka.attrelid = c.oid AND ka.attnum = x.indkey[k.n - 1] AND ka.attnum > 0"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_%'"
    "   AND i.relname LIKE 'so\\_canon\\_%\\_k%'"
    " ORDER BY 1, 2, 7, 3";

std::map<std::string, Found> readBack(pqxx::transaction_base& tx) {
  const pqxx::result r = tx.exec_params(kReadBack);
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
      case 'k': {
        const bool column = row[5].c_str()[0] == 't';
        f.keys[name].push_back({column ? "" : row[3].c_str(), row[4].is_null() ? "" : row[4].c_str(), column ? row[3].c_str() : ""});
        break;
      }
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
  if (defaults != e.defaults || checks != e.checks || indexes != e.indexes) return false;
  // An index question holds its keys and nothing else: text that closed the key list and went
  // on ("a)) WHERE ((true") would add keys or a predicate.
  for (const auto& [index, count] : e.keyCounts) {
    auto keys = f.keys.find(index);
    if (keys == f.keys.end() || keys->second.size() != count || f.indexes.at(index)) return false;
  }
  return true;
}

// CREATE INDEX for an index question: its keys (expressions, columns, collations, operator
// classes) with its method and storage parameters, on the scratch table, and nothing else.
std::string indexQuestionSql(const std::string& index, const std::string& table,
                             const schema::TableQuestion::IndexQ& q) {
  std::string keys;
  for (const auto& k : q.keys) keys += (keys.empty() ? "" : ", ") + schema::indexKeySql(k);
  return "CREATE INDEX " + ident(index) + " ON pg_temp." + ident(table) + " USING " + ident(q.method) + " (" + keys + ")" +
         (q.with.empty() ? "" : " WITH " + schema::parameterListSql(q.with));
}

void addIndexQuestion(std::vector<std::string>& statements, Expected& expected, const std::string& index,
                      const std::string& table, const schema::TableQuestion::IndexQ& q) {
  statements.push_back(indexQuestionSql(index, table, q));
  expected.indexes.insert(index);
  expected.keyCounts[index] = q.keys.size();
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
                     const std::vector<size_t>& checks, const std::vector<size_t>& predicates,
                     const std::vector<size_t>& indexes = {}) {
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
  for (size_t j : indexes) addIndexQuestion(s.statements, s.expected, keysIndex(name, j), name, q.indexes[j]);
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

void execute(pqxx::transaction_base& tx, const Scratch& s) {
  for (const auto& sql : s.statements) tx.exec_params(sql);
}

using detail::Refusal;

schema::CanonFailure failure(std::string field, Refusal why, bool type) {
  return schema::CanonFailure{std::move(field), std::move(why.message), type, std::move(why.sqlstate)};
}

// The server's reason for refusing a question, or nullopt when the question is sound. Runs under
// a savepoint on a scratch table named kProbeTable, rolled back afterwards.
std::optional<Refusal> tryOne(pqxx::transaction_base& tx, const Scratch& s, const std::string& notOneThing) {
  // Plain SAVEPOINT statements: libpqxx 6's subtransaction did not reliably send them here.
  tx.exec("SAVEPOINT so_canon_probe");
  std::optional<Refusal> refused;
  try {
    execute(tx, s);
    auto found = readBack(tx);
    if (!matches(found[s.name], s.expected)) refused = Refusal{notOneThing, ""};
  } catch (const pqxx::sql_error& e) {
    refused = detail::refusalOf(e);
  }
  tx.exec("ROLLBACK TO SAVEPOINT so_canon_probe");
  return refused;
}

// One index question that may have been refused: each key alone; a refused key is asked again
// with less of what was declared (without the class's parameters, then bare), and the error
// names the first thing whose removal lets Postgres take it; then all the keys together, then
// with the storage parameters.
std::optional<schema::CanonFailure> diagnoseIndex(pqxx::transaction_base& tx, const schema::TableQuestion& q,
                                                  const schema::TableQuestion::IndexQ& index) {
  for (const auto& key : index.keys) {
    const bool expression = !key.expression.empty();
    const std::string what = expression ? "not a single expression: " + key.expression : "not a single key";
    auto refusal = [&](const schema::IndexKey& tried) {
      schema::TableQuestion one{q.table, q.columns, {}, {}, {}, {}, {{index.method, {tried}, index.field, {}}}};
      return tryOne(tx, tableScratch(kProbeTable, one, false, {}, {}, {0}), what);
    };
    auto err = refusal(key);
    if (!err) continue;
    schema::IndexKey withClass = key;
    withClass.opclassParameters.clear();
    if (!key.opclassParameters.empty() && !refusal(withClass))
      return failure(key.field + ".opclassParameters", *err, false);
    schema::IndexKey bare = withClass;
    bare.opclass.clear();
    if (!key.opclass.empty() && !refusal(bare)) return failure(key.field + ".opclass", *err, false);
    return failure(key.field + (expression ? ".expression" : ".column"), *err, false);
  }
  schema::TableQuestion whole{q.table, q.columns, {}, {}, {}, {}, {index}};
  whole.indexes[0].with.clear();
  if (auto err = tryOne(tx, tableScratch(kProbeTable, whole, false, {}, {}, {0}), "not one index"))
    return failure(index.field + ".keys", *err, false);
  whole.indexes[0].with = index.with;
  if (auto err = tryOne(tx, tableScratch(kProbeTable, whole, false, {}, {}, {0}), "not one index"))
    return failure(index.field + ".with", *err, false);
  return std::nullopt;
}

// After the batch failed: put each question alone to find every one Postgres refuses. A type it
// refuses ends the search (everything else depends on the types); expressions are all tried.
std::vector<schema::CanonFailure> diagnose(pqxx::connection& conn, const std::string& schemaName,
                                           const schema::CanonQuestions& questions,
                                           const std::vector<std::string>& types,
                                           const std::map<std::string, std::string>& typeFields) {
  std::vector<schema::CanonFailure> refused;
  pqxx::work tx(conn, "canonicalize-diagnose");
  auto finish = [&] {
    tx.abort();
    return refused;
  };
  if (auto failed = detail::createPlannedObjects(tx, schemaName, questions)) {
    refused.push_back(*failed);
    return finish();
  }
  for (const auto& t : types) {
    if (auto err = tryOne(tx, typesScratch(kProbeTable, {t}), "not a single type: " + t)) {
      refused.push_back(failure(typeFields.at(t), *err, true));
      return finish();
    }
  }
  for (auto& failure : detail::diagnoseDomains(tx, questions)) refused.push_back(std::move(failure));
  for (const auto& q : questions.tables) {
    // Each column alone first, so a type names its column.
    for (const auto& c : q.columns) {
      schema::TableQuestion one{q.table, {c}, {}, {}};
      one.columns[0].defaultExpr.reset();
      if (auto err = tryOne(tx, tableScratch(kProbeTable, one, false, {}, {}), "not a single type: " + c.type)) {
        refused.push_back(failure(c.field + ".type", *err, true));
        return finish();
      }
    }
    for (const auto& c : q.columns) {
      if (!c.defaultExpr) continue;
      schema::TableQuestion one{q.table, {c}, {}, {}};
      if (auto err = tryOne(tx, tableScratch(kProbeTable, one, true, {}, {}),
                            "not a single expression: " + *c.defaultExpr))
        refused.push_back(failure(c.field + ".default", *err, false));
    }
    for (size_t j = 0; j < q.checks.size(); ++j) {
      if (auto err = tryOne(tx, tableScratch(kProbeTable, q, false, {j}, {}),
                            "not a single expression: " + q.checks[j].first))
        refused.push_back(failure(q.checks[j].second, *err, false));
    }
    for (size_t j = 0; j < q.predicates.size(); ++j) {
      if (auto err = tryOne(tx, tableScratch(kProbeTable, q, false, {}, {j}),
                            "not a single expression: " + q.predicates[j].first))
        refused.push_back(failure(q.predicates[j].second, *err, false));
    }
    for (const auto& index : q.indexes) {
      if (auto failure = diagnoseIndex(tx, q, index)) refused.push_back(*failure);
    }
  }
  return finish();
}

}  // namespace

namespace detail {

// What the plan creates that a declaration may name, made first in the question transaction (and
// rolled back with it): the extensions and sequences the plan creates, and each changed enum as a
// temporary enum of the same name with the declared values. The refusal of an extension or a
// sequence (a name another relation holds), or nullopt.
std::optional<schema::CanonFailure> createPlannedObjects(pqxx::transaction_base& tx, const std::string& schemaName,
                                            const schema::CanonQuestions& questions) {
  for (const auto& e : questions.extensions) {
    try {
      tx.exec_params("CREATE EXTENSION IF NOT EXISTS " + ident(e.name) + " WITH SCHEMA " + ident(schemaName));
    } catch (const pqxx::sql_error& err) {
      return schema::CanonFailure{e.field, "cannot create extension " + e.name + ": " + detail::firstLine(err.what()), true,
                                  err.sqlstate()};
    }
  }
  for (const auto& s : questions.newSequences) {
    try {
      tx.exec_params("CREATE SEQUENCE " + schema::sql::qualified(schemaName, s.name) + " AS " + s.type);
    } catch (const pqxx::sql_error& err) {
      return schema::CanonFailure{s.field + ".name", "cannot create sequence " + s.name + ": " + detail::firstLine(err.what()),
                                  true, err.sqlstate()};
    }
  }
  for (const auto& e : questions.shadowEnums) {
    std::string values;
    for (const auto& v : e.values) values += (values.empty() ? "" : ", ") + schema::sql::literal(v);
    tx.exec_params("CREATE TYPE pg_temp." + ident(e.name) + " AS ENUM (" + values + ")");
  }
  // Domains and composite types after the enums they may be over; then the functions, whose
  // signatures may use any of them. Their bodies were checked when they were asked.
  if (auto failed = detail::createNewUserTypes(tx, schemaName, questions)) return failed;
  if (questions.newFunctions.empty()) return std::nullopt;
  std::vector<std::string> statements{"SET LOCAL check_function_bodies TO off"};
  for (const auto& f : questions.newFunctions)
    statements.push_back(schema::createFunctionSql(f, schema::sql::qualified(schemaName, f.name), false));
  if (auto refused = execPipelined(tx, statements))
    return schema::CanonFailure{refused->index == 0 ? "" : questions.newFunctions[refused->index - 1].field,
                                refused->message, true, refused->sqlstate};
  // Back to checking: what is asked after this is the declarations' own text.
  tx.exec("SET LOCAL check_function_bodies TO on");
  return std::nullopt;
}

std::string scratchTableSql(const std::string& name, const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string body;
  for (const auto& [column, type] : columns) body += (body.empty() ? "" : ", ") + ident(column) + " " + type;
  return "CREATE TEMPORARY TABLE " + ident(name) + " (" + body + ") ON COMMIT DROP";
}

std::optional<core::Error> makeScratch(pqxx::transaction_base& tx, const std::string& schemaName,
                                       const schema::CanonQuestions& planned, const std::vector<std::string>& statements,
                                       const std::vector<std::string>& fields) {
  if (auto failed = createPlannedObjects(tx, schemaName, planned))
    return core::invalid(failed->field, failed->message, failed->sqlstate);
  if (auto refused = execPipelined(tx, statements))
    return core::invalid(fields.at(refused->index), refused->message, refused->sqlstate);
  return std::nullopt;
}

}  // namespace detail

namespace {

// Creating a temporary table is what the questions cost (near a millisecond each on the server:
// a relation file, its row types, their dependencies), so the batch asks them on as few tables as
// it can. Defaults cannot name a column, so every default goes on one table (per thousand), each on
// a column of its own. Checks and predicates name their table's columns, so they go on tables whose columns
// are the union of compatible questions' columns (a name shared by two questions has one type in
// both); that a merged check or predicate names only its own table's columns is checked from
// pg_depend, and one that names another's sends the batch to diagnose(), which asks alone.
// A scratch table takes at most kColumnsPerTable columns (pg/scratch_groups.hpp).

std::string defaultsTable(size_t k) { return "so_canon_d" + std::to_string(k / kColumnsPerTable); }
std::string defaultColumn(size_t k) { return "d" + std::to_string(k); }
std::string groupTable(size_t g) { return "so_canon_g" + std::to_string(g); }
std::string groupCheck(size_t i, size_t j) { return "so_check_" + std::to_string(i) + "_" + std::to_string(j); }
std::string groupPredicate(size_t g, size_t i, size_t j) {
  return groupTable(g) + "_p" + std::to_string(i) + "_" + std::to_string(j);
}
std::string groupKeys(size_t g, size_t i, size_t j) { return keysIndex(groupTable(g), i) + "_" + std::to_string(j); }

// The column names each scratch check (by constraint name) and predicate index (by index name)
// refers to, from the dependencies Postgres recorded.
constexpr const char* kReferences =
    "SELECT COALESCE(co.conname, i.relname), a.attname"
    " FROM pg_catalog.pg_depend d"
    " JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
    " LEFT JOIN pg_catalog.pg_constraint co ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND co.oid = d.objid"
    " LEFT JOIN pg_catalog.pg_class i ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND i.oid = d.objid"
    " WHERE t.relnamespace = pg_catalog.pg_my_temp_schema() AND t.relname LIKE 'so\\_canon\\_g%'"
    "   AND d.refobjsubid > 0 AND (co.oid IS NOT NULL OR i.oid IS NOT NULL)";

// A question's default, asked on column defaultColumn(k) of the defaults tables.
struct DefaultAsked {
  size_t question;
  const schema::TableQuestion::ColumnQ* column;
};

std::vector<DefaultAsked> defaultsAsked(const schema::CanonQuestions& questions) {
  std::vector<DefaultAsked> asked;
  for (size_t i = 0; i < questions.tables.size(); ++i)
    for (const auto& c : questions.tables[i].columns)
      if (c.defaultExpr) asked.push_back({i, &c});
  return asked;
}

// The defaults tables: asked[k] on column d<k>, kColumnsPerTable columns a table.
std::vector<Scratch> defaultsScratches(const std::vector<DefaultAsked>& asked) {
  std::vector<Scratch> scratches;
  for (size_t first = 0; first < asked.size(); first += kColumnsPerTable) {
    Scratch s;
    s.name = defaultsTable(first);
    std::string body;
    for (size_t k = first; k < std::min(asked.size(), first + kColumnsPerTable); ++k) {
      const auto& c = *asked[k].column;
      if (!body.empty()) body += ", ";
      // The parentheses keep a default one expression ("0, x int" is a syntax error, not a column).
      body += ident(defaultColumn(k)) + " " + c.type + " DEFAULT (" + *c.defaultExpr + ")";
      s.expected.columns.push_back(defaultColumn(k));
      s.expected.defaults.insert(defaultColumn(k));
    }
    s.statements.push_back("CREATE TEMPORARY TABLE " + ident(s.name) + " (" + body + ") ON COMMIT DROP");
    scratches.push_back(std::move(s));
  }
  return scratches;
}

// Group g's table, in one statement: its questions' columns, their checks, and a partial index
// for each predicate.
// `ownColumns` learns, for each check and index, the columns of the table that declared it.
Scratch groupScratch(size_t g, const ScratchGroup& group, const schema::CanonQuestions& questions,
                     std::map<std::string, std::set<std::string>>& ownColumns) {
  Scratch s;
  s.name = groupTable(g);
  std::string body;
  for (const auto& name : group.columns) {
    if (!body.empty()) body += ", ";
    body += ident(name) + " " + group.typeOf.at(name);
    s.expected.columns.push_back(name);
  }
  if (group.columns.empty()) {
    body = "so_dummy integer";  // something to index a predicate on
    s.expected.columns.push_back("so_dummy");
  }
  size_t predicates = 0;
  for (size_t i : group.questions) {
    const auto& q = questions.tables[i];
    std::set<std::string> own;
    for (const auto& c : q.columns) own.insert(c.name);
    for (size_t j = 0; j < q.checks.size(); ++j) {
      body += ", CONSTRAINT " + ident(groupCheck(i, j)) + " CHECK (" + q.checks[j].first + ")";
      s.expected.checks.insert(groupCheck(i, j));
      ownColumns[groupCheck(i, j)] = own;
    }
    for (size_t j = 0; j < q.predicates.size(); ++j) {
      // A partial index made by the CREATE TABLE itself, so that predicates cost no statement of
      // their own: an exclusion constraint's WHERE is stored (and printed) as its index's
      // predicate, exactly as CREATE INDEX ... WHERE stores it. Keyed on a constant so that no
      // column's type (json has no btree class) can fail the question about the predicate.
      // Each keyed on a constant of its own: CREATE TABLE silently keeps one of two identical ones.
      const std::string index = groupPredicate(g, i, j);
      body += ", CONSTRAINT " + ident(index) + " EXCLUDE USING btree ((" + std::to_string(++predicates) +
              ") WITH OPERATOR(pg_catalog.=)) WHERE (" + q.predicates[j].first + ")";
      s.expected.checks.insert(index);
      s.expected.indexes.insert(index);
      ownColumns[index] = own;
    }
  }
  s.statements.push_back("CREATE TEMPORARY TABLE " + ident(s.name) + " (" + body + ") ON COMMIT DROP");
  // Index questions cost a statement each: CREATE TABLE makes no index with an expression key
  // that any type (and any method) can take.
  for (size_t i : group.questions) {
    const auto& q = questions.tables[i];
    std::set<std::string> own;
    for (const auto& c : q.columns) own.insert(c.name);
    for (size_t j = 0; j < q.indexes.size(); ++j) {
      addIndexQuestion(s.statements, s.expected, groupKeys(g, i, j), s.name, q.indexes[j]);
      ownColumns[groupKeys(g, i, j)] = own;
    }
  }
  return s;
}

// After the scratch statements ran: check each scratch holds exactly what was asked and file the
// answers in `canon`. The error text when a question turned out not to be one thing.
std::optional<std::string> readAnswers(pqxx::transaction_base& tx, const schema::CanonQuestions& questions,
                                       const std::vector<std::string>& types, const std::vector<Scratch>& scratches,
                                       const std::vector<ScratchGroup>& groups,
                                       const std::map<std::string, std::set<std::string>>& ownColumns,
                                       const std::vector<DefaultAsked>& defaults, schema::Canon& canon) {
  auto found = readBack(tx);
  bool ok = true;
  for (const auto& s : scratches) ok = ok && matches(found[s.name], s.expected);
  if (ok && !groups.empty()) {
    const pqxx::result refs = tx.exec_params(kReferences);
    for (const auto& row : refs) {
      auto it = ownColumns.find(row[0].c_str());
      if (it != ownColumns.end() && !it->second.count(row[1].c_str())) ok = false;  // another table's column
    }
  }
  if (!ok) return "a declared type or expression defines more than one thing, or names another table's column";
  for (size_t k = 0; k < types.size(); ++k) canon.types[types[k]] = found[kTypesTable].types[typeColumn(k)];
  for (size_t k = 0; k < defaults.size(); ++k) {
    const auto& c = *defaults[k].column;
    canon.defaults[{questions.tables[defaults[k].question].table, c.name, *c.defaultExpr}] =
        found[defaultsTable(k)].defaults[defaultColumn(k)];
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    Found& f = found[groupTable(g)];
    for (size_t i : groups[g].questions) {
      const auto& q = questions.tables[i];
      for (size_t j = 0; j < q.checks.size(); ++j) canon.checks[{q.table, q.checks[j].first}] = f.checks[groupCheck(i, j)];
      for (size_t j = 0; j < q.predicates.size(); ++j)
        canon.predicates[{q.table, q.predicates[j].first}] = f.indexes[groupPredicate(g, i, j)].value_or("");
      for (size_t j = 0; j < q.indexes.size(); ++j) {
        auto keys = f.keys[groupKeys(g, i, j)];
        // A default class with parameters keeps its name: the parameters cannot be written without it.
        for (size_t k = 0; k < keys.size(); ++k) {
          const schema::IndexKey& declared = q.indexes[j].keys[k];
          if (!declared.opclassParameters.empty()) keys[k].opclass = declared.opclass;
        }
        canon.indexKeys[{q.table, q.indexes[j].field}] = std::move(keys);
      }
    }
  }
  return std::nullopt;
}

// Every question in one rolled-back transaction. The error text when the server refused any.
std::optional<std::string> askAll(pqxx::connection& conn, const std::string& schemaName,
                                  const schema::CanonQuestions& questions, const std::vector<std::string>& types,
                                  schema::Canon& canon) {
  std::vector<Scratch> scratches;
  if (!types.empty()) scratches.push_back(typesScratch(kTypesTable, types));
  const std::vector<DefaultAsked> defaults = defaultsAsked(questions);
  for (auto& s : defaultsScratches(defaults)) scratches.push_back(std::move(s));
  const std::vector<ScratchGroup> groups = groupQuestions(questions);
  std::map<std::string, std::set<std::string>> ownColumns;  // check or index name -> its table's columns
  for (size_t g = 0; g < groups.size(); ++g) scratches.push_back(groupScratch(g, groups[g], questions, ownColumns));

  std::optional<std::string> batchError;
  pqxx::work tx(conn, "canonicalize");
  try {
    if (auto failed = detail::createPlannedObjects(tx, schemaName, questions)) {
      batchError = failed->message;
    } else {
      // Every scratch statement in one round trip, however many questions there are.
      std::vector<std::string> statements;
      for (const auto& s : scratches) statements.insert(statements.end(), s.statements.begin(), s.statements.end());
      if (auto refused = detail::execPipelined(tx, statements)) {
        batchError = refused->message;
      } else {
        batchError = readAnswers(tx, questions, types, scratches, groups, ownColumns, defaults, canon);
        if (!batchError) batchError = detail::askDomains(tx, questions, canon);
      }
    }
  } catch (const pqxx::sql_error& e) {
    batchError = detail::firstLine(e.what());
  }
  // Scratch only: nothing is ever committed.
  tx.abort();
  return batchError;
}

}  // namespace

namespace {

// Generation expressions and exclusion constraints (contract Part 2), asked after the rest in a
// transaction of their own, on one scratch table per declared table that has any: the table's
// columns, the generated ones GENERATED ALWAYS AS (expr) STORED, and each exclusion constraint.
// The same three guards hold: one statement each, always rolled back, and the catalog read back
// must hold exactly what was asked (no other column, default, constraint or index, and each
// exclusion with as many keys as declared elements).

std::string extrasTable(size_t i) { return "so_canon_x" + std::to_string(i); }
// Named after its scratch table: the constraint's index shares the temporary schema's namespace.
std::string exclusionName(const std::string& table, size_t j) { return table + "_e" + std::to_string(j); }

// The scratch for question `q`, with its generation expressions (all, or only `onlyGenerated`)
// and exclusions (all, or only `onlyExclusion`); a size_t of -1 means "all", -2 "none".
constexpr size_t kAll = static_cast<size_t>(-1), kNone = static_cast<size_t>(-2);

struct ExtrasScratch {
  std::string name;
  std::string statement;
  std::vector<std::string> columns;
  std::map<std::string, const schema::TableQuestion::GeneratedQ*> generated;  // scratch column -> question
  std::map<std::string, const schema::TableQuestion::ExclusionQ*> exclusions;  // constraint -> question
};

ExtrasScratch extrasScratch(const std::string& name, const schema::TableQuestion& q, size_t onlyGenerated,
                            size_t onlyExclusion) {
  ExtrasScratch s;
  s.name = name;
  std::string body;
  for (const auto& c : q.columns) {
    if (!body.empty()) body += ", ";
    body += ident(c.name) + " " + c.type;
    for (size_t j = 0; j < q.generated.size(); ++j) {
      if (q.generated[j].column != c.name || (onlyGenerated != kAll && onlyGenerated != j)) continue;
      // The parentheses keep it one expression; the read back checks nothing else was made.
      body += " GENERATED ALWAYS AS (" + q.generated[j].expression + ") STORED";
      s.generated[c.name] = &q.generated[j];
    }
    s.columns.push_back(c.name);
  }
  for (size_t j = 0; j < q.exclusions.size(); ++j) {
    if (onlyExclusion != kAll && onlyExclusion != j) continue;
    body += ", CONSTRAINT " + ident(exclusionName(name, j)) + " " + q.exclusions[j].definition;
    s.exclusions[exclusionName(name, j)] = &q.exclusions[j];
  }
  s.statement = "CREATE TEMPORARY TABLE " + ident(name) + " (" + body + ") ON COMMIT DROP";
  return s;
}

// Every scratch table's columns (a), constraints (c) and indexes (i), as Postgres prints them.
constexpr const char* kExtrasReadBack =
    "SELECT 'a', c.relname, a.attname, a.attgenerated::text,"
    "   pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), (a.attnotnull OR a.attidentity <> '')::text, a.attnum"
    " FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_x%'"
    " UNION ALL"
    " SELECT 'c', c.relname, co.conname, co.contype::text, pg_catalog.pg_get_constraintdef(co.oid, true),"
    "   (SELECT x.indnkeyatts::text FROM pg_catalog.pg_index x WHERE x.indexrelid = co.conindid), NULL"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_x%'"
    " UNION ALL"
    " SELECT 'i', c.relname, i.relname, NULL, NULL, NULL, NULL"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index x ON x.indrelid = c.oid"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind = 'r' AND c.relname LIKE 'so\\_canon\\_x%'"
    " ORDER BY 1, 2, 7, 3";

// What one extras scratch holds.
struct ExtrasFound {
  std::vector<std::string> columns;
  std::map<std::string, std::string> generated;  // column -> expression
  bool other = false;  // a default, NOT NULL or identity nobody asked for
  std::map<std::string, std::pair<std::string, std::string>> constraints;  // name -> (definition, key count)
  std::set<std::string> indexes;
};

std::map<std::string, ExtrasFound> readExtras(pqxx::transaction_base& tx) {
  std::map<std::string, ExtrasFound> out;
  for (const auto& row : tx.exec_params(kExtrasReadBack)) {
    ExtrasFound& f = out[row[1].c_str()];
    const std::string name = row[2].c_str();
    const auto text = [&](int k) { return row[k].is_null() ? std::string() : std::string(row[k].c_str()); };
    switch (row[0].c_str()[0]) {
      case 'a':
        f.columns.push_back(name);
        if (text(3) == "s") f.generated[name] = text(4);
        else if (!row[4].is_null() || !text(3).empty()) f.other = true;
        if (text(5) == "true") f.other = true;
        break;
      case 'c': f.constraints[name] = text(3) == "x" ? std::make_pair(text(4), text(5)) : std::make_pair(std::string(), std::string("other")); break;
      case 'i': f.indexes.insert(name); break;
    }
  }
  return out;
}

// Files the scratch's answers in `canon` when it holds exactly what was asked; false otherwise.
bool fileExtras(const ExtrasScratch& s, const ExtrasFound& f, const std::string& table, schema::Canon& canon) {
  if (f.columns != s.columns || f.other || f.generated.size() != s.generated.size()) return false;
  if (f.constraints.size() != s.exclusions.size() || f.indexes.size() != s.exclusions.size()) return false;
  for (const auto& [name, x] : s.exclusions) {
    auto it = f.constraints.find(name);
    if (it == f.constraints.end() || !f.indexes.count(name) || it->second.second != std::to_string(x->elements))
      return false;
  }
  for (const auto& [column, g] : s.generated) {
    auto it = f.generated.find(column);
    if (it == f.generated.end()) return false;
    canon.generated[{table, column, g->expression}] = it->second;
  }
  for (const auto& [name, x] : s.exclusions) canon.exclusions[{table, x->definition}] = f.constraints.at(name).first;
  return true;
}

bool hasExtras(const schema::TableQuestion& q) { return !q.generated.empty() || !q.exclusions.empty(); }

// Every extras question at once. The error text when the server refused any, or one was not one thing.
std::optional<std::string> askExtras(pqxx::connection& conn, const std::string& schemaName,
                                     const schema::CanonQuestions& questions, schema::Canon& canon) {
  std::vector<std::pair<size_t, ExtrasScratch>> scratches;
  for (size_t i = 0; i < questions.tables.size(); ++i)
    if (hasExtras(questions.tables[i]))
      scratches.emplace_back(i, extrasScratch(extrasTable(i), questions.tables[i], kAll, kAll));
  if (scratches.empty()) return std::nullopt;
  std::optional<std::string> error;
  pqxx::work tx(conn, "canonicalize-extras");
  try {
    if (auto failed = detail::createPlannedObjects(tx, schemaName, questions)) {
      error = failed->message;
    } else {
      for (const auto& [i, s] : scratches) tx.exec_params(s.statement);
      auto found = readExtras(tx);
      for (const auto& [i, s] : scratches)
        if (!fileExtras(s, found[s.name], questions.tables[i].table, canon))
          error = "a declared expression or exclusion defines more than one thing";
    }
  } catch (const pqxx::sql_error& e) {
    error = detail::firstLine(e.what());
  }
  tx.abort();
  return error;
}

// After askExtras failed: each question alone, the first refused named by its field.
std::optional<schema::CanonFailure> diagnoseExtras(pqxx::connection& conn, const std::string& schemaName,
                                                   const schema::CanonQuestions& questions) {
  pqxx::work tx(conn, "canonicalize-extras-diagnose");
  std::optional<schema::CanonFailure> refused;
  auto tryAlone = [&](const schema::TableQuestion& q, size_t g, size_t x, const std::string& field) {
    if (refused) return;
    const ExtrasScratch s = extrasScratch(extrasTable(0), q, g, x);
    tx.exec("SAVEPOINT so_canon_extra");
    try {
      tx.exec_params(s.statement);
      schema::Canon scratch;
      auto found = readExtras(tx);
      if (!fileExtras(s, found[s.name], q.table, scratch))
        refused = failure(field, Refusal{"not a single expression or exclusion: it defines more than one thing", ""}, false);
    } catch (const pqxx::sql_error& e) {
      refused = failure(field, detail::refusalOf(e), false);
    }
    tx.exec("ROLLBACK TO SAVEPOINT so_canon_extra");
  };
  if (auto failed = detail::createPlannedObjects(tx, schemaName, questions)) refused = *failed;
  for (const auto& q : questions.tables) {
    for (size_t j = 0; j < q.generated.size(); ++j) tryAlone(q, j, kNone, q.generated[j].field);
    for (size_t j = 0; j < q.exclusions.size(); ++j) tryAlone(q, kNone, j, q.exclusions[j].field);
  }
  tx.abort();
  return refused;
}

}  // namespace

core::Result<schema::Canon> canonicalize(pqxx::connection& conn, const std::string& schemaName,
                                         const schema::CanonQuestions& questions) {
  schema::Canon canon;
  if (questions.empty()) return canon;

  std::vector<std::string> types;  // distinct, in the order first asked
  std::map<std::string, std::string> typeFields;
  for (const auto& t : questions.types)
    if (typeFields.emplace(t.type, t.field).second) types.push_back(t.type);

  try {
    const auto batchError = askAll(conn, schemaName, questions, types, canon);
    if (!batchError) {
      const auto extrasError = askExtras(conn, schemaName, questions, canon);
      if (!extrasError) return canon;
      if (auto refused = diagnoseExtras(conn, schemaName, questions))
        return core::invalid(refused->field, refused->message, refused->sqlstate);
      return core::terminal("canonicalize failed: " + *extrasError);
    }
    // Every question is asked with what the plan creates in place, so a refusal is the
    // declaration's fault: the first one found is the error.
    auto refused = diagnose(conn, schemaName, questions, types, typeFields);
    if (refused.empty()) return core::terminal("canonicalize failed: " + *batchError);
    return core::invalid(refused.front().field, refused.front().message, refused.front().sqlstate);
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot canonicalize declared types and expressions in schema " + schemaName);
  }
}

}  // namespace pg
