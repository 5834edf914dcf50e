#include "schema/unmanaged.hpp"

#include <algorithm>
#include <set>

namespace schema {

bool isManagedKind(std::string_view kind) {
  // Kinds the catalog listing knows (docs/unmanaged.md) that a resource declares. Tables,
  // columns, constraints, indexes, enums, sequences and extensions are managed and never listed,
  // so they are not named here. Add a kind here when the resource learns to declare it.
  static const std::set<std::string_view> managed = {"CompositeType", "Domain", "MaterializedView", "Partition", "Policy",
                                                          "View",
                                                          "Trigger", "DefaultPrivileges"};
  return managed.count(kind) > 0;
}

std::map<std::string, int> countByKind(const std::vector<UnmanagedObject>& objects) {
  std::map<std::string, int> out;
  for (const auto& o : objects) ++out[o.kind];
  return out;
}

std::string describeFew(const std::vector<UnmanagedObject>& objects, size_t few) {
  std::string out;
  const size_t shown = std::min(few, objects.size());
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += i + 1 == shown && shown == objects.size() ? " and " : ", ";
    out += objects[i].kind + " " + objects[i].name;
  }
  if (shown < objects.size()) out += " and " + std::to_string(objects.size() - shown) + " more";
  return out;
}

std::string strictRefusal(const std::vector<UnmanagedObject>& objects) {
  const size_t n = objects.size();
  return "strict: " + std::to_string(n) + (n == 1 ? " object" : " objects") +
         " in the schema " + (n == 1 ? "is" : "are") + " of a kind the resource does not manage (" +
         describeFew(objects, 5) + "); nothing is applied while " + (n == 1 ? "it exists" : "they exist");
}

}  // namespace schema
