#include "pg/catalog_decode.hpp"

#include <charconv>

namespace pg {

std::vector<int> attributeNumbers(std::string_view text) {
  std::vector<int> out;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    if (*p != '-' && (*p < '0' || *p > '9')) {
      ++p;
      continue;
    }
    int n = 0;
    const auto [next, error] = std::from_chars(p, end, n);
    if (error != std::errc()) {  // a sign with no digits after it
      ++p;
      continue;
    }
    out.push_back(n);
    p = next;
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
