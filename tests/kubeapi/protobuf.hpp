#pragma once
// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) that typed Go clients send
// (kubectl create secret/configmap, client-go Lease writes) into the JSON form (§1, item 13).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kubeapi::protobuf {
using json = nlohmann::json;

// Supported kinds: v1 Secret, ConfigMap, Namespace; coordination.k8s.io/v1 Lease. nullopt + err otherwise.
std::optional<json> decode(const std::string& body, std::string& err);

}  // namespace kubeapi::protobuf
