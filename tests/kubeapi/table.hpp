#pragma once
// Server-side printing (§6): meta.k8s.io/v1 Table for lists, gets and watch events.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "registry.hpp"

namespace kubeapi::table {
using json = nlohmann::json;

inline constexpr const char* kContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

bool wanted(const HttpRequest& req);  // Accept asks for as=Table
json columnDefinitions(const ResourceType& rt, const std::string& version);
json row(const ResourceType& rt, const std::string& version, const json& object, const std::string& includeObject);
json build(const ResourceType& rt, const std::string& version, const std::vector<json>& objects,
           const std::string& includeObject, const json& listMeta, bool withColumns = true);

}  // namespace kubeapi::table
