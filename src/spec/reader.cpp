#include "spec/reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_set>

#include "core/utf8.hpp"

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
std::optional<bool> plainBool(const Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string_view tag = node.Tag();
  if (tag != "?" && tag != "tag:yaml.org,2002:bool") return std::nullopt;
  const std::string_view s = node.Scalar();
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

std::string describeNode(const Node& node, bool redact) {
  switch (node.kind()) {
    case NodeKind::Map: return "a map";
    case NodeKind::Sequence: return "a list";
    case NodeKind::Scalar: return redact ? "a text value" : quoteShort(std::string(node.Scalar()));
    case NodeKind::Null: return "null";  // and undefined
  }
  return "null";
}

std::string joinPath(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out;
  out.reserve(path.size() + 1 + key.size());
  out += path;
  out += '.';
  out += key;
  return out;
}

std::string indexPath(const std::string& path, size_t index) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  std::string out;
  out.reserve(path.size() + static_cast<size_t>(end - digits) + 2);
  out += path;
  out += '[';
  out.append(digits, end);
  out += ']';
  return out;
}

// Every text of a document ends up in a statement or a catalog: a NUL byte or invalid UTF-8 is
// refused here, with the field, before anything connects.
bool checkText(std::string_view text, const std::string& path, Issues& issues) {
  if (auto problem = core::textProblem(text)) {
    issues.report(path, "the text " + *problem);
    return false;
  }
  return true;
}

std::optional<std::string> scalarText(const Item& item, Issues& issues) {
  if (item.node.IsNull() || !item.node.IsDefined()) return std::nullopt;
  if (!item.node.IsScalar()) {
    issues.report(item.path, "expected a string, found " + describeNode(item.node));
    return std::nullopt;
  }
  if (!checkText(item.node.Scalar(), item.path, issues)) return std::nullopt;
  return std::string(item.node.Scalar());
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
  const size_t n = item.node.size();
  entries_.reserve(n);
  // Duplicates: a scan of the keys kept so far in small maps, a hash set in large ones.
  constexpr size_t kScanned = 16;
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < n; ++i) {
    const Node keyNode = item.node.key(i);
    if (!keyNode.IsScalar()) {
      issues.report(path_, "keys must be text, found " + describeNode(keyNode, redact_));
      continue;
    }
    const std::string_view key = keyNode.Scalar();
    bool duplicate = false;
    if (n <= kScanned) {
      for (const auto& [k, v] : entries_)
        if (k == key) duplicate = true;
    } else {
      duplicate = !seen.insert(key).second;  // views of the key nodes' text, which outlive this
    }
    if (duplicate) {
      issues.report(pathOf(key), "duplicate key");
      continue;
    }
    entries_.emplace_back(std::string(key), item.node.value(i));
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

const Node* Fields::find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k != key) continue;
    return v.IsNull() ? nullptr : &v;
  }
  return nullptr;
}

std::optional<Item> Fields::get(std::string_view key) const {
  const Node* node = find(key);
  if (!node) return std::nullopt;
  return Item{*node, pathOf(key)};
}

// The accessors below build a field's path only when they report it.

std::optional<std::string> Fields::text(std::string_view key) const {
  const Node* node = find(key);
  if (!node || !node->IsDefined()) return std::nullopt;
  if (!node->IsScalar()) {
    issues_->report(pathOf(key), "expected a string, found " + describeNode(*node));
    return std::nullopt;
  }
  if (!checkText(node->Scalar(), pathOf(key), *issues_)) return std::nullopt;
  return std::string(node->Scalar());
}

std::string Fields::requiredText(std::string_view key) const {
  auto value = text(key);
  if (!value) {
    if (!find(key)) issues_->report(pathOf(key), "must be set");
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

namespace {
bool validIdentifier(const std::string& name) { return !name.empty() && name.size() <= 63; }
}  // namespace

std::optional<std::string> Fields::identifier(std::string_view key) const {
  auto value = text(key);
  if (value && !validIdentifier(*value)) checkIdentifier(*value, pathOf(key), *issues_);
  return value;
}

std::string Fields::requiredIdentifier(std::string_view key) const {
  auto value = text(key);
  if (!value) {
    if (!find(key)) issues_->report(pathOf(key), "must be set");
    return {};
  }
  if (!validIdentifier(*value)) checkIdentifier(*value, pathOf(key), *issues_);
  return *value;
}

std::optional<bool> Fields::boolean(std::string_view key) const {
  const Node* node = find(key);
  if (!node) return std::nullopt;
  auto value = plainBool(*node);
  if (!value) issues_->report(pathOf(key), "expected true or false, found " + describeNode(*node, redact_));
  return value;
}

std::optional<long long> Fields::integer(std::string_view key) const {
  const Node* node = find(key);
  if (!node) return std::nullopt;
  const std::string_view text = node->IsScalar() ? node->Scalar() : std::string_view();
  const std::string_view tag = node->IsScalar() ? node->Tag() : std::string_view();
  long long value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') ++begin;  // YAML's core schema allows a leading +
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if ((tag == "?" || tag == "tag:yaml.org,2002:int") && !text.empty() && ec == std::errc() && ptr == end) return value;
  if (ec == std::errc::result_out_of_range && ptr == end)
    issues_->report(pathOf(key), quoteShort(std::string(text)) + " does not fit in 64 bits");
  else if (ec == std::errc() && ptr == end && !text.empty())
    issues_->report(pathOf(key), "expected a whole number, found the text " + quoteShort(std::string(text)) +
                                     "; write it without quotes");
  else
    issues_->report(pathOf(key), "expected a whole number, found " + describeNode(*node, redact_));
  return std::nullopt;
}

std::vector<Item> Fields::list(std::string_view key) const {
  std::vector<Item> out;
  auto item = get(key);
  if (!item) return out;
  if (!item->node.IsSequence()) {
    issues_->report(item->path, "expected a list, found " + describeNode(item->node, redact_));
    return out;
  }
  const size_t n = item->node.size();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(Item{item->node.item(i), indexPath(item->path, i)});
  return out;
}

std::vector<std::string> Fields::identifiers(std::string_view key) const {
  std::vector<std::string> out;
  const Node* node = find(key);
  if (!node) return out;
  if (!node->IsSequence()) {
    issues_->report(pathOf(key), "expected a list, found " + describeNode(*node, redact_));
    return out;
  }
  const size_t n = node->size();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Node element = node->item(i);
    if (element.IsNull() || !element.IsDefined()) {
      if (element.IsNull()) issues_->report(indexPath(pathOf(key), i), "must not be null");
      continue;
    }
    if (!element.IsScalar()) {
      issues_->report(indexPath(pathOf(key), i), "expected a string, found " + describeNode(element));
      continue;
    }
    if (!checkText(element.Scalar(), indexPath(pathOf(key), i), *issues_)) continue;
    std::string value(element.Scalar());
    if (!validIdentifier(value)) checkIdentifier(value, indexPath(pathOf(key), i), *issues_);
    out.push_back(std::move(value));
  }
  return out;
}

std::optional<Fields> Fields::object(std::string_view key, std::initializer_list<std::string_view> known,
                                     Values values) const {
  auto item = get(key);
  if (!item) return std::nullopt;
  return Fields(*item, known, *issues_, redact_ ? Values::Redacted : values);
}

std::string oneOf(const Fields& fields, std::string_view key, const std::vector<std::string>& words,
                  const std::string& fallback) {
  auto value = fields.text(key);
  if (!value) return fallback;
  if (std::find(words.begin(), words.end(), *value) != words.end()) return *value;
  std::string list;
  for (size_t i = 0; i < words.size(); ++i)
    list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  fields.issues().report(fields.pathOf(key), "must be " + list + ", found " + quoteShort(*value));
  return fallback;
}

}  // namespace spec::detail
