#include "support/catalog_compare.hpp"

#include <algorithm>

#include <pqxx/pqxx>

namespace testsupport {

namespace {

// " grants=role:PRIVILEGE,..." of relation c: what roles but its owner hold, sorted.
#define RELATION_GRANTS \
  " || ' grants=' || coalesce((SELECT string_agg(x, ',' ORDER BY x) FROM (SELECT CASE WHEN a.grantee = 0 THEN 'public'" \
  "   ELSE pg_get_userbyid(a.grantee)::text END || ':' || a.privilege_type AS x FROM aclexplode(c.relacl) a" \
  "   WHERE a.grantee <> c.relowner) g), '')"

// Each query yields one text per object; $1 is the schema. Definitions are Postgres's own text
// (pg_get_constraintdef, pg_get_indexdef, pg_get_expr), so two spellings of one object compare equal.
const char* const kQueries[] = {
    // Tables, with kind, persistence, row-level security and comment.
    "SELECT 'table ' || c.relname || ' kind=' || c.relkind::text || ' persistence=' || c.relpersistence::text"
    " || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity"
    RELATION_GRANTS
    " || ' comment=' || coalesce(quote_literal(obj_description(c.oid, 'pg_class')), 'none')"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
    // Row-level security policies, with what they apply to and their expressions as stored.
    "SELECT 'policy ' || c.relname || '.' || po.polname || ' cmd=' || po.polcmd::text || ' permissive=' ||"
    " po.polpermissive || ' roles=' || array_to_string(ARRAY(SELECT CASE WHEN r = 0 THEN 'public'"
    " ELSE pg_get_userbyid(r)::text END FROM unnest(po.polroles) r ORDER BY 1), ',') || ' using=' ||"
    " coalesce(pg_get_expr(po.polqual, po.polrelid), '-') || ' check=' || coalesce(pg_get_expr(po.polwithcheck, po.polrelid), '-')"
    " FROM pg_policy po JOIN pg_class c ON c.oid = po.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1",
    // Triggers as Postgres prints them, and whether each fires (O, D, R, A).
    "SELECT 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text"
    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND NOT t.tgisinternal",
    // Columns in order.
    "SELECT 'column ' || c.relname || '.' || a.attname || ' #' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)"
    " || ' type=' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull"
    " || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), 'none') || ' identity=' || a.attidentity::text"
    " || ' generated=' || a.attgenerated::text || ' collation=' || a.attcollation::text"
    " || ' comment=' || coalesce(quote_literal(col_description(c.oid, a.attnum)), 'none')"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
    // Constraints (NOT NULL ones of newer servers are the columns' notnull).
    "SELECT 'constraint ' || c.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)"
    " || ' valid=' || co.convalidated"
    " FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND co.contype <> 'n'",
    // Every index, a constraint's too, by its definition.
    "SELECT 'index ' || t.relname || '.' || i.relname || ' ' || pg_get_indexdef(x.indexrelid) || ' valid=' || x.indisvalid"
    " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace"
    " JOIN pg_class t ON t.oid = x.indrelid"
    " WHERE n.nspname = $1",
    // Enums, values in their order.
    "SELECT 'enum ' || t.typname || ' ' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ','"
    "   ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e'",
    // Sequences with every option and the column that owns them (auto 'a' or identity 'i').
    "SELECT 'sequence ' || c.relname || ' type=' || format_type(s.seqtypid, NULL) || ' start=' || s.seqstart"
    " || ' increment=' || s.seqincrement || ' min=' || s.seqmin || ' max=' || s.seqmax || ' cache=' || s.seqcache"
    " || ' cycle=' || s.seqcycle || ' owner=' || coalesce((SELECT t.relname || '.' || a.attname || ':' || d.deptype::text"
    "   FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid"
    "   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
    "   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')), 'none')"
    RELATION_GRANTS
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid"
    " WHERE n.nspname = $1",
    "SELECT 'extension ' || extname FROM pg_extension",
    // Views and materialized views: kind, options, comment and the query as Postgres keeps it.
    "SELECT 'view ' || c.relname || ' kind=' || c.relkind::text || ' options=' || coalesce((SELECT string_agg(o, ',' ORDER BY o) FROM unnest(c.reloptions) o), '')"
    " || ' comment=' || coalesce(quote_literal(obj_description(c.oid, 'pg_class')), 'none')" RELATION_GRANTS
    " || ' ' || pg_get_viewdef(c.oid, true)"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')",
    // Functions and procedures: everything CREATE FUNCTION says, and the comment.
    "SELECT 'function ' || p.proname || '(' || oidvectortypes(p.proargtypes) || ') ' || pg_get_functiondef(p.oid)"
    " || ' comment=' || coalesce(quote_literal(obj_description(p.oid, 'pg_proc')), 'none') || ' executes=' ||"
    " coalesce((SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END, ','"
    "   ORDER BY a.grantee) FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee <> p.proowner), '')"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')"
    "   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
    // Default privileges in the schema: for which role, on which kind, what they give.
    "SELECT 'default privileges ' || pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text || ' ' ||"
    " coalesce((SELECT string_agg(x, ',' ORDER BY x) FROM (SELECT CASE WHEN a.grantee = 0 THEN 'public'"
    "   ELSE pg_get_userbyid(a.grantee)::text END || ':' || a.privilege_type AS x FROM aclexplode(d.defaclacl) a) g), '')"
    " FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE n.nspname = $1",
};

#undef RELATION_GRANTS

// Whether a line is about one of the tables: "table T ", "column T.", "constraint T.", "index T.".
bool aboutTable(const std::string& line, const std::vector<std::string>& tables) {
  const auto space = line.find(' ');
  const std::string rest = line.substr(space + 1);
  for (const auto& t : tables) {
    if (line.rfind("table ", 0) == 0 ? rest.rfind(t + " ", 0) == 0 : rest.rfind(t + ".", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> catalogSnapshot(const std::string& conninfo, const std::string& schema,
                                         const std::vector<std::string>& rowsOfTables,
                                         const std::vector<std::string>& ignoredTables) {
  pqxx::connection conn(conninfo);
  pqxx::read_transaction tx(conn);
  // Printed definitions depend on search_path: the same one on both sides.
  tx.exec_params("SELECT set_config('search_path', $1, true)", tx.quote_name(schema));
  std::vector<std::string> lines;
  for (const char* query : kQueries) {
    const bool usesSchema = std::string(query).find("$1") != std::string::npos;
    const pqxx::result r = usesSchema ? tx.exec_params(query, schema) : tx.exec(query);
    for (const auto& row : r)
      if (!aboutTable(row[0].c_str(), ignoredTables)) lines.push_back(row[0].c_str());
  }
  for (const auto& table : rowsOfTables) {
    const pqxx::result r = tx.exec("SELECT t::text FROM " + tx.quote_name(schema) + "." + tx.quote_name(table) + " t");
    for (const auto& row : r) lines.push_back("row " + table + " " + row[0].c_str());
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string catalogDifference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> onlyA, onlyB;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(onlyA));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(onlyB));
  std::string out;
  for (const auto& line : onlyA) out += "- " + line + "\n";
  for (const auto& line : onlyB) out += "+ " + line + "\n";
  return out;
}

}  // namespace testsupport
