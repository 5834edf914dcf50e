#include "engine/summary.hpp"

namespace engine {

nlohmann::ordered_json driftJson(const schema::Plan& plan, size_t maxItems) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& ch : plan.drift) {
    if (items.size() >= maxItems) break;
    nlohmann::ordered_json item = {
        {"object", ch.object},
        {"change", std::string(schema::toString(ch.kind))},
        {"destructive", ch.safety == schema::Safety::Destructive},
        {"blocked", ch.safety == schema::Safety::Blocked},
    };
    if (ch.safety == schema::Safety::Blocked) item["reason"] = ch.reason;
    items.push_back(std::move(item));
  }
  return {{"count", plan.drift.size()}, {"items", std::move(items)}};
}

nlohmann::ordered_json planJson(const schema::Plan& plan, size_t maxStatements) {
  nlohmann::ordered_json statements = nlohmann::ordered_json::array();
  for (const auto& s : plan.statements()) {
    if (statements.size() >= maxStatements) break;
    statements.push_back(s);
  }
  return {{"hash", plan.hash}, {"destructive", plan.destructive}, {"statements", std::move(statements)}};
}

nlohmann::ordered_json unmanagedJson(const std::vector<schema::UnmanagedObject>& objects, size_t maxItems) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& o : objects) {
    if (items.size() >= maxItems) break;
    items.push_back({{"kind", o.kind}, {"name", o.name}});
  }
  return {{"count", objects.size()}, {"items", std::move(items)}};
}

}  // namespace engine
