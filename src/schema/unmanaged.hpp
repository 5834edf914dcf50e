#pragma once
// Objects of the managed schema whose kind the resource does not manage (a view, an aggregate, a
// rule, ...): never touched, never hidden. They are listed in `plan`, in status.unmanaged and in
// the schema_operator_unmanaged_objects gauge, and `spec.strict` refuses to apply while any
// exist. Which kinds are managed is decided here and nowhere else (isManagedKind).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace schema {

struct UnmanagedObject {
  std::string kind;  // as docs/unmanaged.md spells it: "View", "Aggregate", "TextSearchConfiguration", ...
  // Within the schema: "active_customers"; "orders.orders_touch" for what hangs on a relation;
  // "touch(bigint,text)" for a routine; "(text AS shop_id)" for a cast.
  std::string name;
  bool operator==(const UnmanagedObject&) const = default;
};

// Whether the resource manages objects of `kind`. The catalog listing (pg/unmanaged_query.cpp)
// reads only the kinds for which this is false: when a kind becomes managed (views, functions,
// ...), adding it to the set in unmanaged.cpp takes its objects off the list, and the diff then
// reports them as drift.
bool isManagedKind(std::string_view kind);

// How many of each kind, for the gauge (kinds absent from the list are absent from the map).
std::map<std::string, int> countByKind(const std::vector<UnmanagedObject>& objects);

// "View active_customers, Aggregate total(numeric) and 3 more": the first `few`, for messages.
std::string describeFew(const std::vector<UnmanagedObject>& objects, size_t few);

// Why a strict check refused to apply (status's Ready message, the CLI's error), naming a few.
std::string strictRefusal(const std::vector<UnmanagedObject>& objects);

}  // namespace schema
