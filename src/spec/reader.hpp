#pragma once
// Reading YAML nodes field by field, with the path of each field for errors. The first problem
// found is kept and later reads carry on harmlessly, so the parse code reads as a list of fields
// rather than a ladder of early returns; the entry points turn it into a Result.
// Internal to src/spec.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "spec/yaml_tree.hpp"

namespace spec::detail {

// The first error wins: later ones are usually consequences of it.
class Issues {
 public:
  void report(std::string field, std::string message);
  bool ok() const { return !first_; }
  const core::Error& first() const { return *first_; }

 private:
  std::optional<core::Error> first_;
};

// A list element (or any node) with the path that names it.
struct Item {
  Node node;
  std::string path;
};

// What a node holds, in the words of an error: `a map`, `a list`, `null`, `"maybe"`. Long text is
// cut short; `redact` leaves text out altogether (where a connection string may have been pasted:
// errors end up in status, which must never show one).
std::string describeNode(const Node& node, bool redact = false);
// `"text"`, cut short when long.
std::string quoteShort(const std::string& text);

// "spec" + "tables" -> "spec.tables"; "" + "kind" -> "kind".
std::string joinPath(const std::string& path, std::string_view key);
// "spec.tables" + 2 -> "spec.tables[2]".
std::string indexPath(const std::string& path, size_t index);

// Text Postgres can take (valid UTF-8, no NUL byte); reports `path` and returns false otherwise.
bool checkText(std::string_view text, const std::string& path, Issues& issues);
// A scalar as text; null is nullopt; a list or map is reported.
std::optional<std::string> scalarText(const Item& item, Issues& issues);
// A name that becomes a Postgres identifier: non-empty and at most 63 bytes. Reports and returns
// false otherwise.
bool checkIdentifier(const std::string& name, const std::string& path, Issues& issues);

class Fields;

// The text at `key` when it is one of `words`; `fallback` when unset, or after reporting what was
// found ("must be a, b or c, found ...").
std::string oneOf(const Fields& fields, std::string_view key, const std::vector<std::string>& words,
                  const std::string& fallback);

// A YAML map opened for reading. Duplicate and non-text keys are reported when it is opened;
// keys outside `known` are reported as unknown fields (when a known list is given).
class Fields {
 public:
  enum class Values { Shown, Redacted };  // whether errors may quote the values found
  Fields(const Item& item, Issues& issues, Values values = Values::Shown);
  Fields(const Item& item, std::initializer_list<std::string_view> known, Issues& issues,
         Values values = Values::Shown);

  // Reports every key not in `known` as `path.key: unknown field`.
  void rejectUnknown(std::initializer_list<std::string_view> known);

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return joinPath(path_, key); }
  Issues& issues() const { return *issues_; }
  // Keys in document order, with their values.
  const std::vector<std::pair<std::string, Node>>& entries() const { return entries_; }

  // The value at `key`; nullopt when absent or null (Kubernetes treats both as "not set").
  std::optional<Item> get(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }  // get(key) would give a value

  std::optional<std::string> text(std::string_view key) const;
  // Text that must be set and not blank.
  std::string requiredText(std::string_view key) const;
  // Optional text that, when set, must not be blank.
  std::optional<std::string> nonBlankText(std::string_view key) const;
  std::optional<std::string> identifier(std::string_view key) const;
  std::string requiredIdentifier(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  // A whole number that fits 64 bits, written plain (a quoted "5" is text, as to the API server).
  std::optional<long long> integer(std::string_view key) const;
  // Elements of a list; absent or null is an empty list.
  std::vector<Item> list(std::string_view key) const;
  std::vector<std::string> identifiers(std::string_view key) const;
  // A nested map; nullopt when absent or null. It redacts when this map does or `values` says so.
  std::optional<Fields> object(std::string_view key, std::initializer_list<std::string_view> known,
                               Values values = Values::Shown) const;

 private:
  const Node* find(std::string_view key) const;  // the value at key; nullptr when absent or null

  std::string path_;
  Issues* issues_;
  bool redact_;
  std::vector<std::pair<std::string, Node>> entries_;
};

}  // namespace spec::detail
