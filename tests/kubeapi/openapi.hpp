#pragma once
// OpenAPI v3 (§3): a root listing every group-version with a content hash, and per-GV documents with
// PATCH operations (so kubectl leaves validation to the server) and component schemas (for explain).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "registry.hpp"

namespace kubeapi::openapi {
using json = nlohmann::json;

json root(const Registry& reg);
// key: "api/v1" or "apis/{group}/{version}"
std::optional<json> document(const Registry& reg, const std::string& key);

}  // namespace kubeapi::openapi
