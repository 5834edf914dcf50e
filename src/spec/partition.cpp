// spec.tables[i].partitionBy and .partitionOf (contract Part 2): how a partitioned table splits
// its rows, and which table a partition belongs to with which bounds. The key's expressions and
// the bounds are SQL text for Postgres to read (schema/partition.hpp asks it); here they are only
// shapes.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/text.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"

namespace spec::detail {

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool startsWithForValues(const std::string& text) {
  std::string head;
  for (char c : core::trim(text)) {
    if (head.size() == 10) break;
    head.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return head == "FOR VALUES";
}

}  // namespace

std::optional<schema::PartitionBy> readPartitionBy(const Fields& table) {
  auto fields = table.object("partitionBy", {"strategy", "columns", "expressions"});
  if (!fields) return std::nullopt;
  schema::PartitionBy by;
  by.field = fields->path();
  const std::string strategy = fields->requiredText("strategy");
  if (!strategy.empty() && strategy != "range" && strategy != "list" && strategy != "hash")
    fields->issues().report(fields->pathOf("strategy"), "must be range, list or hash, found " + quoteShort(strategy));
  by.strategy = strategy;
  by.columns = fields->identifiers("columns");
  for (const auto& e : fields->list("expressions")) {
    auto text = scalarText(e, fields->issues());
    if (!text || core::trim(*text).empty()) {
      fields->issues().report(e.path, "must be an expression, such as \"date_trunc('day', created_at)\"");
      continue;
    }
    by.expressions.push_back(*text);
  }
  const bool hasColumns = fields->has("columns"), hasExpressions = fields->has("expressions");
  if (hasColumns == hasExpressions)
    fields->issues().report(fields->path(), "must set either columns or expressions (one of them)");
  else if (by.columns.empty() && by.expressions.empty())
    fields->issues().report(fields->pathOf(hasColumns ? "columns" : "expressions"), "must name at least one key");
  if (by.strategy == "list" && by.columns.size() + by.expressions.size() > 1)
    fields->issues().report(fields->path(), "a list partition key has exactly one column or expression");
  return by;
}

std::optional<schema::PartitionOf> readPartitionOf(const Fields& table) {
  auto fields = table.object("partitionOf", {"table", "bounds", "default"});
  if (!fields) return std::nullopt;
  schema::PartitionOf of;
  of.field = fields->path();
  of.table = fields->requiredIdentifier("table");
  const auto bounds = fields->nonBlankText("bounds");
  const bool isDefault = fields->boolean("default").value_or(false);
  if (bounds && isDefault) {
    fields->issues().report(fields->pathOf("default"), "a partition has bounds or is the default one, not both");
  } else if (isDefault) {
    of.bounds = "DEFAULT";  // as pg_get_expr prints a default partition's bound
  } else if (!bounds) {
    fields->issues().report(fields->pathOf("bounds"),
                            "must be set (\"FOR VALUES FROM (...) TO (...)\", \"FOR VALUES IN (...)\", "
                            "\"FOR VALUES WITH (MODULUS m, REMAINDER r)\"), or default: true");
  } else if (!startsWithForValues(*bounds)) {
    fields->issues().report(fields->pathOf("bounds"), "must start with FOR VALUES, found " + quoteShort(*bounds));
  } else {
    of.bounds = *bounds;
  }
  return of;
}

void givePartitionsTheirColumns(schema::Model& model, Issues& issues) {
  std::unordered_map<std::string, const schema::Table*> byName;
  for (const auto& t : model.tables) byName.try_emplace(t.name, &t);
  for (auto& t : model.tables) {
    if (!t.partitionOf) continue;
    auto it = byName.find(t.partitionOf->table);
    const schema::Table* parent = it == byName.end() ? nullptr : it->second;
    const std::string path = t.partitionOf->field + ".table";
    if (!parent) {
      issues.report(path, quoted(t.partitionOf->table) + " is not a table declared in spec.tables");
    } else if (!parent->partitionBy) {
      issues.report(path, quoted(parent->name) + " is not partitioned: declare its partitionBy");
    } else {
      t.columns = parent->columns;  // the partition's columns are its parent's (their fields too)
    }
  }
}

void checkPartitionKeys(const DatabaseSchema& resource, Issues& issues) {
  for (const auto& t : resource.model.tables) {
    if (!t.partitionBy) continue;
    const auto& columns = t.partitionBy->columns;
    for (size_t i = 0; i < columns.size(); ++i)
      if (!t.column(columns[i]))
        issues.report(indexPath(t.partitionBy->field + ".columns", i),
                      quoted(columns[i]) + " is not a column of table " + quoted(t.name));
  }
}

}  // namespace spec::detail
