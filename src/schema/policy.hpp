#pragma once
// Which destructive changes may run: the dbschema.io/allow-destructive annotation or the CLI flag.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/change.hpp"

namespace schema {

struct Approval {
  bool all = false;                 // "true"
  std::set<std::string> planHashes; // "sha256:<64 hex>": exactly that plan
  std::set<ChangeKind> kinds;       // "DropColumn,NarrowType"

  // A comma-separated annotation value; every item must be "true", a plan hash or a change kind.
  static core::Result<Approval> parse(const std::string& value, const std::string& field);
  bool allows(ChangeKind kind, const std::string& planHash) const;
  bool operator==(const Approval&) const = default;
};

struct Policy {
  bool prune = false;               // drop tables (and enums) that exist but are not declared
  std::vector<std::string> ignore;  // tables never reported nor touched
  bool ignores(const std::string& table) const;
};

}  // namespace schema
