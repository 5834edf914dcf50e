#pragma once
// Which scratch table each canonicalize question is asked on (pg/canonicalize.cpp): pure, no
// server. Questions with checks or predicates share a table while the columns their expressions
// name agree in type; each table takes at most kColumnsPerTable columns.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "schema/canon.hpp"

namespace pg {

// A table holds at most 1,600 columns; a scratch table takes no more than this many.
inline constexpr size_t kColumnsPerTable = 1000;

// The columns of q that its checks and predicates may name: only these go on its group's table,
// so that two tables sharing a column name with different types ("name" varchar(80) in one,
// varchar(200) in the other) still share a table when neither's checks mention "name". Over-
// inclusion only costs a group: a reference to a plain lower-case name contains that name (quoted
// or not, in any case), and every other spelling — a name needing quotes, or a U&"" escape that
// can spell any name — keeps all of q's columns.
std::vector<const schema::TableQuestion::ColumnQ*> namedColumns(const schema::TableQuestion& q);

// Questions with checks or predicates, grouped: each group's questions agree on the type of every
// column name they share and name.
struct ScratchGroup {
  std::vector<size_t> questions;              // indexes into CanonQuestions::tables
  std::map<std::string, std::string> typeOf;  // column -> type
  std::vector<std::string> columns;           // in the order first seen
};

std::vector<ScratchGroup> groupQuestions(const schema::CanonQuestions& questions);

}  // namespace pg
