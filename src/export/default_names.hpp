#pragma once
// The names Postgres gives a constraint or index created without one, so that export can leave
// out a name that Postgres would give again. The rule (ChooseRelationName, ChooseConstraintName
// and makeObjectName in PostgreSQL's source):
//   - the name is "<table>_<columns>_<label>", the columns joined by "_" (no columns part for
//     pkey and for a check that does not name exactly one column);
//   - when that is longer than 63 bytes, the longer of the table and the columns part loses a
//     byte at a time (the columns part on a tie) until it fits; each is then cut back to a whole
//     UTF-8 character;
//   - while the name is taken, the label gets a number: "_key1", "_key2", ...
// Pure: no catalog; the caller says which names are taken.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace exporting {

inline constexpr size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

// "<name1>_<name2>_<label>" (no "_<name2>" when it is nullopt) cut to 63 bytes as Postgres cuts it.
std::string objectName(const std::string& name1, const std::optional<std::string>& name2, const std::string& label);

// The columns part of a generated name: the column names joined by "_", given up once it has
// reached 63 bytes (Postgres stops adding columns there; objectName cuts the rest).
std::string columnsPart(const std::vector<std::string>& columns);

// objectName, then with "label1", "label2"... while `taken` says the name is used.
std::string chooseName(const std::string& name1, const std::optional<std::string>& name2, const std::string& label,
                       const std::function<bool(const std::string&)>& taken);

// The names of a table's objects when nothing is taken.
std::string primaryKeyName(const std::string& table);                                      // t_pkey
std::string uniqueName(const std::string& table, const std::vector<std::string>& columns);  // t_a_b_key
std::string foreignKeyName(const std::string& table, const std::vector<std::string>& columns);  // t_a_fkey
std::string indexName(const std::string& table, const std::vector<std::string>& columns);   // t_a_idx
// t_a_check when the expression names exactly one column `a`, else t_check.
std::string checkName(const std::string& table, const std::optional<std::string>& onlyColumn);

}  // namespace exporting
