#pragma once
// Partitioning (contract Part 2): the questions Postgres answers about declared partition keys
// and bounds, and the declared model made of its answers. A key's expressions and a partition's
// bounds are the author's SQL text: they reach a statement only as Postgres printed them back
// (pg_get_partkeydef, pg_get_expr(relpartbound)), after it created them on scratch tables
// (pg::askPartitions). Pure: no I/O.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "schema/model.hpp"

namespace schema {

// One declared partitioned table: a scratch copy of it is made with the declared key, and a
// scratch partition of it for each declared bound that is not, on its face, the live one.
struct PartitionQuestion {
  std::string parent;                                        // declared name
  std::vector<std::pair<std::string, std::string>> columns;  // (name, type as SQL), canonical
  std::string strategy;                                      // RANGE | LIST | HASH
  std::vector<std::string> keys;  // a quoted column, or the author's expression in parentheses
  std::string field;              // the parent's partitionBy
  // The columns of its primary key and unique constraints: Postgres requires each to hold the
  // partition key's columns, which the scratch copy proves before a plan says it can be made.
  std::vector<std::vector<std::string>> uniqueKeys;
  struct Bound {
    std::string partition;  // declared name
    std::string bounds;     // as written
    std::string field;      // the partition's partitionOf
  };
  std::vector<Bound> bounds;
};

struct PartitionAnswers {
  std::map<std::string, std::string> keys;    // declared parent -> pg_get_partkeydef
  std::map<std::string, std::string> bounds;  // declared partition -> pg_get_expr(relpartbound)
};

// What must be asked: every declared partitioned table whose key, or one of whose partitions'
// bounds, is not the live one on its face. `want` is the canonical model (types as Postgres
// spells them), so the scratch columns are the declared ones.
std::vector<PartitionQuestion> partitionQuestions(const Model& have, const Model& want);

// `want` with every partition key and bound in Postgres's own text: the answer, or the live
// text where the declaration is on its face the same. A text with neither is an error naming
// its field, never used as written.
core::Result<Model> withPartitionAnswers(const Model& have, Model want, const PartitionAnswers& answers);

// The key as pg_get_partkeydef would print it if the author wrote it as Postgres does ("RANGE
// (created_at)"): what the live key is compared with before asking.
std::string keyOnItsFace(const PartitionBy& by);

}  // namespace schema
