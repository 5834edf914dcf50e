#include "schema/row_policy.hpp"

#include <algorithm>

#include "schema/canon.hpp"
#include "schema/match.hpp"

namespace schema {

namespace {

const RowPolicy* liveNamesake(const Table* live, const std::string& name) {
  if (!live) return nullptr;
  for (const auto& p : live->policies)
    if (p.name == name) return &p;
  return nullptr;
}

bool sameOnItsFace(const std::optional<std::string>& declared, const std::optional<std::string>& live) {
  if (declared.has_value() != live.has_value()) return false;
  return !declared || cheaplySame(*declared, *live);
}

// The live policy whose expressions the declared one's are, on their face; else nullptr.
const RowPolicy* liveOnItsFace(const Table* live, const RowPolicy& declared) {
  const RowPolicy* lp = liveNamesake(live, declared.name);
  if (!lp || !sameOnItsFace(declared.usingExpr, lp->usingExpr) || !sameOnItsFace(declared.withCheck, lp->withCheck))
    return nullptr;
  return lp;
}

}  // namespace

std::vector<PolicyQuestion> policyQuestions(const Model& have, const Model& want) {
  std::vector<PolicyQuestion> out;
  const std::set<std::string> shadowed = shadowedEnums(have, want);
  for (const auto& m : matchTables(have, want)) {
    const Table& t = *m.want;
    PolicyQuestion q;
    for (const auto& p : t.policies) {
      if (!p.usingExpr && !p.withCheck) continue;  // nothing to ask
      if (liveOnItsFace(m.have, p)) continue;
      q.policies.push_back({p.name, p.command, p.usingExpr, p.withCheck, p.field});
    }
    if (q.policies.empty()) continue;
    q.table = t.name;
    q.field = t.field;
    q.columns = scratchColumns(t, want, shadowed);
    out.push_back(std::move(q));
  }
  return out;
}

core::Result<Model> withPolicyAnswers(const Model& have, Model want, const PolicyAnswers& answers) {
  const bool anyPolicy = std::any_of(want.tables.begin(), want.tables.end(),
                                     [](const Table& t) { return !t.policies.empty(); });
  if (!anyPolicy) return want;
  // Pairs by names, which nothing below changes (only the policies' expressions, in place): one
  // entry per declared table, in declared order.
  const auto matches = matchTables(have, want);
  for (size_t i = 0; i < want.tables.size(); ++i) {
    Table& t = want.tables[i];
    const Table* live = matches[i].have;
    for (auto& p : t.policies) {
      if (!p.usingExpr && !p.withCheck) continue;
      if (const RowPolicy* lp = liveOnItsFace(live, p)) {
        p.usingExpr = lp->usingExpr;
        p.withCheck = lp->withCheck;
        continue;
      }
      auto it = answers.find({t.name, p.name});
      if (it == answers.end())
        return core::invalid(p.field, "Postgres was not asked about this policy's expressions, so they cannot be used");
      p.usingExpr = it->second.usingExpr;
      p.withCheck = it->second.withCheck;
    }
  }
  return want;
}

}  // namespace schema
