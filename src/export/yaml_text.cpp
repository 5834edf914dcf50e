#include "export/yaml_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string_view>

namespace exporting {

namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kLineWidth = 120;  // a flow item longer than this is written as a block

// Words YAML 1.1 (kubectl's reader) or 1.2 resolves to a boolean or null when plain.
bool isReservedWord(const std::string& text) {
  static const std::array<const char*, 11> words = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ""};
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find_if(words.begin(), words.end(), [&](const char* w) { return lower == w; }) != words.end();
}

// Plain only for text made of letters, digits, single inner spaces and `_ . - ( ) / < > = + *`,
// starting with a letter or `_`: nothing there can start a number, a tag, an anchor, a comment or
// a flow collection, nor end a key (no `:`, `#`, `,`, brackets or quotes anywhere).
bool plainIsSafe(const std::string& text) {
  if (text.empty() || isReservedWord(text)) return false;
  const unsigned char first = static_cast<unsigned char>(text[0]);
  if (!std::isalpha(first) && first != '_') return false;
  if (text.back() == ' ') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c) || std::string_view("_.-()/<>=+*").find(static_cast<char>(c)) != std::string_view::npos) continue;
    if (c == ' ' && text[i - 1] != ' ') continue;
    return false;
  }
  return true;
}

std::string hexEscape(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", c);
  return buf;
}

// The characters YAML 1.1 counts as line breaks (NEL, LS, PS) and the byte-order mark, which a
// reader could fold or drop even inside quotes: written as escapes.
std::optional<std::string> unicodeEscape(const std::string& text, size_t i) {
  const auto at = [&](size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
  if (at(0) == 0xC2 && at(1) == 0x85) return "\\N";
  if (at(0) == 0xE2 && at(1) == 0x80 && at(2) == 0xA8) return "\\L";
  if (at(0) == 0xE2 && at(1) == 0x80 && at(2) == 0xA9) return "\\P";
  if (at(0) == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return "\\uFEFF";
  return std::nullopt;
}

std::string doubleQuoted(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (auto escape = unicodeEscape(text, i)) {
      out += *escape;
      i += (c == 0xC2) ? 1 : 2;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += (c < 0x20 || c == 0x7F) ? hexEscape(c) : std::string(1, static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string scalar(const Json& value) {
  if (value.is_string()) return yamlScalar(value.get<std::string>());
  if (value.is_null()) return "null";
  return value.dump();  // numbers and booleans
}

bool isScalar(const Json& value) { return !value.is_object() && !value.is_array(); }

// Whether a value reads well on one line: scalars, lists of scalars, and maps of those (nested
// maps included, as `references: {table: t, columns: [id]}`).
bool flowable(const Json& value) {
  if (isScalar(value)) return true;
  if (value.is_array()) return std::all_of(value.begin(), value.end(), [](const Json& v) { return isScalar(v); });
  return std::all_of(value.begin(), value.end(), [](const Json& v) { return flowable(v); });
}

std::string flow(const Json& value) {
  if (isScalar(value)) return scalar(value);
  std::string out = value.is_array() ? "[" : "{";
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) out += ", ";
    first = false;
    out += value.is_array() ? flow(*it) : yamlScalar(it.key()) + ": " + flow(it.value());
  }
  return out + (value.is_array() ? "]" : "}");
}

std::string pad(size_t n) { return std::string(n, ' '); }

void blockList(const Json& list, size_t indent, std::string& out);

// `depth` counts maps from the document (0); the outline (the document, metadata and spec, and
// what spec holds directly) is always written as blocks.
void blockMap(const Json& map, size_t indent, size_t depth, std::string& out) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const Json& v = it.value();
    const std::string head = pad(indent) + yamlScalar(it.key()) + ":";
    if (isScalar(v)) {
      out += head + " " + scalar(v) + "\n";
    } else if (v.empty()) {
      out += head + (v.is_array() ? " []\n" : " {}\n");
    } else if (flowable(v) && (v.is_array() || depth >= 2) && head.size() + 1 + flow(v).size() <= kLineWidth) {
      out += head + " " + flow(v) + "\n";
    } else if (v.is_array()) {
      out += head + "\n";
      blockList(v, indent + 2, out);
    } else {
      out += head + "\n";
      blockMap(v, indent + 2, depth + 1, out);
    }
  }
}

void blockList(const Json& list, size_t indent, std::string& out) {
  for (const Json& item : list) {
    if (flowable(item) && indent + 2 + flow(item).size() <= kLineWidth) {
      out += pad(indent) + "- " + flow(item) + "\n";
    } else if (item.is_object()) {
      std::string body;
      blockMap(item, indent + 2, 3, body);
      out += pad(indent) + "- " + body.substr(indent + 2);
    } else if (item.is_array()) {
      out += pad(indent) + "-\n";
      blockList(item, indent + 2, out);
    } else {
      out += pad(indent) + "- " + scalar(item) + "\n";
    }
  }
}

std::string commentSafe(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (auto escape = unicodeEscape(text, i)) {
      out += *escape;
      i += (c == 0xC2) ? 1 : 2;
    } else {
      out += (c < 0x20 || c == 0x7F) ? hexEscape(c) : std::string(1, static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

std::string yamlScalar(const std::string& text) { return plainIsSafe(text) ? text : doubleQuoted(text); }

std::string toYaml(const nlohmann::ordered_json& document, const std::vector<std::string>& comments) {
  std::string out;
  for (const auto& line : comments) out += line.empty() ? "#\n" : "# " + commentSafe(line) + "\n";
  blockMap(document, 0, 0, out);
  return out;
}

}  // namespace exporting
