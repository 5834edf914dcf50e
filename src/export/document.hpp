#pragma once
// A live schema (what pg::inspect read) written back as the DatabaseSchema a person would write
// for it: stable order, `columns` shorthand, nothing spelled out that is the default, names left
// out where Postgres and the engine would give the same one again, `mode: Plan`. Pure: the
// catalog facts that schema::Model does not carry come in as CatalogExtras (pg/export_read).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/catalog.hpp"
#include "schema/model.hpp"

namespace exporting {

struct Options {
  std::string name;                   // metadata.name
  std::string ns;                     // metadata.namespace; empty: left out
  std::optional<std::string> secret;  // --secret NAME; nullopt: a placeholder the header explains
  std::string secretKey = "DATABASE_URL";
};

// The name of the Secret written when --secret is not given.
std::string placeholderSecret(const std::string& resourceName);

struct Exported {
  nlohmann::ordered_json document;
  // Lines for the reader (YAML comments at the top, standard error): what was left out and why,
  // and what the placeholder Secret is.
  std::vector<std::string> notes;
  std::vector<std::string> leftOut;  // "view active_users", "index orders.x: a key is an expression"
};

Exported exportSchema(const schema::Model& live, const CatalogExtras& extras, const Options& options);

}  // namespace exporting
