#pragma once
// The schema as plain data. The same types describe what a resource declares (desired) and what
// the catalog holds (live); the comments say where the two differ. No I/O, no library types.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "schema/unmanaged.hpp"

namespace schema {

enum class Identity { None, Always, ByDefault };
enum class FkAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

struct Column {
  std::string name;
  // Desired: as written ("varchar(320)", "order_status"). Live: format_type(atttypid, atttypmod).
  std::string type;
  bool nullable = true;
  std::optional<std::string> defaultExpr;  // live: pg_get_expr(adbin, adrelid)
  Identity identity = Identity::None;
  // Desired: nullopt means "not managed" (a live comment is left alone). Live: the comment or nullopt.
  std::optional<std::string> comment;
  std::vector<std::string> renamedFrom;  // desired only
  // Live only: when the column's type is an enum of the managed schema, its raw name. Lets an
  // enum-typed column be compared by name without guessing how format_type quotes it.
  std::optional<std::string> enumType;
  // Live only: the sequence of this schema the column owns when its default is its nextval (a
  // serial column), by raw name. Declaring `identity` on such a column converts it in place.
  std::optional<std::string> ownedSequence;
  std::string field;  // desired only: where it was declared, e.g. "spec.tables[1].columns[2]"
  // COLLATE: nullopt is the type's default collation (declared or live), so it is never drift.
  // Live: pg_collation.collname when it differs from the type's.
  std::optional<std::string> collation;
  // GENERATED ALWAYS AS (expr) STORED. Desired: as written. Live: pg_get_expr of the generation
  // expression (such a column has no default).
  std::optional<std::string> generated;

  bool operator==(const Column&) const = default;
};

struct PrimaryKey {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<std::string> columns;
  bool operator==(const PrimaryKey&) const = default;
};

// DEFERRABLE [INITIALLY DEFERRED] of a unique key or foreign key.
enum class Deferrable { No, InitiallyImmediate, InitiallyDeferred };

struct Unique {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<std::string> columns;
  std::string field;  // desired only
  Deferrable deferrable = Deferrable::No;
  bool nullsNotDistinct = false;  // NULLS NOT DISTINCT (PostgreSQL 15+): two NULL keys collide
  bool operator==(const Unique&) const = default;
};

struct ForeignKey {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<std::string> columns;
  std::string refTable;  // always in the same schema
  std::vector<std::string> refColumns;
  FkAction onDelete = FkAction::NoAction;
  FkAction onUpdate = FkAction::NoAction;
  bool validated = true;  // live: convalidated (false after an interrupted NOT VALID + VALIDATE)
  std::string field;      // desired only
  Deferrable deferrable = Deferrable::No;
  bool matchFull = false;  // MATCH FULL (false: MATCH SIMPLE, Postgres' default)
  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name;  // desired: may be empty (matched by definition)
  // Desired: as written ("total_cents >= 0"). Live: pg_get_expr(conbin, conrelid, true).
  std::string expression;
  bool validated = true;  // live: convalidated
  std::string field;      // desired only
  bool noInherit = false;  // NO INHERIT
  bool operator==(const Check&) const = default;
};

// Storage or operator class parameters ("fillfactor" -> "90"), sorted by name; values are text
// as Postgres stores them in reloptions/attoptions.
using Parameters = std::vector<std::pair<std::string, std::string>>;

// One key of an index: a column, or an expression (desired: as written, then as Postgres printed
// it; live: pg_get_indexdef(oid, k, true)).
struct IndexKey {
  std::string column;
  std::string expression;
  bool descending = false;
  // Desired: `nulls` as written, else the order's default (NULLS FIRST for DESC), so that the
  // defaults are never drift. Live: indoption.
  bool nullsFirst = false;
  // Empty for the default operator class of the key's type and method. Desired: as written, then
  // empty when Postgres says it is that default; live: the name only when it is not the default.
  std::string opclass;
  Parameters opclassParameters;  // live: the index attribute's attoptions
  // Empty for the column's own collation (column keys only). Live: the name when it differs.
  std::string collation;
  std::string field;  // desired only: "spec.tables[0].indexes[1].keys[0]" (empty for `columns`)
  bool operator==(const IndexKey&) const = default;
};

struct Index {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<IndexKey> keys;
  std::optional<std::string> where;  // live: pg_get_expr(indpred, indrelid, true)
  std::string method = "btree";
  bool unique = false;
  bool valid = true;       // live: indisvalid (false after a failed CREATE INDEX CONCURRENTLY)
  std::string definition;  // live only: pg_get_indexdef, for messages
  std::string field;       // desired only
  std::vector<std::string> include;  // INCLUDE columns (stored, not keys)
  bool nullsNotDistinct = false;     // NULLS NOT DISTINCT (PostgreSQL 15+, unique indexes)
  Parameters with;                   // storage parameters; live: reloptions
  bool operator==(const Index&) const = default;
};

// One element of an exclusion constraint: a column or an expression, compared WITH an operator.
struct ExclusionElement {
  std::string column;
  std::string expression;  // desired: as written; live: pg_get_indexdef(index, k, true)
  std::string opclass;     // empty: the type's default operator class
  bool descending = false;
  std::string op;          // "=", "&&"
  bool operator==(const ExclusionElement&) const = default;
};

// EXCLUDE USING method (elements) [WHERE (predicate)].
struct Exclusion {
  std::string name;
  std::string method = "gist";
  std::vector<ExclusionElement> elements;
  std::optional<std::string> where;  // live: pg_get_expr(indpred, indrelid, true)
  // Live: pg_get_constraintdef. Desired: the same text as Postgres printed it for the declaration
  // (pg::canonicalize, or the live text when the parts are cheaply the same); what render uses.
  std::string definition;
  std::string field;  // desired only
  bool operator==(const Exclusion&) const = default;
};

// How a partitioned table splits its rows (contract Part 2, `partitionBy`).
struct PartitionBy {
  std::string strategy;                  // range | list | hash, as the API spells them
  std::vector<std::string> columns;      // plain column keys, or
  std::vector<std::string> expressions;  // expression keys (live: split from `definition`)
  // Postgres's text for the key, pg_get_partkeydef ("RANGE (created_at)"). Desired: filled from
  // the server's answer (schema/partition.hpp); the only form diff compares and render uses.
  std::string definition;
  std::string field;  // desired only: "spec.tables[3].partitionBy"
  bool operator==(const PartitionBy&) const = default;
};

// The parent and bounds of a partition (contract Part 2, `partitionOf`).
struct PartitionOf {
  std::string table;  // the parent, in the same schema (live: qualified when it is not)
  // "FOR VALUES ..." or "DEFAULT". Desired: as written until the server's answer replaces it;
  // live: pg_get_expr(relpartbound, oid).
  std::string bounds;
  std::string field;  // desired only: "spec.tables[4].partitionOf"
  bool operator==(const PartitionOf&) const = default;
};

// Privileges a role holds (contract Part 2, Access): on the whole object, or, with `columns`, on
// those columns of a table. Privileges upper-case as GRANT writes them, sorted; columns sorted;
// "public" for PUBLIC. The owner's own privileges are never part of it.
struct Grant {
  std::string role;
  std::vector<std::string> privileges;
  std::vector<std::string> columns;
  std::string field;  // desired only
  bool operator==(const Grant&) const = default;
};

// Default privileges in the schema (contract Part 2, Access): what objects of one kind that
// `forRole` creates in the schema grant to `role` from the start. `objects` is tables,
// sequences, functions or types; privileges and role as in Grant. `forRole` empty (desired only):
// the role the operator connects as (Model::sessionRole of the live model).
struct DefaultPrivilege {
  std::string forRole;
  std::string objects;
  std::string role;
  std::vector<std::string> privileges;
  std::string field;  // desired only: "spec.defaultPrivileges[0]"
  bool operator==(const DefaultPrivilege&) const = default;
};

// A row-level security policy (contract Part 2, Access). `usingExpr` and `withCheck` as
// pg_get_expr prints them (desired: the author's text until Postgres has answered). `roles`
// sorted, "public" for PUBLIC (what an empty TO means).
struct RowPolicy {
  std::string name;
  std::string command = "all";  // all | select | insert | update | delete
  bool permissive = true;
  std::vector<std::string> roles{"public"};
  std::optional<std::string> usingExpr;
  std::optional<std::string> withCheck;
  std::string field;  // desired only: "spec.tables[0].policies[1]"
  bool operator==(const RowPolicy&) const = default;
};

// A trigger on a table (contract Part 2, Code objects). Events in the order insert, update,
// delete, truncate; `updateOf` sorted (the order of UPDATE OF columns means nothing). `when` as
// pg_get_triggerdef prints it (desired: the author's text until Postgres has answered,
// schema/trigger.hpp). The function is one without arguments: `functionSchema` empty for the
// managed schema. `firing` is pg_trigger.tgenabled: 'O' fires, 'D' is disabled, 'R' and 'A' fire
// in replica (or always) mode; only O against D is managed (`enabled` is tgenabled <> 'D').
struct Trigger {
  std::string name;
  std::string timing = "before";  // before | after | instead-of
  std::vector<std::string> events;
  std::vector<std::string> updateOf;
  std::string forEach = "statement";  // row | statement
  std::optional<std::string> when;
  std::string functionSchema;
  std::string function;
  std::vector<std::string> arguments;
  bool enabled = true;
  char firing = 'O';
  // Live only: what the declaration cannot say ("transition tables"), so it never matches one.
  std::string inexpressible;
  // Live only: the table's columns it depends on (pg_depend: its WHEN and UPDATE OF), whose type
  // Postgres will not change under it.
  std::vector<std::string> columnsUsed;
  std::string field;  // desired only: "spec.tables[0].triggers[1]"
  bool operator==(const Trigger&) const = default;
};

// ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY. `forced` applies the policies to the
// table's owner too.
struct RowSecurity {
  bool enabled = false;
  bool forced = false;
  bool operator==(const RowSecurity&) const = default;
};

struct Table {
  std::string name;
  std::optional<std::string> comment;  // as for Column::comment
  std::vector<Column> columns;
  std::optional<PrimaryKey> primaryKey;
  std::vector<Unique> uniques;
  std::vector<ForeignKey> foreignKeys;
  std::vector<Check> checks;
  std::vector<Index> indexes;  // live: only indexes that no constraint owns
  std::vector<std::string> renamedFrom;  // desired only
  std::string field;                     // desired only, e.g. "spec.tables[3]"
  bool unlogged = false;                 // UNLOGGED: not written to the WAL, emptied after a crash
  // Row-level security (contract Part 2, Access). Desired: managed only when declared; live: always.
  std::optional<RowSecurity> rowLevelSecurity;
  std::vector<RowPolicy> policies;  // contract Part 2, Access
  std::vector<Trigger> triggers;    // contract Part 2, Code objects
  // Desired: managed only when declared (`grants: []` is "no role but the owner"); live: always.
  std::optional<std::vector<Grant>> grants;
  std::vector<Exclusion> exclusions;
  std::optional<PartitionBy> partitionBy;  // a partitioned table
  // A partition. Desired: its columns are its parent's (the reader copies them, for questions
  // about its checks); they are never compared, nor are keys the parent gave it.
  std::optional<PartitionOf> partitionOf;

  const Column* column(const std::string& n) const {
    for (const auto& c : columns)
      if (c.name == n) return &c;
    return nullptr;
  }
  bool operator==(const Table&) const = default;
};

struct Enum {
  std::string name;
  std::vector<std::string> values;  // in sort order
  std::string field;                // desired only
  bool operator==(const Enum&) const = default;
};

// A sequence of the schema that no identity column owns: standalone, or owned by a column through
// `ownedBy` (what `serial` makes). Desired: an option left nullopt means Postgres's default for the
// type and direction (CREATE SEQUENCE's), so it is not compared. Live: every option is set.
struct Sequence {
  std::string name;
  std::string type = "bigint";  // smallint | integer | bigint
  std::optional<long long> start;
  std::optional<long long> increment;
  std::optional<long long> minValue;
  std::optional<long long> maxValue;
  std::optional<long long> cache;
  bool cycle = false;
  // "table.column" of this schema, or empty for none (desired: empty and unset are the same).
  std::string ownedBy;
  std::string field;  // desired only: "spec.sequences[0]"
  // Privileges on the sequence (USAGE, SELECT, UPDATE): as Table::grants.
  std::optional<std::vector<Grant>> grants;
  bool operator==(const Sequence&) const = default;
};

// A domain of the schema: a base type with a default, NOT NULL, a collation and named checks.
// Desired: type, default and check expressions as written (canonicalModel swaps in Postgres'
// text). Live: format_type(typbasetype, typtypmod), pg_get_expr of the default and of each check.
struct Domain {
  std::string name;
  std::string type;
  bool nullable = true;
  std::optional<std::string> defaultExpr;
  // Set only when it is not the base type's own: live, the collation's raw name.
  std::optional<std::string> collation;
  std::vector<Check> checks;  // every one named (the spec requires names)
  std::string field;          // desired only: "spec.domains[0]"
  bool operator==(const Domain&) const = default;
};

// One attribute of a composite type. `type` as for Column::type; `collation` as for Domain.
struct TypeAttribute {
  std::string name;
  std::string type;
  std::optional<std::string> collation;
  std::string field;  // desired only
  bool operator==(const TypeAttribute&) const = default;
};

// CREATE TYPE name AS (attributes): a composite type of the schema (not a table's row type).
struct CompositeType {
  std::string name;
  std::vector<TypeAttribute> attributes;  // live: in attnum order
  std::string field;                      // desired only: "spec.compositeTypes[0]"
  bool operator==(const CompositeType&) const = default;
};

// A view or materialized view of the schema (contract Part 2, "Code objects").
enum class CheckOption { None, Local, Cascaded };

// One output column of a view: its name and format_type.
struct ViewColumn {
  std::string name;
  std::string type;
  bool operator==(const ViewColumn&) const = default;
};

// What a view reads, from pg_depend of its rewrite rule: a relation of the schema (table or view)
// and one of its columns, or "" when the relation is read as a whole.
struct ViewRead {
  std::string relation;
  std::string column;
  bool operator==(const ViewRead&) const = default;
  bool operator<(const ViewRead& o) const {
    return relation != o.relation ? relation < o.relation : column < o.column;
  }
};

struct View {
  std::string name;
  // Desired: as written, until canonicalViews() puts Postgres' own text in its place (the
  // pg_get_viewdef of a scratch view made of it). Live: pg_get_viewdef(oid, true). Both without
  // the trailing semicolon Postgres prints.
  std::string query;
  bool materialized = false;
  bool securityBarrier = false;
  bool securityInvoker = false;  // Postgres 15 and later
  CheckOption checkOption = CheckOption::None;
  std::optional<std::string> comment;  // as Table::comment
  std::vector<Index> indexes;          // materialized views only
  // Output columns and what the view reads: live from the catalog; desired from the scratch view
  // (empty until canonicalised).
  std::vector<ViewColumn> columns;
  std::vector<ViewRead> reads;
  std::string field;  // desired only: "spec.views[0]"
  // Privileges on the view: as Table::grants (a view made again by the plan has none until the
  // plan grants them again).
  std::optional<std::vector<Grant>> grants;
  bool operator==(const View&) const = default;
};

// A function or procedure of the schema (contract Part 2, "Code objects"), identified by its name
// and argument types (overloads are distinct objects). Desired texts are the author's until
// Postgres has answered for them (schema/function.hpp): then, like live ones, they are what
// Postgres prints (pg_get_function_arguments, pg_get_function_result, proconfig), never the
// author's spelling. The body is kept byte for byte: Postgres stores it as given (prosrc).
struct FunctionSetting {
  std::string name;   // a configuration parameter, lower case
  std::string value;  // as proconfig holds it after "name="
  bool operator==(const FunctionSetting&) const = default;
};

// Live only: an object that depends on a function (pg_depend), as the plan must treat it when the
// function is dropped: a view, trigger, policy or column default can be made again around it,
// anything else stands in the way.
struct FunctionDependent {
  enum class Kind { View, Trigger, Policy, Default, Other };
  Kind kind = Kind::Other;
  std::string table;        // a trigger's, policy's or default's table; a view's name
  std::string name;         // the trigger's or policy's name, the default's column; empty for a view
  std::string description;  // pg_describe_object: "trigger orders_touch on table orders"
  bool operator==(const FunctionDependent&) const = default;
};

struct Function {
  std::string name;
  bool procedure = false;         // CREATE PROCEDURE (no result, volatility, strictness or parallel)
  std::string arguments;          // as in CREATE FUNCTION: names, modes, types and defaults
  std::string argumentTypes;      // the identity: oidvectortypes(proargtypes), e.g. "bigint, text"
  std::string returns;            // functions only: "trigger", "SETOF orders", "TABLE(id bigint)"
  std::string language;           // lanname
  std::string body;               // prosrc
  std::string volatility = "volatile";  // volatile | stable | immutable
  bool strict = false;
  bool securityDefiner = false;
  std::string parallel = "unsafe";      // unsafe | restricted | safe
  std::vector<FunctionSetting> settings;  // SET clauses, sorted by name
  std::optional<std::string> comment;     // as Table::comment
  // EXECUTE by role, as Table::grants. Live: always, Postgres's default (PUBLIC may execute) when
  // the function has no ACL of its own.
  std::optional<std::vector<Grant>> grants;
  std::vector<FunctionDependent> dependents;  // live only
  // Desired only: the relations of the schema whose row type the signature uses (from the answer's
  // pg_depend): a function over a table the plan creates is made after that table.
  std::vector<std::string> rowTypes;
  // Desired only: its language is not in the database (nor made by the plan's extensions), so
  // Postgres was not asked about it and its change is blocked.
  bool missingLanguage = false;
  std::string field;  // desired only: "spec.functions[0]"

  // "touch_updated_at(bigint,text)": how the contract names it.
  std::string signature() const;
  bool operator==(const Function&) const = default;
};

// "add_cents(bigint,bigint)": a routine as the contract names it, from its name and
// oidvectortypes ("bigint, bigint").
std::string routineSignature(const std::string& name, const std::string& argumentTypes);

// The item of `items` (tables' triggers, policies, ...) called `name`, or nullptr.
template <class T>
const T* findNamed(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}

// A row that must exist. Values are text (rendered as literals Postgres casts to the column
// type); nullopt is SQL NULL. `key` names the columns that identify the row: the table's primary
// key when it has one, else every given column.
struct SeedRow {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::optional<std::string>> values;
  std::vector<std::string> key;
  std::string field;  // "spec.seed[0].rows[1]"

  // "customers[id=1]" or "settings[key=theme,scope=global]"
  std::string object() const;
  bool operator==(const SeedRow&) const = default;
};

struct Model {
  std::string schema = "public";
  std::vector<std::string> extensions;  // live: every extension of the database (they are database-wide)
  std::vector<Enum> enums;
  std::vector<Sequence> sequences;
  std::vector<Table> tables;
  std::vector<SeedRow> seeds;  // desired only
  // Live only: the server's server_version_num (0: unknown). What a change may use depends on it
  // (ALTER COLUMN ... SET EXPRESSION is Postgres 17's).
  int serverVersion = 0;
  std::vector<Domain> domains;
  std::vector<CompositeType> compositeTypes;
  // Live only: the schema's objects of kinds the resource does not manage (schema/unmanaged.hpp),
  // by kind then name.
  std::vector<UnmanagedObject> unmanaged;
  std::vector<View> views;     // in declared order (live: by name)
  // Grants on the schema itself: as Table::grants.
  std::optional<std::vector<Grant>> schemaGrants;
  std::vector<Function> functions;  // in declared order (live: by name and argument types)
  // ALTER DEFAULT PRIVILEGES ... IN SCHEMA (contract Part 2, Access). Desired: managed only when
  // declared (`[]`: none in this schema); live: always, one entry per (forRole, objects, role).
  std::optional<std::vector<DefaultPrivilege>> defaultPrivileges;
  // Live only: current_user of the session that read the catalog, the role a declared default
  // privilege without forRole is for (the operator creates objects as that role).
  std::string sessionRole;

  const Table* table(const std::string& n) const {
    for (const auto& t : tables)
      if (t.name == n) return &t;
    return nullptr;
  }
  const Enum* enumType(const std::string& n) const {
    for (const auto& e : enums)
      if (e.name == n) return &e;
    return nullptr;
  }
  const View* view(const std::string& n) const {
    for (const auto& v : views)
      if (v.name == n) return &v;
    return nullptr;
  }
  bool operator==(const Model&) const = default;
};

const char* toSql(FkAction a);            // "NO ACTION", "CASCADE", ...
const char* toSpelling(FkAction a);       // "no action", "cascade", ... as the API spells them
const char* toSpelling(Identity i);       // "", "always", "by-default"
const char* toSpelling(Deferrable d);     // "false", "initially-immediate", "initially-deferred"
// "" or " DEFERRABLE INITIALLY IMMEDIATE" / " DEFERRABLE INITIALLY DEFERRED"
std::string deferrableSql(Deferrable d);

}  // namespace schema
