#pragma once
// The schema as plain data. The same types describe what a resource declares (desired) and what
// the catalog holds (live); the comments say where the two differ. No I/O, no library types.
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

  bool operator==(const Column&) const = default;
};

struct PrimaryKey {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<std::string> columns;
  bool operator==(const PrimaryKey&) const = default;
};

struct Unique {
  std::string name;  // desired: may be empty (matched by definition)
  std::vector<std::string> columns;
  std::string field;  // desired only
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
  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name;  // desired: may be empty (matched by definition)
  // Desired: as written ("total_cents >= 0"). Live: pg_get_expr(conbin, conrelid, true).
  std::string expression;
  bool validated = true;  // live: convalidated
  std::string field;      // desired only
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
  bool operator==(const Sequence&) const = default;
};

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
  bool operator==(const Model&) const = default;
};

const char* toSql(FkAction a);            // "NO ACTION", "CASCADE", ...
const char* toSpelling(FkAction a);       // "no action", "cascade", ... as the API spells them
const char* toSpelling(Identity i);       // "", "always", "by-default"

}  // namespace schema
