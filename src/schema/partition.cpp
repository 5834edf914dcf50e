#include "schema/partition.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "schema/match.hpp"
#include "schema/sql.hpp"

namespace schema {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// A name as quote_ident prints it, for the names that need no quotes; any other is quoted (a
// reserved word is then printed differently by Postgres, and the key is asked about).
std::string printedName(const std::string& name) {
  const bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                     std::all_of(name.begin(), name.end(), [](unsigned char c) {
                       return std::islower(c) || std::isdigit(c) || c == '_';
                     });
  return plain ? name : sql::ident(name);
}

bool keyIsLive(const Table* live, const PartitionBy& declared) {
  return live && live->partitionBy && live->partitionBy->definition == keyOnItsFace(declared);
}

// The live bound text when the declared one is, on its face, the same (a default partition's
// "DEFAULT" always is); nullptr when Postgres must be asked.
const std::string* liveBoundFor(const Table* live, const PartitionOf& declared) {
  static const std::string kDefault = "DEFAULT";
  if (declared.bounds == kDefault) return &kDefault;
  if (live && live->partitionOf && live->partitionOf->bounds == core::trim(declared.bounds))
    return &live->partitionOf->bounds;
  return nullptr;
}

}  // namespace

std::string keyOnItsFace(const PartitionBy& by) {
  std::string keys;
  for (const auto& c : by.columns) keys += (keys.empty() ? "" : ", ") + printedName(c);
  for (const auto& e : by.expressions) keys += (keys.empty() ? "" : ", ") + core::trim(e);
  return upper(by.strategy) + " (" + keys + ")";
}

std::vector<PartitionQuestion> partitionQuestions(const Model& have, const Model& want) {
  std::vector<PartitionQuestion> out;
  const auto matches = matchTables(have, want);
  const std::set<std::string> shadowed = shadowedEnums(have, want);
  for (const auto& m : matches) {
    const Table& parent = *m.want;
    if (!parent.partitionBy) continue;
    PartitionQuestion q;
    bool ask = !keyIsLive(m.have, *parent.partitionBy);
    for (const auto& p : matches) {
      if (!p.want->partitionOf || p.want->partitionOf->table != parent.name) continue;
      if (liveBoundFor(p.have, *p.want->partitionOf)) continue;
      q.bounds.push_back({p.want->name, p.want->partitionOf->bounds, p.want->partitionOf->field});
      ask = true;
    }
    if (!ask) continue;
    q.parent = parent.name;
    q.columns = scratchColumns(parent, want, shadowed);
    q.strategy = upper(parent.partitionBy->strategy);
    for (const auto& c : parent.partitionBy->columns) q.keys.push_back(sql::ident(c));
    // Each expression in parentheses of its own, so that it is one key ("a), (b" is a syntax error).
    for (const auto& e : parent.partitionBy->expressions) q.keys.push_back("(" + e + ")");
    q.field = parent.partitionBy->field;
    if (parent.primaryKey) q.uniqueKeys.push_back(parent.primaryKey->columns);
    for (const auto& u : parent.uniques) q.uniqueKeys.push_back(u.columns);
    out.push_back(std::move(q));
  }
  return out;
}

core::Result<Model> withPartitionAnswers(const Model& have, Model want, const PartitionAnswers& answers) {
  auto missing = [](const std::string& field) {
    return core::invalid(field, "Postgres was not asked about this text, so it cannot be used in a statement");
  };
  const bool partitioned = std::any_of(want.tables.begin(), want.tables.end(),
                                       [](const Table& t) { return t.partitionBy || t.partitionOf; });
  if (!partitioned) return want;
  // Pairs by names, which nothing below changes (only keys and bounds are rewritten in place).
  const auto matches = matchTables(have, want);  // one entry per declared table, in declared order
  for (size_t i = 0; i < want.tables.size(); ++i) {
    Table& t = want.tables[i];
    const Table* live = matches[i].have;
    if (t.partitionBy) {
      if (keyIsLive(live, *t.partitionBy)) {
        t.partitionBy->definition = live->partitionBy->definition;
      } else if (auto it = answers.keys.find(t.name); it != answers.keys.end()) {
        t.partitionBy->definition = it->second;
      } else {
        return missing(t.partitionBy->field);
      }
    }
    if (t.partitionOf) {
      if (const std::string* text = liveBoundFor(live, *t.partitionOf)) {
        t.partitionOf->bounds = *text;
      } else if (auto it = answers.bounds.find(t.name); it != answers.bounds.end()) {
        t.partitionOf->bounds = it->second;
      } else {
        return missing(t.partitionOf->field + ".bounds");
      }
    }
  }
  return want;
}

}  // namespace schema
