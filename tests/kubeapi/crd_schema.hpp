#pragma once
// Structural-schema processing of custom resources (§7): defaulting, pruning, validation.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "status.hpp"

namespace kubeapi::schema {
using json = nlohmann::json;

// Applies `default`s recursively (inside arrays and freshly defaulted objects too); metadata untouched.
void applyDefaults(json& object, const json& schema);
// Drops fields the schema does not know; returns their paths ("spec.foo", "spec.tables[0].x").
std::vector<std::string> prune(json& object, const json& schema);
// OpenAPI v3 subset validation; paths like spec.tables[0].name.
std::vector<FieldError> validate(const json& object, const json& schema);
// Problems that make a CRD schema unusable (non-structural); empty when fine.
std::vector<FieldError> checkStructural(const json& schema, const std::string& path);

}  // namespace kubeapi::schema
