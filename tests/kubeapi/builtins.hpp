#pragma once
// Behaviour of the built-in kinds (§8) and of CRD objects themselves (§7).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "registry.hpp"
#include "status.hpp"

namespace kubeapi::builtins {
using json = nlohmann::json;

// The objects a fresh cluster has: default, kube-system, kube-public.
std::vector<json> initialNamespaces();

// Normalises a built-in object before it is stored (create: old is null). Throws ApiError.
void prepare(const ResourceType& rt, json& obj, const json& old);

// events.k8s.io/v1 <-> core/v1 Event (one store, two schemas).
json eventToCore(const json& ev);
json eventFromCore(const json& core);
void validateEventsV1(const ResourceType& rt, const json& ev);

// CRD: validation errors (422) and the status the server reports once it serves the CRD.
std::vector<FieldError> validateCrd(const json& crd);
void setCrdStatus(json& crd);

}  // namespace kubeapi::builtins
