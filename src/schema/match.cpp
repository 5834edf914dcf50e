#include "schema/match.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "schema/sql.hpp"

namespace schema {

std::vector<TableMatch> matchTables(const Model& have, const Model& want) {
  std::unordered_map<std::string_view, const Table*> live, declared;
  for (const auto& t : have.tables) live.emplace(t.name, &t);
  for (const auto& t : want.tables) declared.emplace(t.name, &t);
  auto liveTable = [&](const std::string& n) -> const Table* {
    auto it = live.find(n);
    return it == live.end() ? nullptr : it->second;
  };
  std::vector<TableMatch> out;
  out.reserve(want.tables.size());
  for (const auto& t : want.tables) {
    TableMatch m{&t, liveTable(t.name), false};
    if (!m.have) {
      for (const auto& old : t.renamedFrom) {
        // The old name must be live and not itself declared (then it is a table of its own).
        if (const Table* found = liveTable(old); found && !declared.count(old)) {
          m.have = found;
          m.renamed = true;
          break;
        }
      }
    }
    out.push_back(m);
  }
  return out;
}

const Column* matchColumn(const Table& have, const Table& want, const Column& column, bool* renamed) {
  if (renamed) *renamed = false;
  if (const Column* live = have.column(column.name)) return live;
  for (const auto& old : column.renamedFrom) {
    if (const Column* live = have.column(old); live && !want.column(old)) {
      if (renamed) *renamed = true;
      return live;
    }
  }
  return nullptr;
}

std::string typeSql(const Column& column, const Model& want) {
  if (want.enumType(column.type)) return sql::qualified(want.schema, column.type);
  return column.type;
}

std::set<std::string> shadowedEnums(const Model& have, const Model& want) {
  std::set<std::string> out;
  for (const auto& e : want.enums) {
    const Enum* live = have.enumType(e.name);
    if (!live || live->values != e.values) out.insert(e.name);
  }
  return out;
}

std::string scratchTypeSql(const Column& column, const Model& want, const std::set<std::string>& shadowed) {
  return shadowed.count(column.type) && want.enumType(column.type) ? sql::ident(column.type) : typeSql(column, want);
}

std::vector<std::pair<std::string, std::string>> scratchColumns(const Table& table, const Model& want,
                                                                const std::set<std::string>& shadowed) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : table.columns) out.emplace_back(c.name, scratchTypeSql(c, want, shadowed));
  return out;
}

std::string canonicalType(const Column& declared, const Model& want, const Canon& canon) {
  if (want.enumType(declared.type)) return declared.type;
  if (auto it = canon.types.find(declared.type); it != canon.types.end()) return it->second;
  return normalizeType(declared.type);
}

bool sameType(const Column& live, const Column& declared, const Model& want, const Canon& canon) {
  // Enum-typed columns compare by the enum's raw name: format_type would quote or qualify it.
  if (want.enumType(declared.type) || live.enumType) return live.enumType && *live.enumType == declared.type;
  return normalizeType(live.type) == canonicalType(declared, want, canon);
}

}  // namespace schema
