#include "pg/export_read.hpp"

#include <algorithm>

#include <pqxx/pipeline>
#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/catalog_decode.hpp"
#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

// An object that an extension brought (pg_depend deptype 'e') is the extension's: never listed.
std::string notFromExtension(const std::string& catalog, const std::string& oid) {
  return " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." + catalog +
         "'::pg_catalog.regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
}

// Options of Postgres 15 and later (ON DELETE SET NULL (columns)): asked only of servers that
// have the catalog columns.
struct Since15 {
  std::string constraintReasons, constraintTest;
};

Since15 since15(int serverVersion) {
  if (serverVersion < 150000) return {};
  return {"   CASE WHEN co.confdelsetcols IS NOT NULL THEN 'ON DELETE SET NULL/DEFAULT of some columns' END,",
          " OR co.confdelsetcols IS NOT NULL"};
}

// (1) Everything export must leave out, one row each: scope (o object, t table, p part of a
// table), kind, table, name, reason. `$1` is the schema's name.
std::string unexpressibleQuery(int serverVersion) {
  const Since15 v = since15(serverVersion);
  return
    // The tables pg::inspect reads, found once (extension members by one hashed lookup, as there).
    "WITH managed AS MATERIALIZED (SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.reloftype, c.relacl,"
    "   c.relnamespace, c.relispartition FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    "   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')"
    "   AND c.oid NOT IN (SELECT dep.objid FROM pg_catalog.pg_depend dep"
    "     WHERE dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND dep.deptype = 'e'"
    "     AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass))"
    // Relations of kinds a resource has no field for (views, materialized views and composite
    // types it has: spec.views, spec.compositeTypes).
    " SELECT 'o', 'foreign table', '', c.relname::text, ''"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " WHERE n.nspname = $1 AND c.relkind = 'f'" + notFromExtension("pg_class", "c.oid") +
    // A partition of a table of another schema: the resource's partitions are of its own tables.
    " UNION ALL SELECT 't', 'table', c.relname::text, c.relname::text, 'a partition of ' || pn.nspname || '.' || p.relname"
    " FROM managed c"
    " JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
    " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace"
    " WHERE p.relnamespace <> c.relnamespace" +
    // Types other than enums, domains, composite types, table row types and arrays.
    " UNION ALL SELECT 'o', CASE t.typtype WHEN 'r' THEN 'range type' ELSE 'type' END, '',"
    "   t.typname::text, ''"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_type t ON t.typnamespace = n.oid"
    " WHERE n.nspname = $1 AND t.typtype IN ('b', 'r', 'p') AND t.typcategory <> 'A'" +
    notFromExtension("pg_type", "t.oid") +
    // Aggregates, window functions, and routines in C or internal or with a SQL-standard body
    // (BEGIN ATOMIC): spec.functions has the others.
    " UNION ALL SELECT 'o', CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, '',"
    "   p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
    "   CASE WHEN p.prokind IN ('a', 'w') THEN '' WHEN p.prosqlbody IS NOT NULL THEN 'a SQL-standard body (BEGIN ATOMIC)'"
    "     ELSE 'in language ' || l.lanname END"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid"
    " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
    " WHERE n.nspname = $1 AND (p.prokind IN ('a', 'w') OR l.lanname IN ('c', 'internal') OR p.prosqlbody IS NOT NULL)" +
    notFromExtension("pg_proc", "p.oid") +
    // What hangs on a table: triggers, rules, exclusion constraints. A table's plain triggers are
    // written (tables[].triggers); a constraint trigger, or one of a view or foreign table, is not.
    " UNION ALL SELECT 'o', CASE WHEN tg.tgconstraint <> 0 THEN 'constraint trigger' ELSE 'trigger' END, '',"
    "   c.relname || '.' || tg.tgname, ''"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = c.oid"
    " WHERE n.nspname = $1 AND NOT tg.tgisinternal AND tg.tgparentid = 0"
    " AND (tg.tgconstraint <> 0 OR c.relkind NOT IN ('r', 'p'))" + notFromExtension("pg_class", "c.oid") +
    // A trigger with transition tables (REFERENCING) has no field: its table goes under `ignore`,
    // so that the export's plan does not replace it.
    " UNION ALL SELECT 't', 'table', c.relname::text, c.relname::text,"
    "   'trigger ' || tg.tgname || ' has transition tables (REFERENCING)'"
    " FROM managed c JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = c.oid"
    " WHERE NOT tg.tgisinternal AND tg.tgconstraint = 0 AND tg.tgparentid = 0"
    " AND (tg.tgoldtable IS NOT NULL OR tg.tgnewtable IS NOT NULL)" +
    " UNION ALL SELECT 'o', 'rule', '', c.relname || '.' || r.rulename, ''"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid"
    " WHERE n.nspname = $1 AND r.rulename <> '_RETURN'" + notFromExtension("pg_class", "c.oid") +
    // Exclusion constraints are written; only a deferrable one has no field.
    " UNION ALL SELECT 'p', 'exclusion constraint', c.relname::text, co.conname::text, 'deferrable'"
    " FROM managed c JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid WHERE co.contype = 'x'"
    " AND co.conparentid = 0 AND co.condeferrable" +
    // Other kinds of schema objects.
    " UNION ALL SELECT 'o', 'collation', '', co.collname::text, '' FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_collation co ON co.collnamespace = n.oid WHERE n.nspname = $1" +
    notFromExtension("pg_collation", "co.oid") +
    " UNION ALL SELECT 'o', 'operator', '', o.oprname::text, '' FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_operator o ON o.oprnamespace = n.oid WHERE n.nspname = $1" +
    notFromExtension("pg_operator", "o.oid") +
    " UNION ALL SELECT 'o', 'text search configuration', '', ts.cfgname::text, '' FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_ts_config ts ON ts.cfgnamespace = n.oid WHERE n.nspname = $1" +
    notFromExtension("pg_ts_config", "ts.oid") +
    " UNION ALL SELECT 'o', 'statistics object', '', s.stxname::text, '' FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_statistic_ext s ON s.stxnamespace = n.oid WHERE n.nspname = $1" +
    // Tables whose very shape a resource cannot say: they go under `ignore`.
    // A column's collation is compared with its type's only where it is neither none (0) nor the
    // database's default (100), which is nearly every column, so the type is looked up for a few.
    " UNION ALL SELECT 't', 'table', tt.relname, tt.relname, tt.reason FROM (SELECT c.relname::text AS relname,"
    "   pg_catalog.concat_ws('; ',"
    "   CASE WHEN c.reloftype <> 0 THEN 'a typed table (OF a composite type)' END,"
    "   (SELECT 'inherits from ' || pg_catalog.string_agg(p.relname, ', ') FROM pg_catalog.pg_inherits i"
    "     JOIN pg_catalog.pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND NOT c.relispartition),"
    // Generated columns and collations are written (a collation by its name alone: one of
    // another schema than pg_catalog, the managed one or public has no field).
    "   (SELECT 'column ' || pg_catalog.string_agg(a.attname || ' has collation ' || cn.nspname || '.' || cl.collname, ', ')"
    "     FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    "     JOIN pg_catalog.pg_collation cl ON cl.oid = a.attcollation"
    "     JOIN pg_catalog.pg_namespace cn ON cn.oid = cl.collnamespace"
    "     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attcollation <> t.typcollation"
    "     AND cn.nspname NOT IN ('pg_catalog', 'public') AND cl.collnamespace <> c.relnamespace))"
    "   AS reason FROM managed c"
    "   WHERE c.reloftype <> 0"
    "   OR EXISTS (SELECT FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid AND NOT c.relispartition)"
    "   OR c.oid IN (SELECT a.attrelid FROM pg_catalog.pg_attribute a WHERE a.attnum > 0 AND NOT a.attisdropped"
    "     AND a.attcollation NOT IN (0, 100))) tt WHERE tt.reason <> ''" +
    // Constraints with options a resource has no field for.
    " UNION ALL SELECT 'p', CASE co.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint'"
    "   WHEN 'f' THEN 'foreign key' ELSE 'check' END, c.relname::text, co.conname::text, pg_catalog.concat_ws('; ',"
    "   CASE WHEN co.condeferrable AND co.contype = 'p' THEN 'deferrable' END,"
    "   CASE WHEN NOT co.convalidated THEN 'NOT VALID' END,"
    "   CASE WHEN co.contype = 'f' AND co.confmatchtype NOT IN ('s', 'f') THEN 'MATCH PARTIAL' END,"
    "   CASE WHEN co.contype = 'f' AND (rc.relnamespace <> c.relnamespace OR rc.relispartition)"
    "     THEN 'references ' || rn.nspname || '.' || rc.relname || ', outside the resource' END,"
    + v.constraintReasons +
    "   CASE WHEN x.indnatts > x.indnkeyatts THEN 'INCLUDE columns' END,"
    "   CASE WHEN i.reloptions IS NOT NULL THEN 'storage parameters' END)"
    " FROM managed c JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid"
    " LEFT JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = co.conindid AND co.contype IN ('p', 'u')"
    " LEFT JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " WHERE co.contype IN ('p', 'u', 'f', 'c') AND co.conparentid = 0"
    " AND ((co.condeferrable AND co.contype = 'p') OR NOT co.convalidated"
    "   OR (co.contype = 'f' AND (co.confmatchtype NOT IN ('s', 'f') OR rc.relnamespace <> c.relnamespace OR rc.relispartition))"
    "   OR x.indnatts > x.indnkeyatts OR i.reloptions IS NOT NULL" + v.constraintTest + ")";
  // Indexes that no constraint owns are not here: every option of one has a field (expression
  // keys, order, operator classes, collations, INCLUDE, NULLS NOT DISTINCT, storage parameters).
}

// (2) Names: every relation (r) and constraint (c) of the schema, and the sequences (s) no
// identity column owns (pg_depend deptype 'i'), none an extension's.
const std::string kNamesQuery =
    "SELECT 'r', c.relname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " WHERE n.nspname = $1"
    " UNION ALL SELECT 'c', co.conname FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_constraint co ON co.connamespace = n.oid WHERE n.nspname = $1"
    " UNION ALL SELECT 's', c.relname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " WHERE n.nspname = $1 AND c.relkind = 'S'" + notFromExtension("pg_class", "c.oid") +
    " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    "   AND d.objid = c.oid AND d.deptype = 'i')";

// (3) Check constraints whose expression names exactly one column, with that column: Postgres
// puts it in the name it generates ("t_price_check").
const std::string kCheckColumnsQuery =
    "SELECT c.relname, co.conname, a.attname FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid AND co.contype = 'c'"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = co.conkey[1]"
    " WHERE n.nspname = $1 AND pg_catalog.cardinality(co.conkey) = 1";

exporting::Scope scopeOf(char code) {
  if (code == 't') return exporting::Scope::Table;
  if (code == 'p') return exporting::Scope::TablePart;
  return exporting::Scope::Object;
}

// The rows of one table, every column as Postgres prints it, in primary key order (every column's
// order when there is none), so that two exports of the same rows are the same bytes.
exporting::SeedTable readRows(pqxx::transaction_base& tx, const std::string& schemaName, const schema::Table& t) {
  exporting::SeedTable out;
  out.table = t.name;
  std::vector<std::string> order;
  for (const auto& c : t.columns) out.columns.push_back(c.name);
  order = t.primaryKey ? t.primaryKey->columns : out.columns;
  // Every column as text, so that no type's binary form or client-side conversion gets in between.
  std::string select;
  for (const auto& c : out.columns) select += (select.empty() ? "" : ", ") + schema::sql::ident(c) + "::pg_catalog.text";
  const pqxx::result rows = tx.exec("SELECT " + select + " FROM " + schema::sql::qualified(schemaName, t.name) +
                                    " ORDER BY " + schema::sql::identList(order));
  for (const auto& row : rows) {
    std::vector<std::optional<std::string>> values;
    for (const auto& field : row)
      values.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(std::string(field.c_str(), field.size())));
    out.rows.push_back(std::move(values));
  }
  return out;
}

}  // namespace

core::Result<exporting::CatalogExtras> readExportFacts(pqxx::connection& conn, const std::string& schemaName) {
  exporting::CatalogExtras out;
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn, "export");
    const std::string schemaLiteral = tx.quote(schemaName);
    pqxx::pipeline batch(tx, "export");
    batch.retain(3);
    const auto unexpressible = batch.insert(withSchema(unexpressibleQuery(conn.server_version()), schemaLiteral));
    const auto names = batch.insert(withSchema(kNamesQuery, schemaLiteral));
    const auto checkColumns = batch.insert(withSchema(kCheckColumnsQuery, schemaLiteral));
    batch.resume();
    for (const auto& row : batch.retrieve(unexpressible))
      out.unexpressible.push_back({scopeOf(row[0].c_str()[0]), row[1].c_str(), row[2].c_str(), row[3].c_str(),
                                   row[4].c_str()});
    for (const auto& row : batch.retrieve(names)) {
      const char kind = row[0].c_str()[0];
      auto& set = kind == 'r' ? out.relationNames : kind == 'c' ? out.constraintNames : out.sequenceNames;
      set.insert(row[1].c_str());
    }
    for (const auto& row : batch.retrieve(checkColumns)) out.checkColumn[{row[0].c_str(), row[1].c_str()}] = row[2].c_str();
    batch.complete();
    tx.commit();
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot read the catalog of schema " + schemaName);
  }
  std::sort(out.unexpressible.begin(), out.unexpressible.end());
  return out;
}

core::Result<std::vector<exporting::SeedTable>> readSeedRows(pqxx::connection& conn, const schema::Model& live,
                                                             const std::vector<std::string>& seedTables) {
  for (const auto& name : seedTables) {
    const schema::Table* t = live.table(name);
    if (!t || t->columns.empty())
      return core::invalid("--seed", "\"" + name + "\" is not a table of schema \"" + live.schema + "\"");
  }
  std::vector<exporting::SeedTable> out;
  if (seedTables.empty()) return out;
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn, "export-seed");
    for (const auto& name : seedTables) out.push_back(readRows(tx, live.schema, *live.table(name)));
    tx.commit();
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot read the rows of --seed tables");
  }
  return out;
}

}  // namespace pg
