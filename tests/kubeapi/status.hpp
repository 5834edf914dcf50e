#pragma once
// Kubernetes Status objects (§5.8). Handlers throw ApiError; the router turns it into a response.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace kubeapi {
using json = nlohmann::json;
struct ResourceType;

struct ApiError : std::runtime_error {
  int code;
  std::string reason;
  json details;  // object or null
  int retryAfter = 0;
  ApiError(int c, std::string r, const std::string& msg, json d = nullptr)
      : std::runtime_error(msg), code(c), reason(std::move(r)), details(std::move(d)) {}
};

json statusObject(int code, const std::string& reason, const std::string& message, const json& details = nullptr);
json statusSuccess(const json& details);

// "databaseschemas.dbschema.io" / "secrets"
std::string qualifiedResource(const ResourceType& rt);
// "DatabaseSchema.dbschema.io" / "Secret"
std::string qualifiedKind(const ResourceType& rt);

ApiError notFound(const ResourceType& rt, const std::string& name);
ApiError alreadyExists(const ResourceType& rt, const std::string& name);
ApiError conflict(const ResourceType& rt, const std::string& name, const std::string& why);
ApiError staleConflict(const ResourceType& rt, const std::string& name);
ApiError badRequest(const std::string& msg);
ApiError pathNotFound();

// One field error of a 422.
struct FieldError {
  std::string type;    // FieldValueRequired, FieldValueInvalid, ...
  std::string field;   // spec.tables[0].name
  std::string detail;  // "Required value", "Invalid value: ...: must be ..."
};
ApiError invalid(const ResourceType& rt, const std::string& name, const std::vector<FieldError>& errs);

}  // namespace kubeapi
