// Names that must refer to something declared, and column properties that must agree.
#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

#include "schema/sequence.hpp"
#include "spec/validate.hpp"

namespace spec::detail {

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Each entry of `columns` (a list at `path`) is a column of `t`, named once. The path of an entry
// is only built to report it.
void checkColumnList(const schema::Table& t, const std::vector<std::string>& columns, const std::string& path,
                     bool allowRepeats, Issues& issues) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!t.column(columns[i])) {
      issues.report(indexPath(path, i), quoted(columns[i]) + " is not a column of table " + quoted(t.name));
      continue;
    }
    if (allowRepeats) continue;
    bool repeated = false;  // an earlier entry that is a column too (lists are short)
    for (size_t j = 0; j < i && !repeated; ++j) repeated = columns[j] == columns[i];
    if (repeated) issues.report(indexPath(path, i), quoted(columns[i]) + " is listed twice");
  }
}

void checkColumns(const schema::Table& t, Issues& issues) {
  const auto& key = t.primaryKey ? t.primaryKey->columns : std::vector<std::string>{};
  for (const auto& c : t.columns) {
    const bool inKey = std::find(key.begin(), key.end(), c.name) != key.end();
    if (c.nullable && inKey)
      issues.report(c.field + ".nullable", "a primary key column cannot be nullable");
    if (c.nullable && c.identity != schema::Identity::None)
      issues.report(c.field + ".nullable", "an identity column cannot be nullable");
    if (c.defaultExpr && c.identity != schema::Identity::None)
      issues.report(c.field + ".default", "an identity column cannot have a default; the identity supplies it");
  }
}

bool sameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Postgres accepts a foreign key only onto a primary key, a unique constraint or a plain unique
// index of exactly those columns (in any order).
bool isReferenceable(const schema::Table& target, const std::vector<std::string>& columns) {
  if (target.primaryKey && sameSet(target.primaryKey->columns, columns)) return true;
  for (const auto& u : target.uniques)
    if (sameSet(u.columns, columns)) return true;
  for (const auto& ix : target.indexes) {
    if (!ix.unique || ix.where) continue;
    std::vector<std::string> keyColumns;
    for (const auto& k : ix.keys) keyColumns.push_back(k.column);
    if (sameSet(keyColumns, columns)) return true;
  }
  return false;
}

// The first table declared under each name, as Model::table finds it.
using TablesByName = std::unordered_map<std::string_view, const schema::Table*>;

void checkForeignKey(const TablesByName& tables, const schema::Table& t, const schema::ForeignKey& fk,
                     Issues& issues) {
  checkColumnList(t, fk.columns, fk.field + ".columns", false, issues);
  auto found = tables.find(fk.refTable);
  const schema::Table* target = found == tables.end() ? nullptr : found->second;
  if (!target) {
    issues.report(fk.field + ".references.table",
                  quoted(fk.refTable) + " is not a table declared in spec.tables (foreign keys stay within the resource)");
    return;
  }
  const std::string refPath = fk.field + ".references.columns";
  checkColumnList(*target, fk.refColumns, refPath, false, issues);
  if (fk.refColumns.size() != fk.columns.size()) {
    issues.report(refPath, "names " + std::to_string(fk.refColumns.size()) + " columns but columns names " +
                               std::to_string(fk.columns.size()) + "; they pair up one to one");
    return;
  }
  if (!isReferenceable(*target, fk.refColumns))
    issues.report(refPath, "(" + joined(fk.refColumns) + ") of table " + quoted(target->name) +
                               " is neither its primary key nor one of its unique constraints; Postgres requires a "
                               "foreign key to reference a primary key or unique constraint");
}

// Key columns (a column may be a key twice) and INCLUDE columns (each once) are columns of `t`.
void checkIndexColumns(const schema::Table& t, const schema::Index& ix, Issues& issues) {
  for (size_t i = 0; i < ix.keys.size(); ++i) {
    const auto& k = ix.keys[i];
    if (k.column.empty() || t.column(k.column)) continue;
    const std::string path = k.field.empty() ? indexPath(ix.field + ".columns", i) : k.field + ".column";
    issues.report(path, quoted(k.column) + " is not a column of table " + quoted(t.name));
  }
  checkColumnList(t, ix.include, ix.field + ".include", false, issues);
}

}  // namespace

void checkReferences(const DatabaseSchema& resource, Issues& issues) {
  const schema::Model& model = resource.model;
  TablesByName tables;
  tables.reserve(model.tables.size());
  for (const auto& t : model.tables) tables.try_emplace(t.name, &t);
  for (const auto& t : model.tables) {
    if (t.primaryKey) checkColumnList(t, t.primaryKey->columns, t.field + ".primaryKey", false, issues);
    checkColumns(t, issues);
    for (const auto& u : t.uniques) checkColumnList(t, u.columns, u.field + ".columns", false, issues);
    for (const auto& fk : t.foreignKeys) checkForeignKey(tables, t, fk, issues);
    for (const auto& ix : t.indexes) checkIndexColumns(t, ix, issues);
    for (const auto& tr : t.triggers) checkColumnList(t, tr.updateOf, tr.field + ".updateOf", false, issues);
    for (const auto& x : t.exclusions)
      for (size_t i = 0; i < x.elements.size(); ++i)
        if (const auto& column = x.elements[i].column; !column.empty() && !t.column(column))
          issues.report(indexPath(x.field + ".elements", i) + ".column",
                        quoted(column) + " is not a column of table " + quoted(t.name));
  }
  for (const auto& s : model.sequences) {
    if (s.ownedBy.empty() || schema::splitOwner(s.ownedBy, model)) continue;
    issues.report(s.field + ".ownedBy", quoted(s.ownedBy) +
                                            " is not a declared column: write table.column, naming a table of "
                                            "spec.tables and one of its columns");
  }
}

}  // namespace spec::detail
