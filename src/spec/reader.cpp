#include "spec/reader.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace spec::detail {

namespace {

bool isBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// Levenshtein distance, to suggest the field a typo meant.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknownFieldMessage(const std::string& key, std::initializer_list<std::string_view> known) {
  std::string_view best;
  size_t bestDistance = 3;  // only near misses are worth a suggestion
  for (auto k : known) {
    const size_t d = editDistance(key, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  if (best.empty()) return "unknown field";
  return "unknown field; did you mean \"" + std::string(best) + "\"?";
}

// YAML 1.2 core schema booleans; `yes`/`on` (YAML 1.1) and quoted text are not booleans to the
// API server either, so they are refused here too.
std::optional<bool> plainBool(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  if (node.Tag() != "?" && node.Tag() != "tag:yaml.org,2002:bool") return std::nullopt;
  const std::string& s = node.Scalar();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

}  // namespace

void Issues::report(std::string field, std::string message) {
  if (!first_) first_ = core::invalid(std::move(field), std::move(message));
}

std::string quoteShort(const std::string& text) {
  constexpr size_t kShown = 64;
  if (text.size() <= kShown) return "\"" + text + "\"";
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return "\"" + text.substr(0, cut) + "...\"";
}

std::string describeNode(const YAML::Node& node, bool redact) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return redact ? "a text value" : quoteShort(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "null";
  }
  return "null";
}

std::string joinPath(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

std::string indexPath(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::optional<std::string> scalarText(const Item& item, Issues& issues) {
  if (item.node.IsNull() || !item.node.IsDefined()) return std::nullopt;
  if (!item.node.IsScalar()) {
    issues.report(item.path, "expected a string, found " + describeNode(item.node));
    return std::nullopt;
  }
  return item.node.Scalar();
}

bool checkIdentifier(const std::string& name, const std::string& path, Issues& issues) {
  if (name.empty()) {
    issues.report(path, "must not be empty");
    return false;
  }
  if (name.size() > 63) {
    issues.report(path, quoteShort(name) + " is " + std::to_string(name.size()) +
                            " bytes, longer than 63 bytes (the Postgres identifier limit)");
    return false;
  }
  return true;
}

Fields::Fields(const Item& item, Issues& issues, Values values)
    : path_(item.path), issues_(&issues), redact_(values == Values::Redacted) {
  if (!item.node.IsMap()) {
    issues.report(path_, "expected a map, found " + describeNode(item.node, redact_));
    return;
  }
  std::unordered_set<std::string> seen;
  for (auto it = item.node.begin(); it != item.node.end(); ++it) {
    if (!it->first.IsScalar()) {
      issues.report(path_, "keys must be text, found " + describeNode(it->first, redact_));
      continue;
    }
    const std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      issues.report(pathOf(key), "duplicate key");
      continue;
    }
    entries_.emplace_back(key, it->second);
  }
}

Fields::Fields(const Item& item, std::initializer_list<std::string_view> known, Issues& issues, Values values)
    : Fields(item, issues, values) {
  rejectUnknown(known);
}

void Fields::rejectUnknown(std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : entries_) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      issues_->report(pathOf(key), unknownFieldMessage(key, known));
  }
}

std::optional<Item> Fields::get(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k != key) continue;
    if (v.IsNull()) return std::nullopt;
    return Item{v, pathOf(key)};
  }
  return std::nullopt;
}

std::optional<std::string> Fields::text(std::string_view key) const {
  auto item = get(key);
  if (!item) return std::nullopt;
  return scalarText(*item, *issues_);
}

std::string Fields::requiredText(std::string_view key) const {
  auto value = text(key);
  if (!value) {
    if (!get(key)) issues_->report(pathOf(key), "must be set");
    return {};
  }
  if (isBlank(*value)) issues_->report(pathOf(key), "must not be empty");
  return *value;
}

std::optional<std::string> Fields::nonBlankText(std::string_view key) const {
  auto value = text(key);
  if (value && isBlank(*value)) issues_->report(pathOf(key), "must not be empty");
  return value;
}

std::optional<std::string> Fields::identifier(std::string_view key) const {
  auto value = text(key);
  if (value) checkIdentifier(*value, pathOf(key), *issues_);
  return value;
}

std::string Fields::requiredIdentifier(std::string_view key) const {
  auto value = text(key);
  if (!value) {
    if (!get(key)) issues_->report(pathOf(key), "must be set");
    return {};
  }
  checkIdentifier(*value, pathOf(key), *issues_);
  return *value;
}

std::optional<bool> Fields::boolean(std::string_view key) const {
  auto item = get(key);
  if (!item) return std::nullopt;
  auto value = plainBool(item->node);
  if (!value) issues_->report(item->path, "expected true or false, found " + describeNode(item->node, redact_));
  return value;
}

std::vector<Item> Fields::list(std::string_view key) const {
  std::vector<Item> out;
  auto item = get(key);
  if (!item) return out;
  if (!item->node.IsSequence()) {
    issues_->report(item->path, "expected a list, found " + describeNode(item->node, redact_));
    return out;
  }
  size_t i = 0;
  for (const auto& element : item->node) out.push_back(Item{element, indexPath(item->path, i++)});
  return out;
}

std::vector<std::string> Fields::identifiers(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& element : list(key)) {
    auto value = scalarText(element, *issues_);
    if (!value) {
      if (element.node.IsNull()) issues_->report(element.path, "must not be null");
      continue;
    }
    checkIdentifier(*value, element.path, *issues_);
    out.push_back(*value);
  }
  return out;
}

std::optional<Fields> Fields::object(std::string_view key, std::initializer_list<std::string_view> known,
                                     Values values) const {
  auto item = get(key);
  if (!item) return std::nullopt;
  return Fields(*item, known, *issues_, redact_ ? Values::Redacted : values);
}

}  // namespace spec::detail
