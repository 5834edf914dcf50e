#pragma once
// What export needs to know of a schema beyond schema::Model: the objects a resource cannot
// express, the facts that decide whether a name was Postgres's own, and the rows of --seed
// tables. Plain data, filled by pg::readExportFacts and read by exporting::exportSchema.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace exporting {

// What a resource cannot say, and so what export must leave out rather than write wrong.
enum class Scope {
  Object,     // an object of a kind the resource has no field for (a view, a function): listed only
  TablePart,  // a constraint or index of `table` named `name`: left out of the table, listed
  Table,      // the table itself (partitioned, inherits, a generated column...): put under `ignore`
};

struct Unexpressible {
  Scope scope = Scope::Object;
  std::string kind;    // "view", "function", "index", "table"...
  std::string table;   // TablePart and Table
  std::string name;    // the object's name (for a Table: the table's)
  std::string reason;  // why it cannot be written, e.g. "a key is an expression"
  bool operator<(const Unexpressible& o) const {
    return std::tie(kind, table, name, reason) < std::tie(o.kind, o.table, o.name, o.reason);
  }
  bool operator==(const Unexpressible&) const = default;
};

// A table's rows for `--seed`: values as Postgres prints them, nullopt for NULL, ordered by the
// primary key.
struct SeedTable {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Catalog facts beyond schema::Model.
struct CatalogExtras {
  std::vector<Unexpressible> unexpressible;
  // (table, check constraint) -> the one column its expression names (Postgres then puts that
  // column in the generated name); absent when it names none or several.
  std::map<std::pair<std::string, std::string>, std::string> checkColumn;
  std::set<std::string> relationNames;    // every relation of the schema (tables, indexes, sequences, views...)
  std::set<std::string> constraintNames;  // every constraint of the schema
  // Sequences of the schema that no identity column owns; one that the model does not carry is
  // listed as left out.
  std::set<std::string> sequenceNames;
  std::vector<SeedTable> seeds;  // in the order --seed named them
};

}  // namespace exporting
