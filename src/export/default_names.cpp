#include "export/default_names.hpp"

namespace exporting {

namespace {

// The first `bytes` bytes of `text`, less a UTF-8 character that would be cut in two.
std::string clipToCharacter(const std::string& text, size_t bytes) {
  if (bytes >= text.size()) return text;
  size_t end = bytes;
  // A continuation byte (10xxxxxx) at the cut means the character it belongs to does not fit.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string objectName(const std::string& name1, const std::optional<std::string>& name2, const std::string& label) {
  size_t overhead = label.empty() ? 0 : label.size() + 1;
  if (name2) overhead += 1;
  const size_t room = overhead < kMaxIdentifierBytes ? kMaxIdentifierBytes - overhead : 0;
  size_t keep1 = name1.size();
  size_t keep2 = name2 ? name2->size() : 0;
  // Shorten whichever part is longer, one byte at a time, so that both keep as much as they can.
  while (keep1 + keep2 > room) {
    if (keep1 > keep2)
      --keep1;
    else
      --keep2;
  }
  std::string out = clipToCharacter(name1, keep1);
  if (name2) out += "_" + clipToCharacter(*name2, keep2);
  if (!label.empty()) out += "_" + label;
  return out;
}

std::string columnsPart(const std::vector<std::string>& columns) {
  constexpr size_t kBuffer = kMaxIdentifierBytes + 1;  // NAMEDATALEN, the terminator included
  std::string out;
  for (const auto& column : columns) {
    if (!out.empty()) out += '_';
    const size_t room = out.size() < kBuffer ? kBuffer - 1 - std::min(out.size(), kBuffer - 1) : 0;
    out += column.substr(0, room);
    if (out.size() >= kBuffer) break;
  }
  return out;
}

std::string chooseName(const std::string& name1, const std::optional<std::string>& name2, const std::string& label,
                       const std::function<bool(const std::string&)>& taken) {
  std::string candidate = objectName(name1, name2, label);
  for (int pass = 1; taken && taken(candidate); ++pass) candidate = objectName(name1, name2, label + std::to_string(pass));
  return candidate;
}

std::string primaryKeyName(const std::string& table) { return objectName(table, std::nullopt, "pkey"); }

std::string uniqueName(const std::string& table, const std::vector<std::string>& columns) {
  return objectName(table, columnsPart(columns), "key");
}

std::string foreignKeyName(const std::string& table, const std::vector<std::string>& columns) {
  return objectName(table, columnsPart(columns), "fkey");
}

std::string indexName(const std::string& table, const std::vector<std::string>& columns) {
  return objectName(table, columnsPart(columns), "idx");
}

std::string checkName(const std::string& table, const std::optional<std::string>& onlyColumn) {
  return objectName(table, onlyColumn, "check");
}

}  // namespace exporting
