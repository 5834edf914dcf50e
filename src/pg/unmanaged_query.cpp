#include "pg/unmanaged_query.hpp"

namespace pg {

namespace {

// Where one kind of object is found. Each piece yields (kind, name) and may use the CTEs of
// kCommon: `ns` (the schema's oid), `rels`, `procs` and `types` (the schema's relations of the
// kinds a trigger, policy or rule can hang on, routines and types). The CTEs are materialized once
// and only when a piece reads them, so each catalog is scanned at most once however many kinds
// look at it.
//
// Every piece leaves out an object that is part of another (notPart): pg_depend deptype 'e', an
// extension's member, or 'i', what Postgres makes with an object and drops with it (a range
// type's constructors and multirange, a composite type's relation). It is asked last, of the few
// candidates a piece's own filter leaves, through pg_depend's index: at 1,000 tables a hashed
// scan of the whole of pg_depend was about a third of the query's time.
struct Piece {
  std::string_view kind;
  std::string sql;
};

const char* const kCommon =
    "WITH ns AS MATERIALIZED (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1),"
    " rels AS MATERIALIZED (SELECT c.oid, c.relname, c.relkind, c.relispartition, c.reltype FROM pg_catalog.pg_class c"
    "   WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')),"
    " procs AS MATERIALIZED (SELECT p.oid, p.proname, p.prokind, p.proargtypes,"
    "   p.prolang IN (SELECT oid FROM pg_catalog.pg_language WHERE lanname IN ('c', 'internal'))"
    "     OR p.prosqlbody IS NOT NULL AS undeclarable"
    "   FROM pg_catalog.pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)),"
    " types AS MATERIALIZED (SELECT t.oid, t.typname, t.typtype, t.typarray FROM pg_catalog.pg_type t"
    "   WHERE t.typnamespace = (SELECT oid FROM ns))";

// " AND NOT (part of another object)" for the row `oid` of `catalog` (a column's own
// dependencies, objsubid <> 0, are not its table's).
std::string notPart(const std::string& catalog, const std::string& oid) {
  return " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend m WHERE m.classid = 'pg_catalog." + catalog +
         "'::pg_catalog.regclass AND m.objid = " + oid + " AND m.objsubid = 0 AND m.deptype IN ('e', 'i'))";
}

std::string relations(const std::string& condition) {
  return "SELECT r.relname::text FROM rels r WHERE " + condition + notPart("pg_class", "r.oid");
}

// "name(type,type)": how the contract names a routine.
std::string routines(const std::string& condition) {
  return "SELECT p.proname || '(' || pg_catalog.replace(pg_catalog.oidvectortypes(p.proargtypes), ', ', ',') || ')'"
         " FROM procs p WHERE " + condition + notPart("pg_proc", "p.oid");
}

// What hangs on a relation of the schema, named "relation.object"; an extension's relation
// takes what hangs on it along.
std::string onRelation(const std::string& catalog, const std::string& alias, const std::string& relid,
                       const std::string& name, const std::string& condition) {
  return "SELECT r.relname || '.' || " + alias + "." + name + " FROM pg_catalog." + catalog + " " + alias +
         " JOIN rels r ON r.oid = " + alias + "." + relid + " WHERE " + condition +
         notPart(catalog, alias + ".oid") + notPart("pg_class", "r.oid");
}

std::string types(const std::string& condition) {
  return "SELECT t.typname::text FROM types t WHERE " + condition + notPart("pg_type", "t.oid");
}

// Objects with a namespace column of their own.
std::string inSchema(const std::string& catalog, const std::string& alias, const std::string& nameColumn,
                     const std::string& namespaceColumn) {
  return "SELECT " + alias + "." + nameColumn + "::text FROM pg_catalog." + catalog + " " + alias + " WHERE " + alias +
         "." + namespaceColumn + " = (SELECT oid FROM ns)" + notPart(catalog, alias + ".oid");
}

// Operator classes and families: "name USING method", as DROP names them.
std::string withMethod(const std::string& catalog, const std::string& alias, const std::string& prefix) {
  return "SELECT " + alias + "." + prefix + "name || ' USING ' || am.amname FROM pg_catalog." + catalog + " " + alias +
         " JOIN pg_catalog.pg_am am ON am.oid = " + alias + "." + prefix + "method WHERE " + alias + "." + prefix +
         "namespace = (SELECT oid FROM ns)" + notPart(catalog, alias + ".oid");
}

std::vector<Piece> pieces(int serverVersion) {
  // FOR TABLES IN SCHEMA (pg_publication_namespace) came with 15.
  const std::string schemaPublished =
      serverVersion < 150000 ? ""
                             : " OR EXISTS (SELECT FROM pg_catalog.pg_publication_namespace pn"
                               " WHERE pn.pnpubid = pu.oid AND pn.pnnspid = (SELECT oid FROM ns))";
  return {
      {"View", relations("r.relkind = 'v'")},
      {"MaterializedView", relations("r.relkind = 'm'")},
      {"ForeignTable", relations("r.relkind = 'f'")},
      // A partition's parent is a table; the partition itself is not declared by any field yet.
      {"Partition", relations("r.relkind IN ('r', 'p') AND r.relispartition")},
      // Not a relation's row type; a composite type's own relation is a part of it.
      {"CompositeType", types("t.typtype = 'c' AND t.oid NOT IN (SELECT reltype FROM rels)")},
      {"Domain", types("t.typtype = 'd'")},
      {"RangeType", types("t.typtype = 'r'")},
      // Base types made with CREATE TYPE ... (INPUT = ...), not the array type Postgres makes beside
      // every type (in the same schema).
      {"BaseType", types("t.typtype = 'b' AND t.oid NOT IN (SELECT typarray FROM types)")},
      // CREATE TYPE name; with nothing else: a placeholder until its functions exist.
      {"ShellType", types("t.typtype = 'p'")},
      // spec.functions declares functions and procedures written in a language as text; window
      // functions, C and internal ones, and SQL-standard bodies (BEGIN ATOMIC) it cannot.
      {"Function", routines("p.prokind = 'w' OR (p.prokind = 'f' AND p.undeclarable)")},
      {"Procedure", routines("p.prokind = 'p' AND p.undeclarable")},
      {"Aggregate", routines("p.prokind = 'a'")},
      // Not internal (foreign keys' own triggers) and not cloned onto a partition from its parent's.
      // A table's plain triggers are declared (tables[].triggers); a constraint trigger, and any
      // trigger of a view or a foreign table, has no field.
      {"Trigger", onRelation("pg_trigger", "tg", "tgrelid", "tgname",
                             "NOT tg.tgisinternal AND tg.tgparentid = 0 AND tg.tgconstraint = 0 AND r.relkind IN ('r', 'p')")},
      {"ConstraintTrigger", onRelation("pg_trigger", "tg", "tgrelid", "tgname",
                                       "NOT tg.tgisinternal AND tg.tgparentid = 0 AND tg.tgconstraint <> 0")},
      {"ViewTrigger", onRelation("pg_trigger", "tg", "tgrelid", "tgname",
                                 "NOT tg.tgisinternal AND tg.tgconstraint = 0 AND r.relkind IN ('v', 'm')")},
      {"ForeignTableTrigger", onRelation("pg_trigger", "tg", "tgrelid", "tgname",
                                         "NOT tg.tgisinternal AND tg.tgconstraint = 0 AND r.relkind = 'f'")},
      {"Policy", onRelation("pg_policy", "po", "polrelid", "polname", "true")},
      // A view's own rule (_RETURN) is the view.
      {"Rule", onRelation("pg_rewrite", "ru", "ev_class", "rulename", "ru.rulename <> '_RETURN'")},
      {"Operator", "SELECT o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE'"
                   " ELSE pg_catalog.format_type(o.oprleft, NULL) END || ',' || CASE WHEN o.oprright = 0 THEN 'NONE'"
                   " ELSE pg_catalog.format_type(o.oprright, NULL) END || ')' FROM pg_catalog.pg_operator o"
                   " WHERE o.oprnamespace = (SELECT oid FROM ns)" + notPart("pg_operator", "o.oid")},
      {"OperatorClass", withMethod("pg_opclass", "oc", "opc")},
      {"OperatorFamily", withMethod("pg_opfamily", "ofa", "opf")},
      // Casts belong to no schema: those that convert from or to a type of the schema, or through
      // one of its functions, are the schema's.
      {"Cast", "SELECT '(' || pg_catalog.format_type(ca.castsource, NULL) || ' AS '"
               " || pg_catalog.format_type(ca.casttarget, NULL) || ')' FROM pg_catalog.pg_cast ca"
               " WHERE (ca.castsource IN (SELECT oid FROM types) OR ca.casttarget IN (SELECT oid FROM types)"
               " OR ca.castfunc IN (SELECT oid FROM procs))" + notPart("pg_cast", "ca.oid")},
      {"Collation", inSchema("pg_collation", "co", "collname", "collnamespace")},
      {"Conversion", inSchema("pg_conversion", "cv", "conname", "connamespace")},
      {"TextSearchParser", inSchema("pg_ts_parser", "tp", "prsname", "prsnamespace")},
      {"TextSearchTemplate", inSchema("pg_ts_template", "tt", "tmplname", "tmplnamespace")},
      {"TextSearchDictionary", inSchema("pg_ts_dict", "td", "dictname", "dictnamespace")},
      {"TextSearchConfiguration", inSchema("pg_ts_config", "tc", "cfgname", "cfgnamespace")},
      {"Statistics", inSchema("pg_statistic_ext", "st", "stxname", "stxnamespace")},
      // Publications that publish a table of the schema: by name, all tables, or the whole schema.
      {"Publication", "SELECT pu.pubname::text FROM pg_catalog.pg_publication pu WHERE (pu.puballtables"
                      " OR EXISTS (SELECT FROM pg_catalog.pg_publication_rel pr JOIN rels r ON r.oid = pr.prrelid"
                      " WHERE pr.prpubid = pu.oid)" + schemaPublished + ")" + notPart("pg_publication", "pu.oid")},
      // Event triggers, transforms, access methods and languages belong to no schema: those run by
      // a function of the schema (or, for a transform, for one of its types) are the schema's.
      {"EventTrigger", "SELECT ev.evtname::text FROM pg_catalog.pg_event_trigger ev"
                       " WHERE ev.evtfoid IN (SELECT oid FROM procs)" + notPart("pg_event_trigger", "ev.oid")},
      {"Transform", "SELECT 'FOR ' || pg_catalog.format_type(tr.trftype, NULL) || ' LANGUAGE ' || la.lanname"
                    " FROM pg_catalog.pg_transform tr JOIN pg_catalog.pg_language la ON la.oid = tr.trflang"
                    " WHERE (tr.trftype IN (SELECT oid FROM types) OR tr.trffromsql IN (SELECT oid FROM procs)"
                    " OR tr.trftosql IN (SELECT oid FROM procs))" + notPart("pg_transform", "tr.oid")},
      {"AccessMethod", "SELECT am.amname::text FROM pg_catalog.pg_am am WHERE am.amhandler IN (SELECT oid FROM procs)" +
                           notPart("pg_am", "am.oid")},
      {"Language", "SELECT la.lanname::text FROM pg_catalog.pg_language la WHERE (la.lanplcallfoid IN"
                   " (SELECT oid FROM procs) OR la.laninline IN (SELECT oid FROM procs)"
                   " OR la.lanvalidator IN (SELECT oid FROM procs))" + notPart("pg_language", "la.oid")},
      // ALTER DEFAULT PRIVILEGES ... IN SCHEMA: "role:tables", "role:functions", ...
      {"DefaultPrivileges", "SELECT pg_catalog.pg_get_userbyid(da.defaclrole) || ':' || CASE da.defaclobjtype"
                            " WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'"
                            " WHEN 'T' THEN 'types' ELSE 'schemas' END FROM pg_catalog.pg_default_acl da"
                            " WHERE da.defaclnamespace = (SELECT oid FROM ns)" +
                                notPart("pg_default_acl", "da.oid")},
  };
}

}  // namespace

std::string unmanagedObjectsQuery(int serverVersion, const ManagedKind& isManaged) {
  std::string unionAll;
  for (const auto& piece : pieces(serverVersion)) {
    if (isManaged(piece.kind)) continue;
    if (!unionAll.empty()) unionAll += " UNION ALL ";
    // The piece's one column under a fixed name, whatever expression made it.
    unionAll += "SELECT '" + std::string(piece.kind) + "'::text AS kind, n.name FROM (" + piece.sql + ") AS n(name)";
  }
  if (unionAll.empty()) return "SELECT NULL::text AS kind, NULL::text AS name WHERE false";
  return std::string(kCommon) + " SELECT u.kind, u.name FROM (" + unionAll +
         ") u ORDER BY u.kind COLLATE \"C\", u.name COLLATE \"C\"";
}

std::vector<std::string_view> listableKinds() {
  std::vector<std::string_view> out;
  for (const auto& piece : pieces(0)) out.push_back(piece.kind);
  return out;
}

}  // namespace pg
