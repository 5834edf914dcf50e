#pragma once
// Small helpers shared by the server modules: time, ids, encodings, JSON paths.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace kubeapi {
using json = nlohmann::json;

std::string nowRfc3339();       // 2025-01-01T00:00:00Z
std::string nowMicroTime();     // 2025-01-01T00:00:00.000000Z
long long parseRfc3339(const std::string& s);  // seconds since epoch, -1 when invalid
std::string humanAge(long long seconds);       // 3s, 5m, 2d (kubectl's duration.HumanDuration)
std::string newUid();
std::string randomSuffix(size_t n);            // generateName suffix
using core::base64Encode;
bool base64Decode(const std::string& in, std::string& out);
std::string urlDecode(const std::string& s);
std::vector<std::string> split(const std::string& s, char sep);
using core::trim;
std::string toLower(std::string s);
// Parses JSON, or YAML when the text is not JSON (server-side apply bodies may be YAML).
json parseJsonOrYaml(const std::string& text);
json yamlToJson(const std::string& text);      // first document
std::vector<json> yamlDocuments(const std::string& text);
// Simple JSONPath as used by printer columns: ".spec.a.b", ".status.conditions[?(@.type==\"Ready\")].status", "[0]".
json jsonPathGet(const json& obj, const std::string& path);
std::string jsonPathText(const json& v);       // kubectl-style text of a value
std::string sha256Hex(const std::string& data);

}  // namespace kubeapi
