#include "harness_table.hpp"

#include "core/text.hpp"

namespace kubetest {

namespace {
struct Column {
  std::string name;
  size_t start;
};

std::vector<std::string> textLines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// Column names are separated by runs of two or more spaces (kubectl pads with three); single
// spaces belong to a name (LAST SEEN, CREATED AT).
std::vector<Column> columns(const std::string& header) {
  std::vector<Column> out;
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && header[i] == ' ') ++i;
    if (i >= header.size()) break;
    size_t start = i;
    while (i < header.size() && !(header[i] == ' ' && (i + 1 >= header.size() || header[i + 1] == ' '))) ++i;
    out.push_back({header.substr(start, i - start), start});
  }
  return out;
}
}  // namespace

std::vector<std::string> tableHeader(const std::string& text) {
  std::vector<std::string> out;
  auto lines = textLines(text);
  if (lines.empty()) return out;
  for (const auto& c : columns(lines[0])) out.push_back(c.name);
  return out;
}

std::vector<std::map<std::string, std::string>> tableRows(const std::string& text) {
  std::vector<std::map<std::string, std::string>> out;
  auto lines = textLines(text);
  if (lines.empty()) return out;
  auto cols = columns(lines[0]);
  for (size_t l = 1; l < lines.size(); ++l) {
    if (core::trim(lines[l]).empty()) continue;
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < cols.size(); ++c) {
      size_t start = cols[c].start;
      size_t end = c + 1 < cols.size() ? cols[c + 1].start : std::string::npos;
      row[cols[c].name] = start < lines[l].size() ? core::trim(lines[l].substr(start, end == std::string::npos ? end : end - start)) : "";
    }
    out.push_back(row);
  }
  return out;
}

std::map<std::string, std::string> tableRow(const std::string& text, const std::string& name) {
  for (auto& row : tableRows(text))
    if (row["NAME"] == name) return row;
  return {};
}

}  // namespace kubetest
