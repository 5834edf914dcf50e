#include "pg/inspect.hpp"

#include <cstdlib>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>
#include <pqxx/pipeline>
#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/catalog_decode.hpp"
#include "pg/functions.hpp"
#include "pg/pqerror.hpp"
#include "pg/unmanaged_query.hpp"
#include "pg/user_types.hpp"
#include "pg/view_catalog.hpp"
#include "schema/sql.hpp"
#include "schema/trigger.hpp"

namespace pg {
namespace {

// Every query takes the schema name as $1 and starts from pg_namespace, so the planner narrows to
// the schema's relations through pg_class_relname_nsp_index before touching pg_attribute,
// pg_constraint or pg_index (all indexed on the relation oid). Catalog names are qualified with
// pg_catalog so that a table or function of the managed schema cannot shadow them.
//
// Cost (README.md, "Performance"): the read runs in a fresh backend for every plan, so what it
// asks the server to compute is most of plan's time on big schemas. Key columns therefore come as
// attribute numbers, mapped to names here from the columns already read, rather than as a
// subquery per constraint and index; extension members are one hashed lookup rather than a probe
// per table; defaults print without opening their table (they cannot name a column); and an
// index's whole definition (pg_get_indexdef, a fifth of the read's cost on its own) only when
// asked for.

// Tables of the schema that belong to the user: plain and partitioned tables and partitions, not
// members of an extension (a member's pg_depend row, deptype 'e', always names its extension).
std::string notExtensionMember(const std::string& rel) {
  return " AND " + rel + ".oid NOT IN (SELECT dep.objid FROM pg_catalog.pg_depend dep"
         "   WHERE dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND dep.deptype = 'e'"
         "   AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)";
}
const std::string kManagedTables = " c.relkind IN ('r', 'p')" + notExtensionMember("c");

// (1) Tables and their columns, one row per column (a table with no column gives one row with
// NULL column fields). Comments are looked up through pg_description's index, one probe per table
// and column: a join would be faster only while the catalog's statistics are fresh, and right
// after a migration they say pg_description is empty, which made the join a nested loop over
// every comment for every column (0.24 s at 1,000 tables with a few hundred comments).
// A default is printed without its table (relid 0, which spares opening the relation) unless its
// stored tree holds a column reference: column defaults cannot have one, so that is a guard, and
// the text is the same either way. A default that calls nextval (function 1574; a serial's is
// wrapped in a cast to int4) also brings the sequence the column owns (OWNED BY the column:
// pg_depend deptype 'a'), looked up only for those few columns.
const std::string kColumnsQuery =
    "SELECT c.relname,"
    " (SELECT td.description FROM pg_catalog.pg_description td WHERE td.objoid = c.oid"
    "   AND td.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND td.objsubid = 0),"
    " a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    " CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin,"
    "   CASE WHEN ad.adbin::text LIKE '%{VAR %' THEN ad.adrelid ELSE 0 END) END,"
    " a.attnotnull, a.attidentity,"
    " CASE WHEN a.attnum IS NOT NULL THEN (SELECT cd.description FROM pg_catalog.pg_description cd"
    "   WHERE cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    "   AND cd.objsubid = a.attnum) END,"
    " CASE WHEN t.typtype = 'e' AND t.typnamespace = n.oid THEN t.typname END,"
    " a.attnum,"
    " CASE WHEN ad.adbin::text LIKE '%{FUNCEXPR :funcid 1574 %' THEN (SELECT s.relname FROM pg_catalog.pg_depend sd"
    "   JOIN pg_catalog.pg_class s ON s.oid = sd.objid AND s.relkind = 'S' AND s.relnamespace = n.oid"
    "   WHERE sd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND sd.refobjid = c.oid"
    "   AND sd.refobjsubid = a.attnum AND sd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    "   AND sd.deptype = 'a' LIMIT 1) END,"
    // Collation only where it is not the type's (nearly every column has the type's).
    " CASE WHEN a.attcollation <> t.typcollation THEN (SELECT cl.collname FROM pg_catalog.pg_collation cl"
    "   WHERE cl.oid = a.attcollation) END,"
    " CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,"
    " c.relpersistence, c.relrowsecurity, c.relforcerowsecurity"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " WHERE n.nspname = $1 AND" + kManagedTables +
    " ORDER BY c.relname, a.attnum";

// (2) Primary key, unique, foreign key and check constraints. Key columns come as attribute
// numbers in key order (conkey, confkey), named from the columns of (1). A foreign key that
// references a table (1) did not read (another schema, a partition, an extension's) also brings
// the referenced names, as a JSON array in key order. Constraints that a partitioned parent
// propagated (conparentid <> 0) are the parent's, not declared on this table; so are the checks
// a partition inherited and does not also declare itself (conislocal false).
// A unique constraint's NULLS NOT DISTINCT (its index's) comes last, from servers that have it (15+).
std::string constraintsQuery(int serverVersion) {
  const std::string nullsNotDistinct =
      serverVersion >= 150000 ? ", CASE WHEN co.contype = 'u' THEN (SELECT ux.indnullsnotdistinct"
                                "   FROM pg_catalog.pg_index ux WHERE ux.indexrelid = co.conindid) END"
                              : ", NULL";
  return std::string("SELECT c.relname, co.conname, co.contype, co.conkey::text,"
    " rn.nspname, rc.relname, co.confkey::text,"
    " CASE WHEN co.contype = 'f' AND NOT (rc.relnamespace = n.oid AND rc.relkind IN ('r', 'p')"
    "   AND NOT rc.relispartition") + notExtensionMember("rc") + ")"
    "   THEN (SELECT pg_catalog.json_agg(a.attname ORDER BY pg_catalog.array_position(co.confkey, a.attnum))"
    "    FROM pg_catalog.pg_attribute a WHERE a.attrelid = co.confrelid AND a.attnum = ANY (co.confkey)) END,"
    " co.confdeltype, co.confupdtype,"
    " CASE WHEN co.contype = 'c' THEN pg_catalog.pg_get_expr(co.conbin, co.conrelid, true) END,"
    " co.convalidated, co.condeferrable, co.condeferred, co.confmatchtype, co.connoinherit,"
    // An exclusion constraint's parts (its index's keys, operator classes that are not the
    // default, DESC, and the operators) for export and cheap comparison, and its definition.
    " CASE WHEN co.contype = 'x' THEN (SELECT pg_catalog.json_build_object('method', am.amname,"
    "   'where', pg_catalog.pg_get_expr(x.indpred, x.indrelid, true),"
    "   'definition', pg_catalog.pg_get_constraintdef(co.oid, true),"
    "   'elements', (SELECT pg_catalog.json_agg(pg_catalog.json_build_array("
    "     (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = x.indrelid"
    "       AND a.attnum = x.indkey[k.i - 1] AND x.indkey[k.i - 1] <> 0),"
    "     CASE WHEN x.indkey[k.i - 1] = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.i, true) END,"
    "     (SELECT oc.opcname FROM pg_catalog.pg_opclass oc WHERE oc.oid = x.indclass[k.i - 1] AND NOT oc.opcdefault),"
    "     (x.indoption[k.i - 1]::pg_catalog.int4 OPERATOR(pg_catalog.&) 1) = 1,"
    "     (SELECT o.oprname FROM pg_catalog.pg_operator o WHERE o.oid = co.conexclop[k.i])) ORDER BY k.i)"
    "     FROM pg_catalog.generate_series(1, x.indnkeyatts) AS k(i)))"
    "   FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid"
    "   JOIN pg_catalog.pg_am am ON am.oid = ic.relam WHERE x.indexrelid = co.conindid) END" +
    nullsNotDistinct +
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid"
    " LEFT JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid"
    " LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " WHERE n.nspname = $1 AND co.contype IN ('p', 'u', 'f', 'c', 'x') AND co.conparentid = 0 AND" + kManagedTables +
    " AND (co.conislocal OR NOT c.relispartition)" +
    " ORDER BY c.relname, co.conname";
}

// (3) Indexes no constraint of their table owns. Keys are the first indnkeyatts attribute numbers
// of indkey (INCLUDE columns follow them); a 0 is an expression, and the expressions come as a
// JSON array, pg_get_indexdef(oid, k, true) for each in key order. Then each key's options: the
// indoption bits (DESC, NULLS FIRST); operator classes (a JSON array, "" for a type's default
// unless it has parameters, which need its name) and collations (a JSON array, "" where it is
// the column's), looked up only for the few indexes that are not all defaults, so that most
// indexes cost no lookup; storage parameters (reloptions) and operator class parameters (the
// index attributes' attoptions, which only non-btree, non-hash classes take) as JSON; NULLS NOT
// DISTINCT from servers that have it (15+).
// A partition's index attached to its parent's index (relispartition) is the parent's.
std::string indexesQuery(const std::string& definition, int serverVersion) {
  return "SELECT c.relname, i.relname, am.amname, x.indisunique, x.indisvalid, x.indnkeyatts, x.indkey::text,"
         " CASE WHEN x.indexprs IS NOT NULL THEN (SELECT pg_catalog.json_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k.i, true)"
         "   ORDER BY k.i) FROM pg_catalog.generate_series(1, x.indnkeyatts) AS k(i) WHERE x.indkey[k.i - 1] = 0) END,"
         " pg_catalog.pg_get_expr(x.indpred, x.indrelid, true), " + definition + ","
         " x.indoption::text,"
         " CASE WHEN am.amname NOT IN ('btree', 'hash') OR x.indclass::pg_catalog.oid[] OPERATOR(pg_catalog.&&)"
         "   (SELECT pg_catalog.array_agg(nd.oid) FROM pg_catalog.pg_opclass nd WHERE NOT nd.opcdefault)"
         "   THEN (SELECT pg_catalog.json_agg(CASE WHEN oc.opcdefault AND ca.attoptions IS NULL THEN '' ELSE oc.opcname END"
         "   ORDER BY u.n) FROM pg_catalog.unnest(x.indclass::pg_catalog.oid[]) WITH ORDINALITY AS u(o, n)"
         "   JOIN pg_catalog.pg_opclass oc ON oc.oid = u.o LEFT JOIN pg_catalog.pg_attribute ca"
         "   ON ca.attrelid = x.indexrelid AND ca.attnum = u.n) END,"
         " CASE WHEN NOT x.indcollation::pg_catalog.oid[] OPERATOR(pg_catalog.<@) '{0,100}'::pg_catalog.oid[]"
         "   THEN (SELECT pg_catalog.json_agg(CASE WHEN x.indkey[u.n - 1] <> 0 AND u.o <> 0 AND u.o <> a.attcollation"
         "   THEN co.collname ELSE '' END ORDER BY u.n) FROM pg_catalog.unnest(x.indcollation::pg_catalog.oid[])"
         "   WITH ORDINALITY AS u(o, n) LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid"
         "   AND a.attnum = x.indkey[u.n - 1] LEFT JOIN pg_catalog.pg_collation co ON co.oid = u.o) END,"
         " pg_catalog.array_to_json(i.reloptions),"
         " CASE WHEN am.amname NOT IN ('btree', 'hash') THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array("
         "   ia.attnum, ia.attoptions) ORDER BY ia.attnum) FROM pg_catalog.pg_attribute ia"
         "   WHERE ia.attrelid = x.indexrelid AND ia.attoptions IS NOT NULL) END," +
         (serverVersion >= 150000 ? " x.indnullsnotdistinct" : " false") +
         " FROM pg_catalog.pg_namespace n"
         " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
         " JOIN pg_catalog.pg_index x ON x.indrelid = c.oid"
         " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
         " JOIN pg_catalog.pg_am am ON am.oid = i.relam"
         " WHERE n.nspname = $1 AND" + kManagedTables + " AND NOT i.relispartition" +
         " AND (x.indrelid, x.indexrelid) NOT IN (SELECT co.conrelid, co.conindid FROM pg_catalog.pg_constraint co"
         "   WHERE co.conindid <> 0)"
         " ORDER BY c.relname, i.relname";
}

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

// (6) Sequences of the schema with their options, but those an identity column owns (they are the
// column's: pg_depend deptype 'i') and extension members. The owner, when OWNED BY names a
// column (deptype 'a', always a table of the same schema), comes as its table and column.
constexpr const char* kSequencesQuery =
    "SELECT s.relname, pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,"
    " q.seqcache, q.seqcycle, o.relname, o.attname"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class s ON s.relnamespace = n.oid AND s.relkind = 'S'"
    " JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid"
    " LEFT JOIN LATERAL (SELECT oc.relname, a.attname FROM pg_catalog.pg_depend d"
    "   JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid"
    "   JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
    "   WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = s.oid"
    "   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a' LIMIT 1) o ON true"
    " WHERE n.nspname = $1"
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
    "   WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = s.oid AND dep.deptype IN ('i', 'e'))"
    " ORDER BY s.relname";

// (7) Views and materialized views, but extension members: the text Postgres keeps for the query
// (pg_get_viewdef, pretty), options, comment, output columns, what the view reads (pg_depend of its
// rewrite rule: relations of this schema and their columns, 0 for a whole relation), and a
// materialized view's indexes (keys as column names; an expression key as ["", its text]).
const std::string kViewsQuery =
    "SELECT c.relname, c.relkind = 'm', pg_catalog.pg_get_viewdef(c.oid, true), pg_catalog.array_to_json(c.reloptions),"
    " (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = c.oid"
    "   AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0),"
    " " + detail::viewColumnsJson() + ", " + detail::viewReadsJson("r.relnamespace = n.oid") + ","
    " (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(i.relname, am.amname, x.indisunique, x.indisvalid,"
    "     (SELECT pg_catalog.json_agg(CASE WHEN x.indkey[k.i - 1] = 0"
    "       THEN pg_catalog.json_build_array('', pg_catalog.pg_get_indexdef(x.indexrelid, k.i, true))"
    "       ELSE pg_catalog.json_build_array(a.attname, '') END ORDER BY k.i)"
    "      FROM pg_catalog.generate_series(1, x.indnkeyatts) AS k(i)"
    "      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k.i - 1]),"
    "     pg_catalog.pg_get_expr(x.indpred, x.indrelid, true)) ORDER BY i.relname)"
    "   FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    "   JOIN pg_catalog.pg_am am ON am.oid = i.relam WHERE x.indrelid = c.oid)"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')" + notExtensionMember("c") +
    " ORDER BY c.relname";

// (10) Partitioned tables and partitions: the key as Postgres prints it (with its strategy and
// plain key columns for export), and a partition's parent (pg_inherits; qualified when it is in
// another schema) and bounds.
const std::string kPartitionsQuery =
    "SELECT c.relname, CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,"
    " pt.partstrat, pt.partattrs::text, pt.partexprs IS NOT NULL,"
    " CASE WHEN c.relispartition THEN (SELECT CASE WHEN p.relnamespace = n.oid THEN p.relname::text"
    "   ELSE pn.nspname || '.' || p.relname END FROM pg_catalog.pg_inherits i"
    "   JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace"
    "   WHERE i.inhrelid = c.oid) END,"
    " CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid"
    " WHERE n.nspname = $1 AND (c.relkind = 'p' OR c.relispartition) AND" + kManagedTables +
    " ORDER BY c.relname";

// (11) Row-level security policies of the managed tables: the command (polcmd), permissive, the
// roles by name, sorted ("public" for PUBLIC, oid 0), and the expressions as Postgres prints them.
const std::string kPoliciesQuery =
    "SELECT c.relname, po.polname, po.polcmd, po.polpermissive,"
    " (SELECT pg_catalog.json_agg(s.role ORDER BY s.role) FROM (SELECT CASE WHEN r.oid = 0 THEN 'public'"
    "   ELSE pg_catalog.pg_get_userbyid(r.oid)::text END AS role FROM pg_catalog.unnest(po.polroles) AS r(oid)) s),"
    " pg_catalog.pg_get_expr(po.polqual, po.polrelid), pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid)"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_policy po ON po.polrelid = c.oid"
    " WHERE n.nspname = $1 AND" + kManagedTables +
    " ORDER BY c.relname, po.polname";

// (12) Privileges held by roles other than the owner: on each managed table ('t'), on its columns
// ('c'), on the schema ('s'), on each view and materialized view ('v') and sequence ('q'); one
// row per privilege (aclexplode), "public" for PUBLIC. A NULL ACL (the default: the owner alone)
// gives no row, and is skipped before aclexplode (most relations have one).
// Tables, views and sequences in one pass over the schema's relations.
const std::string kGrantsQuery =
    "SELECT CASE WHEN c.relkind = 'S' THEN 'q' WHEN c.relkind IN ('v', 'm') THEN 'v' ELSE 't' END, c.relname,"
    "   NULL::text, " + std::string(kGranteeName) + ", a.privilege_type"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS a"
    " WHERE n.nspname = $1 AND c.relacl IS NOT NULL AND (" + kManagedTables + " OR c.relkind IN ('v', 'm', 'S'))"
    "   AND a.grantee <> c.relowner"
    " UNION ALL SELECT 'c', c.relname, att.attname::text, " + kGranteeName + ", a.privilege_type"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_attribute att ON att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped"
    "   AND att.attacl IS NOT NULL"
    " CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) AS a"
    " WHERE n.nspname = $1 AND" + kManagedTables + " AND a.grantee <> c.relowner"
    " UNION ALL SELECT 's', n.nspname::text, NULL, " + kGranteeName + ", a.privilege_type"
    " FROM pg_catalog.pg_namespace n CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) AS a"
    " WHERE n.nspname = $1 AND a.grantee <> n.nspowner";

// (15) Default privileges in the schema (ALTER DEFAULT PRIVILEGES ... IN SCHEMA; those of no
// schema, defaclnamespace 0, are not the schema's): the role they are for, the kind of objects
// (r tables, S sequences, f functions, T types), and one row per privilege; first, one row with
// current_user alone, the role a declaration without forRole is for. (13) and (14) are other
// kinds' numbers.
const std::string kDefaultPrivilegesQuery =
    "SELECT current_user::text, NULL::text, NULL::text, NULL::text, NULL::text"
    " UNION ALL SELECT NULL, pg_catalog.pg_get_userbyid(d.defaclrole)::text, d.defaclobjtype::text,"
    "   " + std::string(kGranteeName) + ", a.privilege_type"
    " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_default_acl d ON d.defaclnamespace = n.oid"
    " CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS a"
    " WHERE n.nspname = $1 AND d.defaclobjtype IN ('r', 'S', 'f', 'T')";

// (14) Triggers of the managed tables that a resource declares: not internal (a foreign key's),
// not a constraint trigger, not cloned onto a partition from its parent's (tgparentid), not an
// extension's. Timing, events and level as tgtype bits, UPDATE OF columns as attribute numbers,
// the function by schema and name, the arguments as hex (NUL-separated: tgargs), and the whole
// definition only when there is a condition to take from it.
const std::string kTriggersQuery =
    "SELECT c.relname, t.tgname, t.tgtype, t.tgenabled, t.tgattr::text, fn.nspname, p.proname,"
    " pg_catalog.encode(t.tgargs, 'hex'), t.tgnargs,"
    " CASE WHEN t.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(t.oid) END,"
    " t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL,"
    " (SELECT pg_catalog.json_agg(a.attname ORDER BY a.attnum) FROM pg_catalog.pg_depend d"
    "   JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
    "   WHERE d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objid = t.oid"
    "   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0)"
    " FROM pg_catalog.pg_namespace n"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    " JOIN pg_catalog.pg_trigger t ON t.tgrelid = c.oid"
    " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace"
    " WHERE n.nspname = $1 AND" + kManagedTables +
    " AND NOT t.tgisinternal AND t.tgconstraint = 0 AND t.tgparentid = 0"
    " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass"
    "   AND dep.objid = t.oid AND dep.deptype = 'e')"
    " ORDER BY c.relname, t.tgname";

// (5) Extensions are database-wide.
constexpr const char* kExtensionsQuery = "SELECT extname FROM pg_catalog.pg_extension ORDER BY extname";

bool isTrue(const pqxx::field& f) { return !f.is_null() && f.c_str()[0] == 't'; }

std::optional<std::string> optional(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str(), f.size());
}

std::vector<std::string> nameList(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  for (const auto& v : nlohmann::json::parse(f.c_str())) out.push_back(v.get<std::string>());
  return out;
}

// The numbers of an int2[] or int2vector column; NULL is none.
std::vector<int> numbers(const pqxx::field& f) { return f.is_null() ? std::vector<int>{} : attributeNumbers(f.c_str()); }

// The index attributes' attoptions, by attribute number: [[1, ["siglen=32"]], ...].
std::map<int, std::vector<std::string>> attoptions(const pqxx::field& f) {
  std::map<int, std::vector<std::string>> out;
  if (f.is_null()) return out;
  for (const auto& entry : nlohmann::json::parse(f.c_str()))
    out[entry.at(0).get<int>()] = entry.at(1).get<std::vector<std::string>>();
  return out;
}

schema::FkAction fkAction(const pqxx::field& f) { return fkActionOf(f.is_null() ? 'a' : f.c_str()[0]); }

schema::Deferrable deferrableOf(const pqxx::field& deferrable, const pqxx::field& deferred) {
  if (!isTrue(deferrable)) return schema::Deferrable::No;
  return isTrue(deferred) ? schema::Deferrable::InitiallyDeferred : schema::Deferrable::InitiallyImmediate;
}

// An exclusion constraint from the JSON the constraints query builds for it.
schema::Exclusion exclusionOf(const std::string& name, const pqxx::field& f) {
  schema::Exclusion x;
  x.name = name;
  if (f.is_null()) return x;
  const auto parts = nlohmann::json::parse(f.c_str());
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
  x.method = text(parts["method"]);
  if (parts["where"].is_string()) x.where = parts["where"].get<std::string>();
  x.definition = text(parts["definition"]);
  if (parts["elements"].is_array())
    for (const auto& e : parts["elements"])
      x.elements.push_back(schema::ExclusionElement{text(e[0]), text(e[1]), text(e[2]), e[3].is_boolean() && e[3].get<bool>(),
                                                    text(e[4])});
  return x;
}

std::string searchPathFor(const std::string& schemaName) {
  return schemaName == "public" ? "public" : schema::sql::ident(schemaName) + ", public";
}

}  // namespace

core::Result<void> useSchema(pqxx::connection& conn, const std::string& schemaName) {
  const std::string path = searchPathFor(schemaName);
  try {
    // set_config takes the value as a parameter, so the schema name is never part of the query.
    pqxx::nontransaction tx(conn);
    // Asked in the same round trip: a plan for a schema that is not there would propose creating
    // every table in it, and the apply would fail on the first one.
    // JIT off for the session: the catalog read's planned cost (the exclusion constraints'
    // subqueries over generate_series) passes jit_above_cost on a schema of a few hundred tables,
    // and compiling it then takes ten times as long as running it (0.5 s against 0.04 s at 1,000
    // tables on PostgreSQL 15). Nothing the engine sends gains from JIT.
    const pqxx::row r = tx.exec_params1(
        "SELECT pg_catalog.set_config('search_path', $1, false), pg_catalog.set_config('jit', 'off', false),"
        " EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $2)",
        path, schemaName);
    if (!r[2].as<bool>())
      return core::invalid("spec.schema", "schema \"" + schemaName +
                                              "\" does not exist in the database; create it first (the operator "
                                              "manages what is inside a schema, never the schema itself)");
    return {};
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot set search_path to schema " + schemaName);
  }
}

namespace {

// The results of queries (2) to (9), read together. (8) lists the objects of kinds the resource
// does not manage (pg/unmanaged_query.hpp).
struct OtherResults {
  pqxx::result constraints, indexes, enums, extensions, sequences;
  pqxx::result userTypes;  // (7): domains and composite types
  pqxx::result unmanaged;  // (8)
  pqxx::result views;      // (9)
  pqxx::result partitions;  // (10)
  pqxx::result policies;    // (11)
  pqxx::result grants;      // (12)
  pqxx::result functions;   // (13)
  pqxx::result triggers;    // (14)
  pqxx::result defaultPrivileges;  // (15)
};

// Queries (2) to (10), and (1) first when `withColumns`, as one batch on `tx`: one round trip.
std::pair<pqxx::result, OtherResults> readBatch(pqxx::transaction_base& tx, const std::string& schemaName,
                                                bool withColumns, bool indexDefinitions) {
  const int serverVersion = tx.conn().server_version();
  const std::string schemaLiteral = tx.quote(schemaName);
  pqxx::pipeline batch(tx, "inspect");
  batch.retain(15);  // held until resume(): the queries leave together
  std::optional<pqxx::pipeline::query_id> columns;
  if (withColumns) columns = batch.insert(withSchema(kColumnsQuery, schemaLiteral));
  const auto constraints = batch.insert(withSchema(constraintsQuery(serverVersion), schemaLiteral));
  const auto indexes = batch.insert(withSchema(
      indexesQuery(indexDefinitions ? "pg_catalog.pg_get_indexdef(x.indexrelid)" : "NULL", serverVersion), schemaLiteral));
  const auto enums = batch.insert(withSchema(kEnumsQuery, schemaLiteral));
  const auto extensions = batch.insert(kExtensionsQuery);
  const auto sequences = batch.insert(withSchema(kSequencesQuery, schemaLiteral));
  const auto userTypes = batch.insert(withSchema(detail::kUserTypesQuery, schemaLiteral));
  const auto unmanaged = batch.insert(withSchema(unmanagedObjectsQuery(tx.conn().server_version()), schemaLiteral));
  const auto views = batch.insert(withSchema(kViewsQuery, schemaLiteral));
  const auto partitions = batch.insert(withSchema(kPartitionsQuery, schemaLiteral));
  const auto policies = batch.insert(withSchema(kPoliciesQuery, schemaLiteral));
  const auto grants = batch.insert(withSchema(kGrantsQuery, schemaLiteral));
  const auto functions = batch.insert(withSchema(detail::kFunctionsQuery, schemaLiteral));
  const auto triggers = batch.insert(withSchema(kTriggersQuery, schemaLiteral));
  const auto defaultPrivileges = batch.insert(withSchema(kDefaultPrivilegesQuery, schemaLiteral));
  batch.resume();
  std::pair<pqxx::result, OtherResults> out;
  if (columns) out.first = batch.retrieve(*columns);
  out.second = {batch.retrieve(constraints), batch.retrieve(indexes), batch.retrieve(enums), batch.retrieve(extensions),
                batch.retrieve(sequences), batch.retrieve(userTypes), batch.retrieve(unmanaged)};
  out.second.views = batch.retrieve(views);
  out.second.partitions = batch.retrieve(partitions);
  out.second.policies = batch.retrieve(policies);
  out.second.grants = batch.retrieve(grants);
  out.second.functions = batch.retrieve(functions);
  out.second.triggers = batch.retrieve(triggers);
  out.second.defaultPrivileges = batch.retrieve(defaultPrivileges);
  batch.complete();
  return out;
}

// Tables and columns from (1); byName maps each table to its place in the model.
void decodeColumns(const pqxx::result& columns, schema::Model& model, std::unordered_map<std::string, TableRef>& byName) {
  TableRef* current = nullptr;  // rows come ordered by table: most rows belong to the last one seen
  for (const auto& row : columns) {
    const pqxx::field tableField = row[0];
    if (!current || model.tables[current->index].name != tableField.c_str()) {
      std::string table(tableField.c_str(), tableField.size());
      auto [it, inserted] = byName.try_emplace(table, TableRef{model.tables.size(), {}});
      if (inserted) {
        schema::Table t;
        t.name = std::move(table);
        t.comment = optional(row[1]);
        t.unlogged = row[13].c_str()[0] == 'u';
        t.rowLevelSecurity = schema::RowSecurity{row[14].c_str()[0] == 't', row[15].c_str()[0] == 't'};
        model.tables.push_back(std::move(t));
      }
      current = &it->second;
    }
    if (row[2].is_null()) continue;  // a table without columns
    schema::Table& t = model.tables[current->index];
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
    c.ownedSequence = optional(row[10]);
    c.collation = optional(row[11]);
    c.generated = optional(row[12]);
    const int attnum = row[9].as<int>();
    if (attnum >= 0) {
      if (current->columnAt.size() <= static_cast<size_t>(attnum)) current->columnAt.resize(attnum + 1, -1);
      current->columnAt[attnum] = static_cast<int>(t.columns.size());
    }
    t.columns.push_back(std::move(c));
  }
}

// (7): partitionBy of partitioned tables, partitionOf of partitions.
void decodePartitions(const pqxx::result& partitions, schema::Model& model,
                      const std::unordered_map<std::string, TableRef>& byName) {
  for (const auto& row : partitions) {
    auto it = byName.find(row[0].c_str());
    if (it == byName.end()) continue;
    schema::Table& t = model.tables[it->second.index];
    if (!row[1].is_null()) {
      schema::PartitionBy by;
      by.definition = row[1].c_str();
      by.strategy = partitionStrategyOf(row[2].is_null() ? 'r' : row[2].c_str()[0]);
      if (isTrue(row[4]))
        by.expressions = partitionKeyParts(by.definition);
      else
        by.columns = it->second.names(t, numbers(row[3]));
      t.partitionBy = std::move(by);
    }
    if (!row[5].is_null() && !row[6].is_null()) t.partitionOf = schema::PartitionOf{row[5].c_str(), row[6].c_str(), {}};
  }
}

// (11): each table's policies.
std::string policyCommandOf(char polcmd) {
  switch (polcmd) {
    case 'r': return "select";
    case 'a': return "insert";
    case 'w': return "update";
    case 'd': return "delete";
    default: return "all";  // '*'
  }
}

void decodePolicies(const pqxx::result& policies, schema::Model& model,
                    const std::unordered_map<std::string, TableRef>& byName) {
  for (const auto& row : policies) {
    auto it = byName.find(row[0].c_str());
    if (it == byName.end()) continue;
    schema::RowPolicy p;
    p.name = row[1].c_str();
    p.command = policyCommandOf(row[2].c_str()[0]);
    p.permissive = isTrue(row[3]);
    p.roles.clear();
    if (!row[4].is_null())
      for (const auto& role : nlohmann::json::parse(row[4].c_str())) p.roles.push_back(role.get<std::string>());
    if (!row[5].is_null()) p.usingExpr = row[5].c_str();
    if (!row[6].is_null()) p.withCheck = row[6].c_str();
    model.tables[it->second.index].policies.push_back(std::move(p));
  }
}

// (12): the grants of every table, view and sequence and the schema's, each (role, column) one
// Grant. Live grants are always known (empty: the owner alone). After the views are decoded.
void decodeGrants(const pqxx::result& grants, schema::Model& model,
                  const std::unordered_map<std::string, TableRef>& byName) {
  std::map<std::tuple<char, std::string, std::string, std::string>, std::set<std::string>> held;
  for (const auto& row : grants)
    held[{row[0].c_str()[0], row[1].c_str(), row[2].is_null() ? "" : row[2].c_str(), row[3].c_str()}].insert(
        row[4].c_str());
  for (auto& t : model.tables) t.grants.emplace();
  for (auto& v : model.views) v.grants.emplace();
  for (auto& s : model.sequences) s.grants.emplace();
  model.schemaGrants.emplace();
  std::unordered_map<std::string, std::optional<std::vector<schema::Grant>>*> others;  // views and sequences
  for (auto& v : model.views) others[v.name] = &v.grants;
  for (auto& s : model.sequences) others[s.name] = &s.grants;
  for (const auto& [key, privileges] : held) {
    const auto& [kind, object, column, role] = key;
    schema::Grant g{role, {privileges.begin(), privileges.end()}, {}, {}};
    if (!column.empty()) g.columns = {column};
    if (kind == 's') {
      model.schemaGrants->push_back(std::move(g));
    } else if (kind == 'v' || kind == 'q') {
      if (auto it = others.find(object); it != others.end()) (*it->second)->push_back(std::move(g));
    } else if (auto it = byName.find(object); it != byName.end()) {
      model.tables[it->second.index].grants->push_back(std::move(g));
    }
  }
}

// (15): the session's role, and the schema's default privileges, one entry per (forRole,
// objects, role). Always known (empty: none).
void decodeDefaultPrivileges(const pqxx::result& rows, schema::Model& model) {
  static const std::map<char, std::string> kObjects = {{'r', "tables"}, {'S', "sequences"}, {'f', "functions"},
                                                       {'T', "types"}};
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> held;
  for (const auto& row : rows) {
    if (!row[0].is_null()) {
      model.sessionRole = row[0].c_str();
      continue;
    }
    held[{row[1].c_str(), kObjects.at(row[2].c_str()[0]), row[3].c_str()}].insert(row[4].c_str());
  }
  model.defaultPrivileges.emplace();
  for (const auto& [key, privileges] : held) {
    const auto& [forRole, objects, role] = key;
    model.defaultPrivileges->push_back({forRole, objects, role, {privileges.begin(), privileges.end()}, ""});
  }
}

// (14): each table's triggers.
void decodeTriggers(const pqxx::result& triggers, const std::string& schemaName, schema::Model& model,
                    const std::unordered_map<std::string, TableRef>& byName) {
  for (const auto& row : triggers) {
    auto it = byName.find(row[0].c_str());
    if (it == byName.end()) continue;
    schema::Table& t = model.tables[it->second.index];
    schema::Trigger tr;
    tr.name = row[1].c_str();
    schema::applyTriggerType(row[2].as<int>(), tr);
    tr.firing = row[3].c_str()[0];
    tr.enabled = tr.firing != 'D';
    tr.updateOf = it->second.names(t, numbers(row[4]));
    std::sort(tr.updateOf.begin(), tr.updateOf.end());
    if (std::string_view(row[5].c_str()) != schemaName) tr.functionSchema = row[5].c_str();
    tr.function = row[6].c_str();
    tr.arguments = triggerArguments(row[7].c_str(), row[8].as<size_t>());
    if (!row[9].is_null()) {
      tr.when = triggerWhenOf(row[9].c_str());
      if (!tr.when) tr.inexpressible = "a condition this reader cannot take apart";
    }
    if (isTrue(row[10])) tr.inexpressible = "transition tables (REFERENCING)";
    tr.columnsUsed = nameList(row[11]);
    t.triggers.push_back(std::move(tr));
  }
}

void decodeOthers(const OtherResults& r, const std::string& schemaName, schema::Model& model,
                  const std::unordered_map<std::string, TableRef>& byName) {
  const pqxx::result& constraints = r.constraints;
  for (const auto& row : constraints) {
    auto it = byName.find(row[0].c_str());
    if (it == byName.end()) continue;
    const TableRef& ref = it->second;
    schema::Table& t = model.tables[ref.index];
    const std::string name = row[1].c_str();
    switch (row[2].c_str()[0]) {
      case 'p': t.primaryKey = schema::PrimaryKey{name, ref.names(t, numbers(row[3]))}; break;
      case 'u':
        t.uniques.push_back(schema::Unique{name, ref.names(t, numbers(row[3])), {}});
        t.uniques.back().deferrable = deferrableOf(row[12], row[13]);
        t.uniques.back().nullsNotDistinct = isTrue(row[17]);
        break;
      case 'f': {
        schema::ForeignKey fk;
        fk.name = name;
        fk.columns = ref.names(t, numbers(row[3]));
        // References stay within the schema by contract; one that leaves it is shown qualified
        // so that it can never match a declared (same-schema) reference.
        const std::string refSchema = row[4].c_str();
        fk.refTable = refSchema == schemaName ? std::string(row[5].c_str()) : refSchema + "." + row[5].c_str();
        if (!row[7].is_null()) {
          fk.refColumns = nameList(row[7]);  // a table (1) did not read
        } else if (auto target = byName.find(row[5].c_str()); target != byName.end()) {
          fk.refColumns = target->second.names(model.tables[target->second.index], numbers(row[6]));
        }
        fk.onDelete = fkAction(row[8]);
        fk.onUpdate = fkAction(row[9]);
        fk.validated = isTrue(row[11]);
        fk.deferrable = deferrableOf(row[12], row[13]);
        fk.matchFull = !row[14].is_null() && row[14].c_str()[0] == 'f';
        t.foreignKeys.push_back(std::move(fk));
        break;
      }
      case 'c':
        t.checks.push_back(schema::Check{name, row[10].c_str(), isTrue(row[11]), {}});
        t.checks.back().noInherit = isTrue(row[15]);
        break;
      case 'x': t.exclusions.push_back(exclusionOf(name, row[16])); break;
      default: break;
    }
  }

  const pqxx::result& indexes = r.indexes;
  for (const auto& row : indexes) {
    auto it = byName.find(row[0].c_str());
    if (it == byName.end()) continue;
    const TableRef& ref = it->second;
    schema::Table& t = model.tables[ref.index];
    schema::Index idx;
    idx.name = row[1].c_str();
    idx.method = row[2].c_str();
    idx.unique = isTrue(row[3]);
    idx.valid = isTrue(row[4]);
    const size_t keyCount = row[5].as<size_t>();
    const std::vector<int> attnums = numbers(row[6]);
    std::vector<std::string> expressions;
    if (!row[7].is_null()) expressions = nameList(row[7]);
    size_t nextExpression = 0;
    for (size_t k = 0; k < keyCount && k < attnums.size(); ++k) {
      schema::IndexKey key;
      const int n = attnums[k];
      if (n == 0) {
        if (nextExpression < expressions.size()) key.expression = expressions[nextExpression++];
      } else if (n > 0 && static_cast<size_t>(n) < ref.columnAt.size() && ref.columnAt[n] >= 0) {
        key.column = t.columns[ref.columnAt[n]].name;
      }
      idx.keys.push_back(std::move(key));
    }
    idx.where = optional(row[8]);
    if (!row[9].is_null()) idx.definition = row[9].c_str();
    idx.include = ref.names(t, std::vector<int>(attnums.begin() + std::min(keyCount, attnums.size()), attnums.end()));
    applyKeyOptions(idx.keys, numbers(row[10]), nameList(row[11]), nameList(row[12]), attoptions(row[14]));
    idx.with = parameters(nameList(row[13]));
    idx.nullsNotDistinct = isTrue(row[15]);
    t.indexes.push_back(std::move(idx));
  }

  const pqxx::result& enums = r.enums;
  for (const auto& row : enums) {
    const std::string name = row[0].c_str();
    if (model.enums.empty() || model.enums.back().name != name) model.enums.push_back(schema::Enum{name, {}, {}});
    if (!row[1].is_null()) model.enums.back().values.push_back(row[1].c_str());
  }

  for (const auto& row : r.extensions) model.extensions.push_back(row[0].c_str());

  for (const auto& row : r.sequences) {
    schema::Sequence s;
    s.name = row[0].c_str();
    s.type = row[1].c_str();
    s.start = row[2].as<long long>();
    s.increment = row[3].as<long long>();
    s.minValue = row[4].as<long long>();
    s.maxValue = row[5].as<long long>();
    s.cache = row[6].as<long long>();
    s.cycle = isTrue(row[7]);
    if (!row[8].is_null()) s.ownedBy = std::string(row[8].c_str()) + "." + row[9].c_str();
    model.sequences.push_back(std::move(s));
  }

  detail::decodeUserTypes(r.userTypes, model);
  for (const auto& row : r.unmanaged) model.unmanaged.push_back({row[0].c_str(), row[1].c_str()});
  decodePartitions(r.partitions, model, byName);
  decodePolicies(r.policies, model, byName);
  detail::decodeFunctions(r.functions, model);
  decodeGrants(r.grants, model, byName);
  decodeTriggers(r.triggers, schemaName, model, byName);
  decodeDefaultPrivileges(r.defaultPrivileges, model);
}

// A view's options from its reloptions ("security_barrier=true", "check_option=local").
void decodeViewOptions(const nlohmann::json& options, schema::View& v) {
  if (!options.is_array()) return;
  for (const auto& item : options) {
    const std::string option = item.get<std::string>();
    const auto eq = option.find('=');
    const std::string key = option.substr(0, eq);
    const std::string value = eq == std::string::npos ? "true" : option.substr(eq + 1);
    const bool on = value == "true" || value == "on" || value == "yes" || value == "1";
    if (key == "security_barrier") v.securityBarrier = on;
    if (key == "security_invoker") v.securityInvoker = on;
    if (key == "check_option")
      v.checkOption = value == "local" ? schema::CheckOption::Local : value == "cascaded" ? schema::CheckOption::Cascaded
                                                                                          : schema::CheckOption::None;
  }
}

void decodeViews(const pqxx::result& views, schema::Model& model) {
  auto json = [](const pqxx::field& f) { return f.is_null() ? nlohmann::json() : nlohmann::json::parse(f.c_str()); };
  for (const auto& row : views) {
    schema::View v;
    v.name = row[0].c_str();
    v.materialized = isTrue(row[1]);
    v.query = detail::viewQueryText(row[2]);
    decodeViewOptions(json(row[3]), v);
    v.comment = optional(row[4]);
    detail::decodeViewColumns(row[5], v);
    detail::decodeViewReads(row[6], v);
    for (const auto& ix : json(row[7])) {
      schema::Index index;
      index.name = ix[0].get<std::string>();
      index.method = ix[1].get<std::string>();
      index.unique = ix[2].get<bool>();
      index.valid = ix[3].get<bool>();
      for (const auto& k : ix[4]) index.keys.push_back({k[0].get<std::string>(), k[1].get<std::string>()});
      if (!ix[5].is_null()) index.where = ix[5].get<std::string>();
      v.indexes.push_back(std::move(index));
    }
    model.views.push_back(std::move(v));
  }
}

// (2) to (7) on a second connection, in the snapshot the first exported, while the first reads
// (1): on a large schema the server computes both halves at once, on two of its cores. Empty
// when the helper could not be had (no connection, the import refused): the caller reads them
// itself. Cancelled by an empty snapshot id.
std::optional<OtherResults> readOthersBeside(const ConnectionFactory& open, std::future<std::string> snapshot,
                                             const std::string& schemaName, bool indexDefinitions) {
  try {
    std::unique_ptr<pqxx::connection> helper = open();
    const std::string id = snapshot.get();
    if (!helper || id.empty()) return std::nullopt;
    pqxx::nontransaction tx(*helper, "inspect-beside");
    // One message: the transaction, the snapshot (SET TRANSACTION SNAPSHOT must come first in
    // it), the session's search_path, which the printed expressions depend on, and JIT off as
    // useSchema turns it off.
    tx.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT " + tx.quote(id) +
            "; SELECT pg_catalog.set_config('search_path', " + tx.quote(searchPathFor(schemaName)) +
            ", true), pg_catalog.set_config('jit', 'off', true)");
    auto out = readBatch(tx, schemaName, /*withColumns=*/false, indexDefinitions).second;
    tx.exec("COMMIT");
    return out;
  } catch (const std::exception&) {
    return std::nullopt;  // the helper connection is dropped with whatever it held
  }
}

}  // namespace

core::Result<schema::Model> inspect(pqxx::connection& conn, const std::string& schemaName,
                                    bool indexDefinitions, const ConnectionFactory& openHelper) {
  schema::Model model;
  model.schema = schemaName;
  model.serverVersion = conn.server_version();
  std::promise<std::string> snapshot;
  bool snapshotSent = false;
  std::future<std::optional<OtherResults>> beside;
  if (openHelper)
    beside = std::async(std::launch::async, readOthersBeside, std::cref(openHelper), snapshot.get_future(),
                        std::cref(schemaName), indexDefinitions);
  // However this ends, the helper is released from its wait and joined before returning.
  struct Release {
    std::promise<std::string>& snapshot;
    bool& sent;
    std::future<std::optional<OtherResults>>& beside;
    ~Release() {
      if (!sent && beside.valid()) snapshot.set_value("");
      if (beside.valid()) beside.wait();
    }
  } release{snapshot, snapshotSent, beside};

  try {
    // One snapshot for all seven queries, so that a concurrent migration cannot be half seen. On
    // one connection the seven go as one message (BEGIN, the batch, COMMIT: three round trips); a
    // batch has no parameters, so the schema name is a quoted literal (PQescapeLiteral) in the
    // text. With a helper, this connection exports its snapshot and reads (1) while the helper
    // reads the rest in the same snapshot.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn, "inspect");
    std::unordered_map<std::string, TableRef> byName;
    std::optional<OtherResults> others;
    if (beside.valid()) {
      snapshot.set_value(tx.exec("SELECT pg_catalog.pg_export_snapshot()")[0][0].c_str());
      snapshotSent = true;
      const pqxx::result columns = tx.exec(withSchema(kColumnsQuery, tx.quote(schemaName)));
      decodeColumns(columns, model, byName);
      others = beside.get();
      if (!others) {
        others = readBatch(tx, schemaName, /*withColumns=*/false, indexDefinitions).second;
      }
    } else {
      auto [columns, rest] = readBatch(tx, schemaName, /*withColumns=*/true, indexDefinitions);
      decodeColumns(columns, model, byName);
      others = std::move(rest);
    }
    tx.commit();
    decodeOthers(*others, schemaName, model, byName);
    decodeViews(others->views, model);
    decodeGrants(others->grants, model, byName);  // the views' too
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
