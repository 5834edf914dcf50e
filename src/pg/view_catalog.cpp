#include "pg/view_catalog.hpp"

#include <set>

#include <nlohmann/json.hpp>

namespace pg::detail {

std::string viewColumnsJson() {
  return "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attname, pg_catalog.format_type(a.atttypid, "
         "a.atttypmod)) ORDER BY a.attnum) FROM pg_catalog.pg_attribute a"
         " WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)";
}

std::string viewReadsJson(const std::string& relationFilter) {
  return "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(r.relname, COALESCE(ra.attname, '')))"
         " FROM pg_catalog.pg_rewrite rw"
         " JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = rw.oid"
         "   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
         " JOIN pg_catalog.pg_class r ON r.oid = d.refobjid AND r.oid <> c.oid AND (" + relationFilter + ")"
         " LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = d.refobjsubid AND d.refobjsubid > 0"
         " WHERE rw.ev_class = c.oid)";
}

std::string viewQueryText(const pqxx::field& f) {
  std::string text = f.is_null() ? "" : f.c_str();
  while (!text.empty() && (text.back() == ';' || text.back() == '\n')) text.pop_back();
  return text;
}

void decodeViewColumns(const pqxx::field& f, schema::View& v) {
  if (f.is_null()) return;
  for (const auto& c : nlohmann::json::parse(f.c_str())) v.columns.push_back({c[0].get<std::string>(), c[1].get<std::string>()});
}

void decodeViewReads(const pqxx::field& f, schema::View& v) {
  if (f.is_null()) return;
  std::set<schema::ViewRead> reads;  // a column read twice is one read
  for (const auto& r : nlohmann::json::parse(f.c_str())) reads.insert({r[0].get<std::string>(), r[1].get<std::string>()});
  v.reads.assign(reads.begin(), reads.end());
}

}  // namespace pg::detail
