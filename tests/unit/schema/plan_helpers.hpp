#pragma once
// Diff, classify and plan in one call, and the drift as "Kind object [safety]" lines: what the
// unit tests of each change kind compare.
#include <set>
#include <string>
#include <vector>

#include "schema/canon.hpp"
#include "schema/diff.hpp"
#include "schema/facts.hpp"
#include "schema/plan.hpp"
#include "schema/policy.hpp"

namespace plantest {

inline schema::Plan planFor(const schema::Model& have, const schema::Model& want, const schema::Facts& facts = {}) {
  return schema::plan(schema::classify(schema::diff(have, want, schema::Policy{}, schema::Canon{}), facts), want.schema);
}

// The same with the roles a plan names existing but those a test leaves out.
inline schema::Plan planWithRoles(const schema::Model& have, const schema::Model& want,
                                  const std::set<std::string>& roles = {"app", "support"}) {
  schema::Facts facts;
  facts.existingRoles = roles;
  return planFor(have, want, facts);
}

inline std::vector<std::string> driftOf(const schema::Plan& p) {
  std::vector<std::string> out;
  for (const auto& c : p.drift)
    out.push_back(std::string(toString(c.kind)) + " " + c.object + " [" + std::string(toString(c.safety)) + "]");
  return out;
}

}  // namespace plantest
