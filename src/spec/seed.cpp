// spec.seed: rows that must exist, read against the tables declared in the same document.
#include <algorithm>
#include <map>

#include "spec/parse.hpp"

namespace spec::detail {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The row's identity for duplicate detection: its key columns and values, order-independent.
std::string keySignature(const schema::SeedRow& row) {
  std::vector<std::string> parts;
  for (const auto& k : row.key) {
    for (size_t i = 0; i < row.columns.size(); ++i) {
      if (row.columns[i] != k) continue;
      const auto& v = row.values[i];
      parts.push_back(k + '\0' + (v ? "=" + *v : std::string("null")));
    }
  }
  std::sort(parts.begin(), parts.end());
  std::string out = row.table;
  for (const auto& p : parts) out += '\0' + p + '\0';
  return out;
}

schema::SeedRow readRow(const Item& item, const std::string& table, const schema::Table* declared, Issues& issues) {
  Fields fields(item, issues);
  schema::SeedRow row;
  row.table = table;
  row.field = item.path;
  if (item.node.IsMap() && fields.entries().empty()) issues.report(item.path, "must give at least one column");
  for (const auto& [column, value] : fields.entries()) {
    const std::string path = fields.pathOf(column);
    if (!checkText(column, path, issues) || (value.IsScalar() && !checkText(value.Scalar(), path, issues))) continue;
    if (declared && !declared->column(column))
      issues.report(path, quoteShort(column) + " is not a column of table \"" + table + "\"");
    if (value.IsMap() || value.IsSequence())
      issues.report(path, "expected a value (text, number, boolean or null), found " + describeNode(value));
    row.columns.push_back(column);
    row.values.push_back(value.IsScalar() ? std::optional<std::string>(std::string(value.Scalar())) : std::nullopt);
  }
  if (!declared) {
    row.key = row.columns;
    return row;
  }

  if (declared->primaryKey) {
    row.key = declared->primaryKey->columns;
    for (const auto& k : row.key) {
      if (!contains(row.columns, k))
        issues.report(item.path, "must give primary key column \"" + k + "\" of table \"" + table +
                                     "\" (seed rows are matched by their primary key)");
    }
    for (size_t i = 0; i < row.columns.size(); ++i) {
      if (!row.values[i] && contains(row.key, row.columns[i]))
        issues.report(fields.pathOf(row.columns[i]), "a primary key column must not be null");
    }
  } else {
    row.key = row.columns;  // no primary key: the row is identified by everything it gives
  }
  // A missing row is inserted; an insert that leaves a NOT NULL column with no default empty
  // cannot succeed, so say so now rather than at apply time.
  for (const auto& c : declared->columns) {
    if (!c.nullable && !c.defaultExpr && c.identity == schema::Identity::None && !contains(row.columns, c.name))
      issues.report(item.path, "must give column \"" + c.name + "\": it is NOT NULL with no default");
  }
  return row;
}

}  // namespace

std::vector<schema::SeedRow> readSeeds(const Fields& spec, const schema::Model& model) {
  Issues& issues = spec.issues();
  std::vector<schema::SeedRow> out;
  std::map<std::string, std::string> seen;  // key signature -> field of the first row
  for (const auto& item : spec.list("seed")) {
    Fields seed(item, {"table", "rows"}, issues);
    const std::string table = seed.requiredIdentifier("table");
    const schema::Table* declared = model.table(table);
    if (!table.empty() && !declared)
      issues.report(seed.pathOf("table"), "\"" + table + "\" is not a table declared in spec.tables");
    if (!seed.has("rows")) issues.report(seed.pathOf("rows"), "must be set");
    for (const auto& rowItem : seed.list("rows")) {
      schema::SeedRow row = readRow(rowItem, table, declared, issues);
      auto [first, inserted] = seen.emplace(keySignature(row), row.field);
      if (!inserted) issues.report(row.field, "declares the same row (same key) as " + first->second);
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace spec::detail
