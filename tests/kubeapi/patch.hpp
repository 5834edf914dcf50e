#pragma once
// PATCH bodies (§4, §5.6): JSON merge (RFC 7386), JSON patch (RFC 6902), strategic merge for built-ins,
// server-side apply, and the managedFields bookkeeping every write does.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kubeapi::patch {
using json = nlohmann::json;

json mergePatch(const json& target, const json& patch);
// Throws std::invalid_argument (malformed) or std::domain_error (failed `test` / missing path).
json jsonPatch(const json& target, const json& ops);
// Strategic merge for the built-in kinds served here: merge patch plus the directives
// ($patch, $retainKeys, $deleteFromPrimitiveList/, $setElementOrder/) and set-merge of finalizers.
json strategicMerge(const json& target, const json& patch);

// The set of leaf fields of an object as fieldsV1 ({"f:spec":{"f:x":{}}}); lists are atomic.
json fieldsOf(const json& object, bool includeStatus);
// Leaf fields that differ between two objects, as fieldsV1.
json changedFields(const json& before, const json& after, bool includeStatus);
json unionFields(const json& a, const json& b);
std::vector<std::string> fieldPaths(const json& fieldsV1);  // ".spec.x"

// Records a write in metadata.managedFields (merging the manager's Update entry).
void recordUpdate(json& object, const json& before, const std::string& manager, const std::string& apiVersion,
                  const std::string& subresource);

struct ApplyResult {
  json object;
  std::vector<std::pair<std::string, std::string>> conflicts;  // field path, manager
};
// Server-side apply of `applied` onto `live` (null when creating) by `manager`.
ApplyResult serverSideApply(const json& live, const json& applied, const std::string& manager,
                            const std::string& apiVersion, bool force, const std::string& subresource);

}  // namespace kubeapi::patch
