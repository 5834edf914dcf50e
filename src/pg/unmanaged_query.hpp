#pragma once
// The catalog read of unmanaged objects (schema/unmanaged.hpp): one query, asked with the rest of
// pg::inspect's batch, that lists every object of `spec.schema` of a kind the resource does not
// manage. Objects an extension owns (pg_depend deptype 'e') are the extension's and never listed.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/unmanaged.hpp"

namespace pg {

using ManagedKind = std::function<bool(std::string_view kind)>;

// Rows (kind, name), ordered by kind then name (bytewise). `$1` is the schema's name. Kinds for
// which `isManaged` is true are not read at all. `serverVersion` as libpq gives it (150008):
// schemas published whole (FOR TABLES IN SCHEMA) are asked of 15 and later only.
std::string unmanagedObjectsQuery(int serverVersion, const ManagedKind& isManaged = schema::isManagedKind);

// Every kind the query can list, whether managed or not, in the order docs/unmanaged.md gives them.
std::vector<std::string_view> listableKinds();

}  // namespace pg
