#include "pg/catalog_decode.hpp"

#include <algorithm>
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

schema::Parameters parameters(const std::vector<std::string>& options) {
  schema::Parameters out;
  for (const auto& option : options) {
    const auto eq = option.find('=');
    if (eq == std::string::npos) out.emplace_back(option, "");
    else out.emplace_back(option.substr(0, eq), option.substr(eq + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void applyKeyOptions(std::vector<schema::IndexKey>& keys, const std::vector<int>& indoption,
                     const std::vector<std::string>& opclasses, const std::vector<std::string>& collations,
                     const std::map<int, std::vector<std::string>>& attoptions) {
  constexpr int kDesc = 1, kNullsFirst = 2;  // INDOPTION_DESC, INDOPTION_NULLS_FIRST
  for (size_t k = 0; k < keys.size(); ++k) {
    schema::IndexKey& key = keys[k];
    const int option = k < indoption.size() ? indoption[k] : 0;
    key.descending = (option & kDesc) != 0;
    key.nullsFirst = (option & kNullsFirst) != 0;
    if (k < opclasses.size()) key.opclass = opclasses[k];
    if (k < collations.size()) key.collation = collations[k];
    if (auto it = attoptions.find(static_cast<int>(k) + 1); it != attoptions.end()) key.opclassParameters = parameters(it->second);
  }
}

const char* const kGranteeName =
    "CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END";

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

std::string partitionStrategyOf(char code) {
  switch (code) {
    case 'l': return "list";
    case 'h': return "hash";
    default: return "range";
  }
}

std::vector<std::string> partitionKeyParts(std::string_view definition) {
  std::vector<std::string> out;
  const size_t open = definition.find('(');
  const size_t close = definition.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open) return out;
  const std::string_view inner = definition.substr(open + 1, close - open - 1);
  int depth = 0;
  char quote = 0;  // ' or " while inside one
  std::string part;
  auto finish = [&] {
    const size_t first = part.find_first_not_of(' ');
    const size_t last = part.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
    part.clear();
  };
  for (char c : inner) {
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote closes and opens again: the same either way
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      finish();
      continue;
    }
    part.push_back(c);
  }
  finish();
  return out;
}

std::optional<std::string> triggerWhenOf(std::string_view definition) {
  constexpr std::string_view kWhen = "WHEN (";
  bool quoted = false;
  size_t start = std::string_view::npos;
  for (size_t i = 0; i < definition.size() && start == std::string_view::npos; ++i) {
    if (definition[i] == '"') quoted = !quoted;
    else if (!quoted && definition.substr(i, kWhen.size()) == kWhen && i > 0 && definition[i - 1] == ' ')
      start = i + kWhen.size();
  }
  if (start == std::string_view::npos) return std::nullopt;
  int depth = 1;
  char quote = 0;  // ' or " while inside one; a doubled quote closes and opens again
  for (size_t i = start; i < definition.size(); ++i) {
    const char c = definition[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return std::string(definition.substr(start, i - start));
    }
  }
  return std::nullopt;  // unbalanced: not a text Postgres printed
}

std::vector<std::string> triggerArguments(std::string_view hex, size_t count) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 0; i + 1 < hex.size() && out.size() < count; i += 2) {
    const char byte = static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    if (byte != '\0') {
      current.push_back(byte);
      continue;
    }
    out.push_back(std::move(current));
    current.clear();
  }
  return out;
}

}  // namespace pg
