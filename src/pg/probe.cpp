// pg::probe: every fact question in one query, one array element per question:
//   SELECT ARRAY[(CASE WHEN EXISTS (SELECT 1 FROM "s"."t") THEN 1 ELSE 0 END)::int8,
//                (SELECT count(*) FROM "s"."t" WHERE "c" IS NULL),
//                (CASE WHEN EXISTS (SELECT 1 FROM "s"."t" WHERE "id" = '1' AND "k" IS NULL) …)::int8]
// One array rather than columns (a select stops at 1,664) or UNION ALL rows (2,000 branches took
// seconds to plan; the array, a fraction of a second). An enum the plan rebuilds adds one query of
// its own (what uses it: kEnumUsesQuery); sequences the plan drops, one for all of them.
#include <map>
#include <string_view>

#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "pg/inspect.hpp"
#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

// What depends on enum $2 of schema $1 or on a column of that type (pg_depend, normal and auto
// dependencies), one row each: (what, table, name, definition, description). `what` says how the rebuild
// treats it: "index" (partial or expression index of the schema: pg_get_indexdef), "check"
// (pg_get_constraintdef), "default" (of a column of another type: pg_get_expr) are carried; "skip"
// is carried by the cast itself (the enum's columns and their defaults, plain indexes, unique and
// primary keys, NOT NULL, which PostgreSQL 18 records as a constraint of its own, inherited copies);
// "block" is anything else (a view, a function, a column of
// another schema, a foreign key...), named by its description.
constexpr const char* kEnumUsesQuery = R"SQL(
WITH typ AS (
  SELECT t.oid, n.oid AS nsp FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = $1 AND t.typname = $2),
-- Everything on pg_depend's reference index, nothing scanned: a column records its dependency on
-- its type there, so the enum's columns come from the same lookup as its other users (reading
-- them from pg_attribute, which has no index on the type, scanned it whole).
direct AS (
  SELECT d.classid, d.objid, d.objsubid FROM pg_catalog.pg_depend d JOIN typ
    ON d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.refobjid = typ.oid
  WHERE d.deptype IN ('n', 'a')),
users AS (
  SELECT objid AS attrelid, objsubid AS attnum FROM direct
  WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND objsubid > 0),
-- One index lookup per column (OFFSET 0 keeps the planner from turning the lateral lookups into a
-- sort of the whole of pg_depend, which it chose when it misjudged how many columns there are).
dep AS (
  SELECT classid, objid, objsubid FROM direct
  UNION
  SELECT d.classid, d.objid, d.objsubid FROM users u CROSS JOIN LATERAL (
    SELECT d.classid, d.objid, d.objsubid FROM pg_catalog.pg_depend d
    WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = u.attrelid
      AND d.refobjsubid = u.attnum AND d.deptype IN ('n', 'a') OFFSET 0) d),
-- What each dependent is, from cheap columns only: the names, definitions and descriptions below
-- are computed just for the rows kept (most rows are the enum's own columns, skipped).
classified AS (
  SELECT CASE
    WHEN dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objsubid <> 0 THEN
      CASE WHEN (dep.objid, dep.objsubid) IN (SELECT attrelid, attnum FROM users)
             AND rel.relnamespace = typ.nsp AND rel.relkind IN ('r', 'p') THEN 'skip' ELSE 'block' END
    WHEN dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND rel.relkind = 'i' THEN
      CASE WHEN ix.indpred IS NULL AND ix.indexprs IS NULL THEN 'skip'
           WHEN rel.relispartition THEN 'skip'
           WHEN rel.relnamespace = typ.nsp AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co
             WHERE co.conrelid = ix.indrelid AND co.conindid = ix.indexrelid) THEN 'index'
           ELSE 'block' END
    WHEN dep.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN
      CASE WHEN con.contype IN ('p', 'u', 'n') OR (con.coninhcount > 0 AND NOT con.conislocal) THEN 'skip'
           WHEN con.contype = 'c' AND crel.relnamespace = typ.nsp AND crel.relkind IN ('r', 'p') THEN 'check'
           ELSE 'block' END
    WHEN dep.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN
      CASE WHEN (ad.adrelid, ad.adnum::int4) IN (SELECT attrelid, attnum FROM users) THEN 'skip'
           WHEN arel.relnamespace = typ.nsp AND arel.relkind IN ('r', 'p') THEN 'default'
           ELSE 'block' END
    ELSE 'block' END AS what,
    dep.classid, dep.objid, dep.objsubid, rel.relkind, rel.relname, irel.relname AS index_table,
    crel.relname AS check_table, arel.relname AS default_table, con.oid AS conoid, con.conname,
    ad.oid AS adoid, ad.adbin, ad.adrelid, ad.adnum
  FROM dep CROSS JOIN typ
  LEFT JOIN pg_catalog.pg_class rel ON dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND rel.oid = dep.objid
  LEFT JOIN pg_catalog.pg_index ix ON rel.relkind = 'i' AND ix.indexrelid = rel.oid
  LEFT JOIN pg_catalog.pg_class irel ON irel.oid = ix.indrelid
  LEFT JOIN pg_catalog.pg_constraint con ON dep.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND con.oid = dep.objid
  LEFT JOIN pg_catalog.pg_class crel ON crel.oid = con.conrelid
  LEFT JOIN pg_catalog.pg_attrdef ad ON dep.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND ad.oid = dep.objid
  LEFT JOIN pg_catalog.pg_class arel ON arel.oid = ad.adrelid)
SELECT what,
  COALESCE(index_table, check_table, default_table),
  CASE WHEN relkind = 'i' AND objsubid = 0 THEN relname::text
       WHEN conoid IS NOT NULL THEN conname::text
       WHEN adoid IS NOT NULL THEN (SELECT a.attname::text FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = adrelid AND a.attnum = adnum)
       END,
  CASE WHEN what = 'block' THEN NULL
       WHEN relkind = 'i' AND objsubid = 0 THEN pg_catalog.pg_get_indexdef(objid)
       WHEN conoid IS NOT NULL THEN pg_catalog.pg_get_constraintdef(conoid)
       WHEN adoid IS NOT NULL THEN pg_catalog.pg_get_expr(adbin, adrelid) END,
  CASE WHEN what <> 'block' THEN NULL
       WHEN classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN
         'view ' || (SELECT r.ev_class::pg_catalog.regclass::text FROM pg_catalog.pg_rewrite r WHERE r.oid = objid)
       ELSE pg_catalog.pg_describe_object(classid, objid, objsubid) END
FROM classified
WHERE what <> 'skip'
ORDER BY 1, 2, 3, 5
)SQL";

// One query per enum to rebuild: removing an enum value is rare, and its plan is rare with it.
void readEnumUses(pqxx::nontransaction& tx, const std::string& schemaName, const std::string& enumName,
                  schema::EnumUses& uses) {
  using Kind = schema::EnumDependent::Kind;
  for (const auto& row : tx.exec_params(kEnumUsesQuery, schemaName, enumName)) {
    const std::string what = row[0].c_str();
    const std::string table = row[1].is_null() ? "" : row[1].c_str();
    const std::string name = row[2].is_null() ? "" : row[2].c_str();
    const std::string definition = row[3].is_null() ? "" : row[3].c_str();
    if (what == "index") uses.dependents.push_back({Kind::Index, table, name, definition});
    else if (what == "check") uses.dependents.push_back({Kind::Check, table, name, definition});
    else if (what == "default") uses.dependents.push_back({Kind::Default, table, name, definition});
    else if (what == "block") uses.blockers.push_back(row[4].is_null() ? "an object Postgres cannot name" : row[4].c_str());
  }
}

// What uses the sequences $2 (names) of schema $1, but their owner (an OWNED BY column is deptype
// 'a'): one row per user, "default" with the column for a column default of the schema, anything
// else "other" with its description (a view's rule, a default in another schema).
constexpr const char* kSequenceUsesQuery =
    "SELECT s.relname, CASE WHEN ad.oid IS NOT NULL AND ac.relnamespace = n.oid THEN 'default' ELSE 'other' END,"
    " ac.relname, a.attname, pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class s ON s.relnamespace = n.oid AND s.relkind = 'S'"
    " JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = s.oid"
    "   AND d.deptype = 'n'"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND ad.oid = d.objid"
    " LEFT JOIN pg_catalog.pg_class ac ON ac.oid = ad.adrelid"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
    " WHERE n.nspname = $1 AND s.relname = ANY ($2::pg_catalog.text[])"
    " ORDER BY 1, 2, 3, 4, 5";

// Every dropped sequence's users in one query; the names go as one text[] parameter.
void readSequenceUses(pqxx::nontransaction& tx, const std::string& schemaName, const std::vector<std::string>& names,
                      std::map<std::string, schema::SequenceUses>& uses) {
  std::string array = "{";
  for (const auto& n : names) {
    std::string element;
    for (char c : n) {
      if (c == '"' || c == '\\') element += '\\';
      element += c;
    }
    array += (array.size() > 1 ? ",\"" : "\"") + element + "\"";
  }
  array += "}";
  for (const auto& row : tx.exec_params(kSequenceUsesQuery, schemaName, array)) {
    schema::SequenceUses& u = uses[row[0].c_str()];
    if (std::string_view(row[1].c_str()) == "default") u.defaults.emplace_back(row[2].c_str(), row[3].c_str());
    else u.others.push_back(row[4].is_null() ? "an object Postgres cannot name" : row[4].c_str());
  }
}

// Which of the trigger functions exist: named (schema "" is the managed one), with no arguments,
// returning trigger. The names travel as one JSON parameter: never part of the query's text.
void readTriggerFunctions(pqxx::nontransaction& tx, const std::string& schemaName,
                          const schema::FactQuestions& questions, schema::Facts& facts) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [schema, name] : questions.triggerFunctions) names.push_back({schema, name});
  const pqxx::result found = tx.exec_params(
      "SELECT f->>0, f->>1 FROM pg_catalog.json_array_elements($1::pg_catalog.json) AS f"
      " WHERE EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
      "   WHERE n.nspname = COALESCE(NULLIF(f->>0, ''), $2) AND p.proname = f->>1 AND p.pronargs = 0"
      "   AND p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype)",
      names.dump(), schemaName);
  for (const auto& row : found) facts.existingTriggerFunctions.emplace(row[0].c_str(), row[1].c_str());
}

}  // namespace

core::Result<schema::Facts> probe(pqxx::connection& conn, const std::string& schemaName,
                                  const schema::FactQuestions& questions) {
  namespace sql = schema::sql;
  schema::Facts facts;
  if (questions.empty()) return facts;

  std::string query;
  size_t n = 0;
  auto add = [&](const std::string& value) {
    query += n++ ? ", " : "SELECT ARRAY[";
    query += value;
  };
  for (const auto& t : questions.tablesWithRows)
    add("(CASE WHEN EXISTS (SELECT 1 FROM " + sql::qualified(schemaName, t) + ") THEN 1 ELSE 0 END)::int8");
  for (const auto& [t, c] : questions.nullCounts)
    add("(SELECT count(*) FROM " + sql::qualified(schemaName, t) + " WHERE " + sql::ident(c) + " IS NULL)");
  for (const auto& row : questions.seedRows) {
    std::string where;
    for (const auto& k : row.key) {
      for (size_t i = 0; i < row.columns.size(); ++i) {
        if (row.columns[i] != k) continue;
        if (!where.empty()) where += " AND ";
        // An untyped literal: Postgres casts it to the column's type, as the INSERT will.
        where += sql::ident(k) + (row.values[i] ? " = " + sql::literal(*row.values[i]) : std::string(" IS NULL"));
      }
    }
    add("(CASE WHEN EXISTS (SELECT 1 FROM " + sql::qualified(schemaName, row.table) +
        (where.empty() ? "" : " WHERE " + where) + ") THEN 1 ELSE 0 END)::int8");
  }

  // A sequence's last_value is the value it has given (or will give first, before any nextval).
  for (const auto& name : questions.sequenceValues) add("(SELECT last_value FROM " + sql::qualified(schemaName, name) + ")");
  query += "]";

  std::vector<long long> answers;
  try {
    // Autocommit: one statement is its own snapshot, and one round trip.
    pqxx::nontransaction tx(conn, "probe");
    for (const auto& e : questions.rebuiltEnums) readEnumUses(tx, schemaName, e, facts.enumUses[e]);
    if (!questions.roles.empty()) {
      // The names travel as one JSON parameter: never part of the query's text.
      const pqxx::result roles = tx.exec_params(
          "SELECT r.name FROM pg_catalog.json_array_elements_text($1::pg_catalog.json) AS r(name)"
          " WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.name)",
          nlohmann::json(questions.roles).dump());
      for (const auto& row : roles) facts.existingRoles.insert(row[0].c_str());
    }
    if (!questions.triggerFunctions.empty()) readTriggerFunctions(tx, schemaName, questions, facts);
    if (!questions.droppedSequences.empty()) {
      readSequenceUses(tx, schemaName, questions.droppedSequences, facts.sequenceUses);
      for (const auto& name : questions.droppedSequences) facts.sequenceUses.try_emplace(name);  // used by nothing
    }
    if (n == 0) return facts;
    const pqxx::result r = tx.exec_params(query);
    // "{1,0,42}": integers only, no quoting to undo.
    const std::string text = r.at(0).at(0).c_str();
    size_t pos = 1;
    while (pos < text.size() && text[pos] != '}') {
      size_t end = text.find_first_of(",}", pos);
      answers.push_back(std::stoll(text.substr(pos, end - pos)));
      pos = text[end] == ',' ? end + 1 : end;
    }
    if (answers.size() != n) return core::terminal("probe: expected " + std::to_string(n) + " answers");
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot probe the data of schema " + schemaName);
  }

  size_t i = 0;
  for (const auto& t : questions.tablesWithRows) facts.hasRows[t] = answers[i++] != 0;
  for (const auto& tc : questions.nullCounts) facts.nulls[tc] = answers[i++];
  for (const auto& row : questions.seedRows)
    if (answers[i++] != 0) facts.existingSeedRows.insert(row.object());
  for (const auto& name : questions.sequenceValues) facts.sequenceValues[name] = answers[i++];
  return facts;
}

}  // namespace pg
