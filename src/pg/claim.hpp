#pragma once
// Who manages a schema: a claim recorded in the database itself (schema_operator.claims, one row
// per managed schema), so that two DatabaseSchemas — in one cluster, in two clusters, or one of
// them applied with the CLI — never both plan against the same tables and drop each other's.
// The owner is a resource's namespace/name; its uid is kept so that a release by a deleted
// resource never frees the claim of the one re-created under the same name.
#include <optional>
#include <string>

#include <pqxx/connection>

#include "core/error.hpp"

namespace pg {

// The schema holding the claims. Never managed by a DatabaseSchema (claimSchema refuses it), so
// the claims are never drift and never pruned.
inline constexpr const char* kClaimSchema = "schema_operator";

struct Owner {
  std::string ns;   // empty: "default", as kubectl would place the document
  std::string name;
  std::string uid;  // empty from the CLI

  std::string namespaceOrDefault() const { return ns.empty() ? "default" : ns; }
  std::string describe() const { return namespaceOrDefault() + "/" + name; }
  // The same resource: namespace and name (a re-created resource has a new uid and is the same).
  bool sameResource(const Owner& other) const {
    return namespaceOrDefault() == other.namespaceOrDefault() && name == other.name;
  }
};

struct Claim {
  std::string database;         // current_database(), for messages
  std::optional<Owner> holder;  // nullopt: nobody claims the schema (Read found no claim)
  bool conflict = false;        // holder is another resource

  // "schema public of database shop is managed by DatabaseSchema apps/shop (uid …)"; empty when
  // there is no conflict.
  std::string conflictMessage(const std::string& schemaName) const;
};

enum class ClaimMode {
  Read,  // plan: changes nothing, reports who holds the claim
  Take,  // apply: records `me` as the owner when nobody holds it
};

// Reads (and with Take, makes) the claim on `schemaName`. Read costs two short queries and writes
// nothing; Take writes only when the claim is missing or names an older uid of the same resource.
core::Result<Claim> claimSchema(pqxx::connection& conn, const std::string& schemaName, const Owner& me, ClaimMode mode);

// Drops the claim if `me` (namespace, name and uid) holds it; true when a row was removed.
core::Result<bool> releaseClaim(pqxx::connection& conn, const std::string& schemaName, const Owner& me);

}  // namespace pg
