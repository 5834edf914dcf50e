#include "schema/version_needs.hpp"

namespace schema {

namespace {

using Rule = void (*)(const Model&, std::vector<VersionNeed>&);

// NULLS NOT DISTINCT on unique indexes and unique constraints: PostgreSQL 15.
void nullsNotDistinct(const Model& want, std::vector<VersionNeed>& out) {
  for (const auto& t : want.tables) {
    for (const auto& u : t.uniques)
      if (u.nullsNotDistinct) out.push_back({u.field + ".nullsNotDistinct", 15});
    for (const auto& ix : t.indexes)
      if (ix.nullsNotDistinct) out.push_back({ix.field + ".nullsNotDistinct", 15});
  }
}

// A feature that needs a newer major gets a rule here.
constexpr Rule kRules[] = {nullsNotDistinct};

}  // namespace

std::vector<VersionNeed> versionNeeds(const Model& want) {
  std::vector<VersionNeed> out;
  for (Rule rule : kRules) rule(want, out);
  return out;
}

std::optional<core::Error> unsupportedOn(const Model& want, int serverMajor) {
  for (const auto& need : versionNeeds(want))
    if (serverMajor < need.sinceMajor)
      return core::invalid(need.field, "needs PostgreSQL " + std::to_string(need.sinceMajor) +
                                           " or later; the server is " + std::to_string(serverMajor));
  return std::nullopt;
}

}  // namespace schema
