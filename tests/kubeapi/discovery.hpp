#pragma once
// Discovery documents (§2): /version, aggregated v2 /api and /apis, legacy group and resource lists.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "http_types.hpp"
#include "registry.hpp"

namespace kubeapi::discovery {
using json = nlohmann::json;

json version();
// /api or /apis; answers aggregated discovery when the Accept header asks for it.
HttpResponse root(const Registry& reg, bool core, const HttpRequest& req, const std::string& serverAddress);
// /apis/{group}
std::optional<json> group(const Registry& reg, const std::string& group);
// /api/v1, /apis/{group}/{version}
std::optional<json> resourceList(const Registry& reg, const std::string& group, const std::string& version);

}  // namespace kubeapi::discovery
