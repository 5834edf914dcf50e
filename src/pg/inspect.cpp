#include "pg/inspect.hpp"

#include <map>

#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/pqerror.hpp"
#include "schema/sql.hpp"

namespace pg {
namespace {

// Every query takes the schema name as $1 and starts from pg_namespace, so the planner narrows to
// the schema's relations through pg_class_relname_nsp_index before touching pg_attribute,
// pg_constraint or pg_index (all indexed on the relation oid). Catalog names are qualified with
// pg_catalog so that a table or function of the managed schema cannot shadow them.

// Tables of the schema that belong to the user: plain and partitioned tables, not partitions
// (their parent owns them), not members of an extension.
#define SO_MANAGED_TABLES                                                                                     \
  " c.relkind IN ('r', 'p') AND NOT c.relispartition"                                                         \
  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"                                                   \
  "   WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid AND dep.deptype = 'e')"

// (1) Tables and their columns, one row per column (a table with no column gives one row with
// NULL column fields). Comments come from pg_description joins rather than obj_description() and
// col_description(), which would run a subquery per row.
constexpr const char* kColumnsQuery =
    "SELECT c.relname, td.description, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    " CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,"
    " a.attnotnull, a.attidentity, cd.description,"
    " CASE WHEN t.typtype = 'e' AND t.typnamespace = n.oid THEN t.typname END"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " LEFT JOIN pg_catalog.pg_description td ON td.objoid = c.oid"
    "   AND td.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND td.objsubid = 0"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_description cd ON cd.objoid = c.oid"
    "   AND cd.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND cd.objsubid = a.attnum"
    " WHERE n.nspname = $1 AND" SO_MANAGED_TABLES
    " ORDER BY c.relname, a.attnum";

// (2) Primary key, unique, foreign key and check constraints. Key columns come as JSON arrays in
// key order (conkey/confkey positions mapped to names; a column appears once in a key, so
// array_position orders them, and "attnum = ANY" is an index condition on pg_attribute). Constraints that a partitioned parent
// propagated (conparentid <> 0) are the parent's, not declared on this table.
constexpr const char* kConstraintsQuery =
    "SELECT c.relname, co.conname, co.contype,"
    " (SELECT pg_catalog.json_agg(a.attname ORDER BY pg_catalog.array_position(co.conkey, a.attnum))"
    "    FROM pg_catalog.pg_attribute a WHERE a.attrelid = co.conrelid AND a.attnum = ANY (co.conkey)),"
    " rn.nspname, rc.relname,"
    " CASE WHEN co.contype = 'f' THEN (SELECT pg_catalog.json_agg(a.attname"
    "      ORDER BY pg_catalog.array_position(co.confkey, a.attnum))"
    "    FROM pg_catalog.pg_attribute a WHERE a.attrelid = co.confrelid AND a.attnum = ANY (co.confkey)) END,"
    " co.confdeltype, co.confupdtype,"
    " CASE WHEN co.contype = 'c' THEN pg_catalog.pg_get_expr(co.conbin, co.conrelid, true) END,"
    " co.convalidated"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid"
    " LEFT JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid"
    " LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " WHERE n.nspname = $1 AND co.contype IN ('p', 'u', 'f', 'c') AND co.conparentid = 0 AND" SO_MANAGED_TABLES
    " ORDER BY c.relname, co.conname";

// (3) Indexes no constraint owns. Each key is [column name, expression]: the name for a plain
// column, pg_get_indexdef(oid, k, true) for an expression (indkey = 0). INCLUDE columns are not keys.
constexpr const char* kIndexesQuery =
    "SELECT c.relname, i.relname, am.amname, x.indisunique, x.indisvalid,"
    " (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attname,"
    "     CASE WHEN x.indkey[k.i - 1] = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.i, true) END) ORDER BY k.i)"
    "    FROM pg_catalog.generate_series(1, x.indnkeyatts) AS k(i)"
    "    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k.i - 1]"
    "      AND x.indkey[k.i - 1] <> 0),"
    " pg_catalog.pg_get_expr(x.indpred, x.indrelid, true),"
    " pg_catalog.pg_get_indexdef(x.indexrelid)"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_index x ON x.indrelid = c.oid"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " JOIN pg_catalog.pg_am am ON am.oid = i.relam"
    " WHERE n.nspname = $1 AND" SO_MANAGED_TABLES
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co"
    "   WHERE co.conrelid = x.indrelid AND co.conindid = x.indexrelid)"
    " ORDER BY c.relname, i.relname";

// (4) Enums with their values in sort order (an enum with no value gives one NULL row).
constexpr const char* kEnumsQuery =
    "SELECT t.typname, e.enumlabel"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_type t ON t.typnamespace = n.oid AND t.typtype = 'e'"
    " LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
    " WHERE n.nspname = $1"
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
    "   WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.objid = t.oid AND dep.deptype = 'e')"
    " ORDER BY t.typname, e.enumsortorder";

// (5) Extensions are database-wide.
constexpr const char* kExtensionsQuery = "SELECT extname FROM pg_catalog.pg_extension ORDER BY extname";

#undef SO_MANAGED_TABLES

bool isTrue(const pqxx::field& f) { return !f.is_null() && f.c_str()[0] == 't'; }

std::optional<std::string> optional(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str());
}

std::vector<std::string> nameList(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  for (const auto& v : nlohmann::json::parse(f.c_str())) out.push_back(v.get<std::string>());
  return out;
}

schema::FkAction fkAction(const pqxx::field& f) {
  switch (f.is_null() ? 'a' : f.c_str()[0]) {
    case 'r': return schema::FkAction::Restrict;
    case 'c': return schema::FkAction::Cascade;
    case 'n': return schema::FkAction::SetNull;
    case 'd': return schema::FkAction::SetDefault;
    default: return schema::FkAction::NoAction;
  }
}

void count(QueryCounter* counter) {
  if (counter) ++counter->queries;
}

}  // namespace

core::Result<void> useSchema(pqxx::connection& conn, const std::string& schemaName, QueryCounter* counter) {
  const std::string path = schemaName == "public" ? "public" : schema::sql::ident(schemaName) + ", public";
  try {
    // set_config takes the value as a parameter, so the schema name is never part of the query.
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_catalog.set_config('search_path', $1, false)", path);
    count(counter);
    return {};
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot set search_path to schema " + schemaName);
  }
}

core::Result<schema::Model> inspect(pqxx::connection& conn, const std::string& schemaName, QueryCounter* counter) {
  schema::Model model;
  model.schema = schemaName;
  try {
    // One snapshot for all five queries, so that a concurrent migration cannot be half seen.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn, "inspect");
    count(counter);  // BEGIN … REPEATABLE READ READ ONLY is one round trip

    std::map<std::string, size_t> byName;
    const pqxx::result columns = tx.exec_params(kColumnsQuery, schemaName);
    count(counter);
    for (const auto& row : columns) {
      const std::string table = row[0].c_str();
      auto [it, inserted] = byName.emplace(table, model.tables.size());
      if (inserted) {
        schema::Table t;
        t.name = table;
        t.comment = optional(row[1]);
        model.tables.push_back(std::move(t));
      }
      if (row[2].is_null()) continue;  // a table without columns
      schema::Column c;
      c.name = row[2].c_str();
      c.type = row[3].c_str();
      c.defaultExpr = optional(row[4]);
      c.nullable = !isTrue(row[5]);
      const char identity = row[6].is_null() ? '\0' : row[6].c_str()[0];
      c.identity = identity == 'a'   ? schema::Identity::Always
                   : identity == 'd' ? schema::Identity::ByDefault
                                     : schema::Identity::None;
      c.comment = optional(row[7]);
      c.enumType = optional(row[8]);
      model.tables[it->second].columns.push_back(std::move(c));
    }

    const pqxx::result constraints = tx.exec_params(kConstraintsQuery, schemaName);
    count(counter);
    for (const auto& row : constraints) {
      auto it = byName.find(row[0].c_str());
      if (it == byName.end()) continue;
      schema::Table& t = model.tables[it->second];
      const std::string name = row[1].c_str();
      switch (row[2].c_str()[0]) {
        case 'p': t.primaryKey = schema::PrimaryKey{name, nameList(row[3])}; break;
        case 'u': t.uniques.push_back(schema::Unique{name, nameList(row[3]), {}}); break;
        case 'f': {
          schema::ForeignKey fk;
          fk.name = name;
          fk.columns = nameList(row[3]);
          // References stay within the schema by contract; one that leaves it is shown qualified
          // so that it can never match a declared (same-schema) reference.
          const std::string refSchema = row[4].c_str();
          fk.refTable = refSchema == schemaName ? std::string(row[5].c_str()) : refSchema + "." + row[5].c_str();
          fk.refColumns = nameList(row[6]);
          fk.onDelete = fkAction(row[7]);
          fk.onUpdate = fkAction(row[8]);
          fk.validated = isTrue(row[10]);
          t.foreignKeys.push_back(std::move(fk));
          break;
        }
        case 'c': t.checks.push_back(schema::Check{name, row[9].c_str(), isTrue(row[10]), {}}); break;
        default: break;
      }
    }

    const pqxx::result indexes = tx.exec_params(kIndexesQuery, schemaName);
    count(counter);
    for (const auto& row : indexes) {
      auto it = byName.find(row[0].c_str());
      if (it == byName.end()) continue;
      schema::Index idx;
      idx.name = row[1].c_str();
      idx.method = row[2].c_str();
      idx.unique = isTrue(row[3]);
      idx.valid = isTrue(row[4]);
      if (!row[5].is_null()) {
        for (const auto& key : nlohmann::json::parse(row[5].c_str())) {
          schema::IndexKey k;
          if (!key[0].is_null()) k.column = key[0].get<std::string>();
          if (!key[1].is_null()) k.expression = key[1].get<std::string>();
          idx.keys.push_back(std::move(k));
        }
      }
      idx.where = optional(row[6]);
      idx.definition = row[7].c_str();
      model.tables[it->second].indexes.push_back(std::move(idx));
    }

    const pqxx::result enums = tx.exec_params(kEnumsQuery, schemaName);
    count(counter);
    for (const auto& row : enums) {
      const std::string name = row[0].c_str();
      if (model.enums.empty() || model.enums.back().name != name) model.enums.push_back(schema::Enum{name, {}, {}});
      if (!row[1].is_null()) model.enums.back().values.push_back(row[1].c_str());
    }

    const pqxx::result extensions = tx.exec_params(kExtensionsQuery);
    count(counter);
    for (const auto& row : extensions) model.extensions.push_back(row[0].c_str());

    tx.commit();
    count(counter);
  } catch (const nlohmann::json::exception& e) {
    return core::terminal(std::string("cannot read the catalog of schema ") + schemaName + ": " + e.what());
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot read the catalog of schema " + schemaName);
  }
  return model;
}

std::string serverVersion(const pqxx::connection& conn) {
  const int v = conn.server_version();
  // Since 10 the number is major * 10000 + minor; before, major * 10000 + minor-major * 100 + patch.
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace pg
