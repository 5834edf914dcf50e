#pragma once
// What a reconcile reads and writes on the API server, bound to a client: the Reconciler is given
// these as functions (reconciler.hpp), so it is tested without an API server.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/reconciler.hpp"
#include "core/error.hpp"
#include "kube/client.hpp"
#include "kube/events.hpp"
#include "kube/store.hpp"

namespace controller {

// One Secret, read with a list narrowed to its name rather than a GET: the operator's RBAC grants
// list and watch on Secrets, not get (deploy/rbac). nullopt when it does not exist.
core::Result<std::optional<nlohmann::json>> readSecret(kube::Client& client, const kube::Key& secret);

// The ConfigMap holding a resource's whole plan: replaced when status names one, created (with a
// name the server makes from generateName, so no ConfigMap of the user's is ever overwritten)
// when it names none or the named one is gone. RBAC: create and update on configmaps.
core::Result<std::string> publishPlan(kube::Client& client, nlohmann::json configMap, const std::string& knownName);

// Writes a DatabaseSchema's status over the resourceVersion its reconcile read (a 409 when the
// object changed meanwhile), and puts the written object in `schemas` at once.
core::Result<std::string> writeSchemaStatus(kube::Client& client, kube::Store& schemas, const ObjectRef& ref,
                                     const nlohmann::json& status);

// An EventNote as a core/v1 Event on its DatabaseSchema; a failure is logged (Events are best effort).
void recordEvent(kube::EventRecorder& recorder, const EventNote& note);

}  // namespace controller
