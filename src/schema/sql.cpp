#include "schema/sql.hpp"

namespace schema::sql {

std::string ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string qualified(std::string_view schema, std::string_view name) {
  return ident(schema) + "." + ident(name);
}

std::string literal(std::string_view text) {
  // standard_conforming_strings is on in every supported Postgres, so only quotes need doubling
  // in a plain literal; a backslash switches to E'' so the meaning does not depend on settings.
  const bool escapeBackslash = text.find('\\') != std::string_view::npos;
  std::string out;
  out.reserve(text.size() + 3);
  if (escapeBackslash) out.push_back('E');
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    if (c == '\\' && escapeBackslash) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string literalOrNull(const std::optional<std::string>& text) { return text ? literal(*text) : "NULL"; }

std::string identList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += ident(names[i]);
  }
  return out;
}

}  // namespace schema::sql
