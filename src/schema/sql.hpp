#pragma once
// SQL text building blocks. Every identifier is quoted and every literal escaped: names from a
// resource are never pasted into SQL as they are.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schema::sql {

// "name" with embedded quotes doubled. Always quoted, so case and reserved words survive.
std::string ident(std::string_view name);
// "schema"."name"
std::string qualified(std::string_view schema, std::string_view name);
// 'text' with quotes doubled; E'' form when the text holds a backslash. nullopt -> NULL.
std::string literal(std::string_view text);
std::string literalOrNull(const std::optional<std::string>& text);
// "a", "b", "c"
std::string identList(const std::vector<std::string>& names);

}  // namespace schema::sql
