#pragma once
// The pure part of reading the catalog (pg/inspect.cpp): the text forms of its columns decoded,
// and attribute numbers named. No server, no libpqxx.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace pg {

// The numbers of an int2[] ("{1,3}") or int2vector ("1 3") as text; 0 (an expression's key) kept.
std::vector<int> attributeNumbers(std::string_view text);

// pg_constraint.confdeltype / confupdtype: a, r, c, n, d.
schema::FkAction fkActionOf(char code);

// pg_partitioned_table.partstrat: r, l, h -> "range", "list", "hash".
std::string partitionStrategyOf(char code);

// The keys of a pg_get_partkeydef text ("RANGE (lower(name), id)" -> "lower(name)", "id"): split
// at the commas outside parentheses and quotes.
std::vector<std::string> partitionKeyParts(std::string_view definition);
// "fillfactor=90" entries of reloptions or attoptions as parameters, sorted by name.
schema::Parameters parameters(const std::vector<std::string>& options);

// Each key's options from the index catalog: `indoption` bits (1 DESC, 2 NULLS FIRST) in key
// order; operator classes and collations in key order ("" for the default; an empty list when the
// index has none but defaults); operator class parameters by index attribute number (key k is
// attribute k + 1).
void applyKeyOptions(std::vector<schema::IndexKey>& keys, const std::vector<int>& indoption,
                     const std::vector<std::string>& opclasses, const std::vector<std::string>& collations,
                     const std::map<int, std::vector<std::string>>& attoptions);

// The condition of a pg_get_triggerdef text ("CREATE TRIGGER t BEFORE UPDATE ON s.t FOR EACH ROW
// WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION f()" -> "(old.* IS DISTINCT FROM new.*)"),
// or nullopt when it has none. Before WHEN, every name is a quoted identifier or a plain word, so
// the first WHEN ( outside double quotes starts it; it ends at its matching parenthesis, string
// literals and quoted names skipped.
std::optional<std::string> triggerWhenOf(std::string_view definition);

// pg_trigger.tgargs as hex ("6100620000" -> "a", "b"): `count` NUL-terminated strings.
std::vector<std::string> triggerArguments(std::string_view hex, size_t count);

// The query with each $1 replaced by `literal` (the schema name, already quoted); text inside the
// literal is never replaced again.
std::string withSchema(const std::string& query, const std::string& literal);

// The grantee of an aclexplode row `a` by name, "public" for PUBLIC (oid 0): how every ACL read
// names roles, as the model does.
extern const char* const kGranteeName;

// A table read by the columns query: where it is in the model, and which of its columns each
// attribute number is.
struct TableRef {
  size_t index;
  std::vector<int> columnAt;  // attnum -> index in columns, -1 for none

  // Names of the attribute numbers in order; numbers that name no column are skipped.
  std::vector<std::string> names(const schema::Table& t, const std::vector<int>& attnums) const;
};

}  // namespace pg
