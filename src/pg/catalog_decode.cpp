#include "pg/catalog_decode.hpp"

#include <cstdlib>

namespace pg {

std::vector<int> attributeNumbers(std::string_view text) {
  std::vector<int> out;
  const std::string s(text);  // strtol needs the terminating NUL
  const char* p = s.c_str();
  while (*p) {
    while (*p && *p != '-' && (*p < '0' || *p > '9')) ++p;
    if (!*p) break;
    char* end = nullptr;
    const long n = std::strtol(p, &end, 10);
    if (end == p) {  // a sign with no digits after it
      ++p;
      continue;
    }
    out.push_back(static_cast<int>(n));
    p = end;
  }
  return out;
}

schema::FkAction fkActionOf(char code) {
  switch (code) {
    case 'r': return schema::FkAction::Restrict;
    case 'c': return schema::FkAction::Cascade;
    case 'n': return schema::FkAction::SetNull;
    case 'd': return schema::FkAction::SetDefault;
    default: return schema::FkAction::NoAction;
  }
}

std::string withSchema(const std::string& query, const std::string& literal) {
  std::string out = query;
  for (auto at = out.find("$1"); at != std::string::npos; at = out.find("$1", at + literal.size()))
    out.replace(at, 2, literal);
  return out;
}

std::vector<std::string> TableRef::names(const schema::Table& t, const std::vector<int>& attnums) const {
  std::vector<std::string> out;
  out.reserve(attnums.size());
  for (int n : attnums)
    if (n > 0 && static_cast<size_t>(n) < columnAt.size() && columnAt[n] >= 0) out.push_back(t.columns[columnAt[n]].name);
  return out;
}

}  // namespace pg
