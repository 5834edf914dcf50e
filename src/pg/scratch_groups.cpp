#include "pg/scratch_groups.hpp"

#include <algorithm>
#include <cctype>

namespace pg {

std::vector<const schema::TableQuestion::ColumnQ*> namedColumns(const schema::TableQuestion& q) {
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
  };
  std::string texts;
  for (const auto& [expr, field] : q.checks) texts += lower(expr) + "\n";
  for (const auto& [expr, field] : q.predicates) texts += lower(expr) + "\n";
  for (const auto& index : q.indexes)
    for (const auto& key : index.keys) texts += lower(key.column.empty() ? key.expression : key.column) + "\n";
  const bool escapes = texts.find("u&") != std::string::npos;
  std::vector<const schema::TableQuestion::ColumnQ*> named;
  for (const auto& c : q.columns) {
    const bool plain = !c.name.empty() && (std::islower(static_cast<unsigned char>(c.name[0])) || c.name[0] == '_') &&
                       std::all_of(c.name.begin(), c.name.end(), [](unsigned char ch) {
                         return std::islower(ch) || std::isdigit(ch) || ch == '_' || ch == '$';
                       });
    if (escapes || !plain || texts.find(c.name) != std::string::npos) named.push_back(&c);
  }
  return named;
}

std::vector<ScratchGroup> groupQuestions(const schema::CanonQuestions& questions) {
  std::vector<ScratchGroup> groups;
  for (size_t i = 0; i < questions.tables.size(); ++i) {
    const auto& q = questions.tables[i];
    if (q.checks.empty() && q.predicates.empty() && q.indexes.empty()) continue;
    const auto named = namedColumns(q);
    auto fits = [&](const ScratchGroup& g) {
      if (g.columns.size() + named.size() > kColumnsPerTable) return false;
      for (const auto* c : named)
        if (auto it = g.typeOf.find(c->name); it != g.typeOf.end() && it->second != c->type) return false;
      return true;
    };
    auto it = std::find_if(groups.begin(), groups.end(), fits);
    if (it == groups.end()) it = groups.insert(groups.end(), ScratchGroup{});
    it->questions.push_back(i);
    for (const auto* c : named)
      if (it->typeOf.emplace(c->name, c->type).second) it->columns.push_back(c->name);
  }
  return groups;
}

}  // namespace pg
