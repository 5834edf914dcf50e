#pragma once
// Small builders so tests read like the schemas they describe.
#include <string>
#include <vector>

#include "schema/model.hpp"

namespace testbuild {

inline schema::Column col(std::string name, std::string type, bool nullable = true) {
  schema::Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  return c;
}

inline schema::Column withDefault(schema::Column c, std::string expr) {
  c.defaultExpr = std::move(expr);
  return c;
}

inline schema::Table table(std::string name, std::vector<schema::Column> columns, std::vector<std::string> pk = {}) {
  schema::Table t;
  t.name = std::move(name);
  t.columns = std::move(columns);
  if (!pk.empty()) t.primaryKey = schema::PrimaryKey{t.name + "_pkey", std::move(pk)};
  return t;
}

inline schema::Index index(std::string name, std::vector<std::string> columns) {
  schema::Index ix;
  ix.name = std::move(name);
  for (auto& c : columns) {
    schema::IndexKey key;
    key.column = std::move(c);
    ix.keys.push_back(std::move(key));
  }
  return ix;
}

inline schema::Model model(std::vector<schema::Table> tables) {
  schema::Model m;
  m.tables = std::move(tables);
  return m;
}

}  // namespace testbuild
