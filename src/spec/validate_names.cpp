// Names that must be unique, in the namespaces Postgres keeps them in.
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spec/validate.hpp"

namespace spec::detail {

namespace {

// Where a name was declared: `base` + `suffix`, then `[index]` when there is one. Kept as parts
// (views of the model's fields and of literals) and joined only for a message.
struct Where {
  std::string_view base;
  std::string_view suffix = {};
  size_t index = std::string::npos;

  std::string path() const {
    std::string p(base);
    p += suffix;
    return index == std::string::npos ? p : indexPath(p, index);
  }
};

// Names seen so far in one namespace, with where each was declared. Small namespaces (a table's
// columns) are scanned, large ones (a schema's tables) hashed.
class Namespace {
 public:
  explicit Namespace(const char* what) : what_(what) {}

  // Reports `where` when `name` was declared before; empty names (unnamed constraints) are skipped.
  void declare(const std::string& name, const Where& where, Issues& issues) {
    if (name.empty()) return;
    if (const Where* first = lookup(name)) {
      issues.report(where.path(), "duplicate " + std::string(what_) + " \"" + name + "\" (first declared at " +
                                      first->path() + ")");
      return;
    }
    if (hashed_.empty() && seen_.size() < kScanned) {
      seen_.emplace_back(name, where);
      return;
    }
    if (hashed_.empty())
      for (const auto& [n, w] : seen_) hashed_.emplace(n, w);
    hashed_.emplace(name, where);
  }
  // Where `name` was declared, as a path; nullptr when it was not.
  std::optional<std::string> find(const std::string& name) const {
    const Where* w = lookup(name);
    return w ? std::optional<std::string>(w->path()) : std::nullopt;
  }

 private:
  static constexpr size_t kScanned = 16;
  const Where* lookup(std::string_view name) const {
    if (!hashed_.empty()) {
      auto it = hashed_.find(name);
      return it == hashed_.end() ? nullptr : &it->second;
    }
    for (const auto& [n, w] : seen_)
      if (n == name) return &w;
    return nullptr;
  }

  const char* what_;
  std::vector<std::pair<std::string_view, Where>> seen_;
  std::unordered_map<std::string_view, Where> hashed_;
};

std::string at(const std::string& path, size_t i) { return indexPath(path, i); }

// Old names must be gone from the declaration, and each may be claimed by one object only.
void checkRenames(const std::vector<std::string>& renamedFrom, const std::string& path, const Namespace& declared,
                  Namespace& oldNames, const std::string& what, Issues& issues) {
  for (size_t i = 0; i < renamedFrom.size(); ++i) {
    const std::string entry = at(path + ".renamedFrom", i);
    if (const auto where = declared.find(renamedFrom[i]))
      issues.report(entry, "\"" + renamedFrom[i] + "\" is a " + what + " declared at " + *where +
                               "; renamedFrom names an old name that is no longer declared");
    oldNames.declare(renamedFrom[i], Where{path, ".renamedFrom", i}, issues);
  }
}

void checkColumns(const schema::Table& t, Issues& issues) {
  Namespace columns("column name");
  for (const auto& c : t.columns) columns.declare(c.name, Where{c.field, ".name"}, issues);
  Namespace oldNames("renamedFrom name");
  for (const auto& c : t.columns) checkRenames(c.renamedFrom, c.field, columns, oldNames, "column", issues);
}

// Constraint names are per table (pg_constraint is unique on table and name).
void checkConstraintNames(const schema::Table& t, Issues& issues) {
  Namespace constraints("constraint name");
  for (const auto& u : t.uniques) constraints.declare(u.name, Where{u.field, ".name"}, issues);
  for (const auto& fk : t.foreignKeys) constraints.declare(fk.name, Where{fk.field, ".name"}, issues);
  for (const auto& c : t.checks) constraints.declare(c.name, Where{c.field, ".name"}, issues);
  for (const auto& x : t.exclusions) constraints.declare(x.name, Where{x.field, ".name"}, issues);
}

}  // namespace

void checkNames(const DatabaseSchema& resource, Issues& issues) {
  const schema::Model& model = resource.model;

  Namespace extensions("extension");
  for (size_t i = 0; i < model.extensions.size(); ++i)
    extensions.declare(model.extensions[i], Where{"spec.extensions", {}, i}, issues);

  Namespace tables("table name");
  for (const auto& t : model.tables) tables.declare(t.name, Where{t.field, ".name"}, issues);

  // Every table has a row type of its name, so an enum cannot share it.
  Namespace enums("enum name");
  for (const auto& e : model.enums) {
    enums.declare(e.name, Where{e.field, ".name"}, issues);
    if (const auto table = tables.find(e.name))
      issues.report(e.field + ".name", "\"" + e.name + "\" is also the table declared at " + *table +
                                           "; Postgres gives each table a type of the same name");
    Namespace values("enum value");
    const std::string valuesPath = e.field + ".values";
    for (size_t i = 0; i < e.values.size(); ++i) values.declare(e.values[i], Where{valuesPath, {}, i}, issues);
  }

  Namespace oldTables("renamedFrom name");
  for (const auto& t : model.tables) checkRenames(t.renamedFrom, t.field, tables, oldTables, "table", issues);

  for (const auto& t : model.tables) {
    checkColumns(t, issues);
    checkConstraintNames(t, issues);
    Namespace policies("policy name");
    for (const auto& p : t.policies) policies.declare(p.name, Where{p.field, ".name"}, issues);
    Namespace triggers("trigger name");
    for (const auto& tr : t.triggers) triggers.declare(tr.name, Where{tr.field, ".name"}, issues);
  }

  // Indexes, and the indexes behind unique constraints, are relations of the schema: their names
  // clash with each other and with tables across the whole schema.
  Namespace relations("index or unique constraint name");
  for (const auto& t : model.tables) relations.declare(t.name, Where{t.field, ".name"}, issues);
  for (const auto& t : model.tables) {
    for (const auto& u : t.uniques) {
      if (const auto table = tables.find(u.name))
        issues.report(u.field + ".name", "\"" + u.name + "\" is the name of the table declared at " + *table +
                                             "; a unique constraint's index shares the schema's namespace with tables");
      relations.declare(u.name, Where{u.field, ".name"}, issues);
    }
    for (const auto& ix : t.indexes) {
      if (const auto table = tables.find(ix.name))
        issues.report(ix.field + ".name", "\"" + ix.name + "\" is the name of the table declared at " + *table +
                                              "; index names share the schema's namespace with tables");
      relations.declare(ix.name, Where{ix.field, ".name"}, issues);
    }
    // An exclusion constraint's index takes the constraint's name.
    for (const auto& x : t.exclusions) relations.declare(x.name, Where{x.field, ".name"}, issues);
  }

  // Sequences are relations too: their names clash with tables and indexes.
  Namespace sequences("sequence name");
  for (const auto& s : model.sequences) {
    sequences.declare(s.name, Where{s.field, ".name"}, issues);
    if (const auto relation = relations.find(s.name))
      issues.report(s.field + ".name", "\"" + s.name + "\" is also declared at " + *relation +
                                           "; a sequence shares the schema's namespace with tables and indexes");
  }

  // Views are relations too, and so are a materialized view's indexes.
  for (const auto& v : model.views) {
    if (const auto relation = relations.find(v.name))
      issues.report(v.field + ".name", "\"" + v.name + "\" is also declared at " + *relation +
                                           "; a view shares the schema's namespace with tables and indexes");
    else if (const auto sequence = sequences.find(v.name))
      issues.report(v.field + ".name", "\"" + v.name + "\" is also the sequence declared at " + *sequence +
                                           "; a view shares the schema's namespace with sequences");
    else
      relations.declare(v.name, Where{v.field, ".name"}, issues);
  }
  for (const auto& v : model.views)
    for (const auto& ix : v.indexes) relations.declare(ix.name, Where{ix.field, ".name"}, issues);

  // A set, as the CRD's x-kubernetes-list-type says: the API server refuses a repeated entry too.
  Namespace ignored("ignored table");
  for (size_t i = 0; i < resource.policy.ignore.size(); ++i) {
    const std::string& name = resource.policy.ignore[i];
    ignored.declare(name, Where{"spec.ignore", {}, i}, issues);
    if (const auto table = tables.find(name))
      issues.report(at("spec.ignore", i), "\"" + name + "\" is declared at " + *table +
                                              "; a table cannot be both managed and ignored");
  }
}

}  // namespace spec::detail
