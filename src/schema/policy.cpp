#include "schema/policy.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace schema {

namespace {

bool isPlanHash(const std::string& s) {
  static const std::string prefix = "sha256:";
  if (s.size() != prefix.size() + 64 || s.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(s.begin() + prefix.size(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The kinds an approval is for, to name in an error: "DropTable, DropColumn, …".
std::string destructiveKinds() {
  std::string out;
  for (int k = static_cast<int>(ChangeKind::DropTable); k <= static_cast<int>(ChangeKind::DetachPartition); ++k) {
    if (!out.empty()) out += ", ";
    out += toString(static_cast<ChangeKind>(k));
  }
  return out;
}

}  // namespace

core::Result<Approval> Approval::parse(const std::string& value, const std::string& field) {
  Approval approval;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = value.find(',', start);
    const std::string item = core::trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? value.size() + 1 : comma + 1;
    if (item.empty()) {
      return core::invalid(field, "empty item in \"" + value + "\": expected \"true\", a plan hash (sha256:…) or change kinds");
    }
    if (item == "true") {
      approval.all = true;
    } else if (isPlanHash(item)) {
      approval.planHashes.insert(item);
    } else if (auto kind = parseChangeKind(item)) {
      approval.kinds.insert(*kind);
    } else {
      // The contract's own example names "NarrowType", which is no kind: a narrowing is a
      // ChangeType. Listing the kinds makes that, and any typo, plain.
      return core::invalid(field, "\"" + item +
                                      "\" is neither \"true\", a plan hash (sha256: and 64 hex digits) nor a change "
                                      "kind; the destructive kinds are " +
                                      destructiveKinds() + " (ChangeType: any type change but a widening)");
    }
  }
  return approval;
}

bool Approval::allows(ChangeKind kind, const std::string& planHash) const {
  if (all || kinds.count(kind)) return true;
  return !planHash.empty() && planHashes.count(planHash) > 0;
}

bool Policy::ignores(const std::string& table) const {
  return std::find(ignore.begin(), ignore.end(), table) != ignore.end();
}

}  // namespace schema
