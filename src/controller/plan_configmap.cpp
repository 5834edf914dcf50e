#include "controller/plan_configmap.hpp"

#include "spec/resource.hpp"

namespace controller {

namespace {

using json = nlohmann::json;

// A ConfigMap name is a DNS subdomain (253 characters) and generateName adds five.
constexpr size_t kNamePrefixMax = 253 - 5 - std::char_traits<char>::length("-plan-");

std::string terminated(const std::string& statement) {
  return !statement.empty() && statement.back() == ';' ? statement : statement + ";";
}

// plan.sql: a header, then as many statements as fit in `budget` with the ConfigMap's other keys,
// and a note when some did not. Counts the statements it holds into `out`.
std::string planSql(const PlanOwner& owner, const schema::Plan& plan, const std::vector<std::string>& statements,
                    size_t budget, PlanConfigMap& out) {
  const std::string header = "-- plan " + (plan.hash.empty() ? std::string("(nothing to run)") : plan.hash) +
                             " of DatabaseSchema " + owner.ns + "/" + owner.name + ": " +
                             std::to_string(statements.size()) + " statement(s)\n";
  // What is not SQL is counted first, with room for the note that says the plan was cut.
  const size_t fixed = std::string("plan.sql").size() + header.size() + std::string("hash").size() + plan.hash.size() +
                       std::string("statementCount").size() + 20 + std::string("complete").size() + 5 + 200;
  std::string sql = header;
  size_t used = fixed;
  for (const auto& s : statements) {
    const std::string line = terminated(s) + "\n";
    if (used + line.size() > budget) break;
    used += line.size();
    sql += line;
    ++out.statementsHeld;
  }
  if (out.statementsHeld < out.statementCount)
    sql += "-- cut: " + std::to_string(out.statementCount - out.statementsHeld) +
           " more statement(s) do not fit in a ConfigMap (1 MiB); `schema-operator plan` prints them all\n";
  return sql;
}

json ownedMetadata(const PlanOwner& owner) {
  const std::string prefix = owner.name.substr(0, kNamePrefixMax) + "-plan-";
  return {{"generateName", prefix},
          {"namespace", owner.ns},
          {"labels", {{"app.kubernetes.io/managed-by", "schema-operator"}}},
          {"annotations", {{"dbschema.io/databaseschema", owner.name}}},
          {"ownerReferences", json::array({{{"apiVersion", spec::kApiVersion},
                                            {"kind", spec::kKind},
                                            {"name", owner.name},
                                            {"uid", owner.uid},
                                            {"controller", true}}})}};
}

}  // namespace

PlanConfigMap planConfigMap(const PlanOwner& owner, const schema::Plan& plan, size_t budget) {
  const std::vector<std::string> statements = plan.statements();
  PlanConfigMap out;
  out.statementCount = statements.size();
  const std::string sql = planSql(owner, plan, statements, budget, out);
  const bool complete = out.statementsHeld == out.statementCount;
  out.object = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", ownedMetadata(owner)},
      {"data",
       {{"plan.sql", sql},
        {"hash", plan.hash},
        {"statementCount", std::to_string(out.statementCount)},
        {"complete", complete ? "true" : "false"}}},
  };
  return out;
}

json configMapRef(const std::string& name, const PlanConfigMap& published) {
  return {{"name", name},
          {"statementCount", published.statementsHeld},
          {"truncated", published.statementsHeld < published.statementCount}};
}

std::string publishedPlanName(const json& status) {
  if (!status.is_object() || !status.contains("plan") || !status["plan"].is_object()) return "";
  const json& plan = status["plan"];
  if (!plan.contains("configMapRef") || !plan["configMapRef"].is_object()) return "";
  return plan["configMapRef"].value("name", "");
}

bool planNeedsPublishing(const json& previousStatus, const schema::Plan& plan) {
  const std::string published = publishedPlanName(previousStatus);
  if (published.empty()) return !plan.steps.empty();
  return previousStatus["plan"].value("hash", "") != plan.hash;
}

}  // namespace controller
