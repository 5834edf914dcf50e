// Names that must be unique, in the namespaces Postgres keeps them in.
#include <map>

#include "spec/validate.hpp"

namespace spec::detail {

namespace {

// Names seen so far in one namespace, with where each was declared.
class Namespace {
 public:
  explicit Namespace(std::string what) : what_(std::move(what)) {}

  // Reports `path` when `name` was declared before; empty names (unnamed constraints) are skipped.
  void declare(const std::string& name, const std::string& path, Issues& issues) {
    if (name.empty()) return;
    auto [first, inserted] = seen_.emplace(name, path);
    if (!inserted) issues.report(path, "duplicate " + what_ + " \"" + name + "\" (first declared at " + first->second + ")");
  }
  const std::string* find(const std::string& name) const {
    auto it = seen_.find(name);
    return it == seen_.end() ? nullptr : &it->second;
  }

 private:
  std::string what_;
  std::map<std::string, std::string> seen_;
};

std::string at(const std::string& path, size_t i) { return indexPath(path, i); }

// Old names must be gone from the declaration, and each may be claimed by one object only.
void checkRenames(const std::vector<std::string>& renamedFrom, const std::string& path, const Namespace& declared,
                  Namespace& oldNames, const std::string& what, Issues& issues) {
  for (size_t i = 0; i < renamedFrom.size(); ++i) {
    const std::string entry = at(path + ".renamedFrom", i);
    if (const std::string* where = declared.find(renamedFrom[i]))
      issues.report(entry, "\"" + renamedFrom[i] + "\" is a " + what + " declared at " + *where +
                               "; renamedFrom names an old name that is no longer declared");
    oldNames.declare(renamedFrom[i], entry, issues);
  }
}

void checkColumns(const schema::Table& t, Issues& issues) {
  Namespace columns("column name");
  for (const auto& c : t.columns) columns.declare(c.name, c.field + ".name", issues);
  Namespace oldNames("renamedFrom name");
  for (const auto& c : t.columns) checkRenames(c.renamedFrom, c.field, columns, oldNames, "column", issues);
}

// Constraint names are per table (pg_constraint is unique on table and name).
void checkConstraintNames(const schema::Table& t, Issues& issues) {
  Namespace constraints("constraint name");
  for (const auto& u : t.uniques) constraints.declare(u.name, u.field + ".name", issues);
  for (const auto& fk : t.foreignKeys) constraints.declare(fk.name, fk.field + ".name", issues);
  for (const auto& c : t.checks) constraints.declare(c.name, c.field + ".name", issues);
}

}  // namespace

void checkNames(const DatabaseSchema& resource, Issues& issues) {
  const schema::Model& model = resource.model;

  Namespace extensions("extension");
  for (size_t i = 0; i < model.extensions.size(); ++i) extensions.declare(model.extensions[i], at("spec.extensions", i), issues);

  Namespace tables("table name");
  for (const auto& t : model.tables) tables.declare(t.name, t.field + ".name", issues);

  // Every table has a row type of its name, so an enum cannot share it.
  Namespace enums("enum name");
  for (const auto& e : model.enums) {
    enums.declare(e.name, e.field + ".name", issues);
    if (const std::string* table = tables.find(e.name))
      issues.report(e.field + ".name", "\"" + e.name + "\" is also the table declared at " + *table +
                                           "; Postgres gives each table a type of the same name");
    Namespace values("enum value");
    for (size_t i = 0; i < e.values.size(); ++i) values.declare(e.values[i], at(e.field + ".values", i), issues);
  }

  Namespace oldTables("renamedFrom name");
  for (const auto& t : model.tables) checkRenames(t.renamedFrom, t.field, tables, oldTables, "table", issues);

  for (const auto& t : model.tables) {
    checkColumns(t, issues);
    checkConstraintNames(t, issues);
  }

  // Indexes, and the indexes behind unique constraints, are relations of the schema: their names
  // clash with each other and with tables across the whole schema.
  Namespace relations("index or unique constraint name");
  for (const auto& t : model.tables) relations.declare(t.name, t.field + ".name", issues);
  for (const auto& t : model.tables) {
    for (const auto& u : t.uniques) {
      if (const std::string* table = tables.find(u.name))
        issues.report(u.field + ".name", "\"" + u.name + "\" is the name of the table declared at " + *table +
                                             "; a unique constraint's index shares the schema's namespace with tables");
      relations.declare(u.name, u.field + ".name", issues);
    }
    for (const auto& ix : t.indexes) {
      if (const std::string* table = tables.find(ix.name))
        issues.report(ix.field + ".name", "\"" + ix.name + "\" is the name of the table declared at " + *table +
                                              "; index names share the schema's namespace with tables");
      relations.declare(ix.name, ix.field + ".name", issues);
    }
  }

  for (size_t i = 0; i < resource.policy.ignore.size(); ++i) {
    const std::string& name = resource.policy.ignore[i];
    if (const std::string* table = tables.find(name))
      issues.report(at("spec.ignore", i), "\"" + name + "\" is declared at " + *table +
                                              "; a table cannot be both managed and ignored");
  }
}

}  // namespace spec::detail
