// Safety, as in pg/canonicalize.cpp: the author's key expressions and bounds are pasted into DDL
// on scratch tables only, each statement sent alone through the extended protocol (which runs
// exactly one statement; all of them in one round trip, pg/pipelined.hpp), in a transaction that is always rolled back; and what the scratch
// tables became is checked against what was asked (a partitioned table with as many keys as
// declared; partitions that are plain tables with no storage options of their own), so text that
// smuggles in a sub-partitioning, storage parameters or a tablespace is refused. Only Postgres's
// printed text goes on to the plan. A bound's expressions are evaluated once, in that transaction.
#include "pg/partitions.hpp"

#include <map>

#include <pqxx/result>
#include <pqxx/transaction>

#include "pg/pqerror.hpp"
#include "pg/user_types.hpp"
#include "schema/sql.hpp"

namespace pg {

namespace {

using schema::sql::ident;

std::string parentScratch(size_t i) { return "so_part_" + std::to_string(i); }
std::string partitionScratch(size_t i, size_t j) { return "so_part_" + std::to_string(i) + "_" + std::to_string(j); }

// Every scratch table of this session made here, with what it became.
constexpr const char* kReadBack =
    "SELECT c.relname, c.relkind, c.reloptions IS NULL AND c.reltablespace = 0,"
    " CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,"
    " (SELECT pt.partnatts FROM pg_catalog.pg_partitioned_table pt WHERE pt.partrelid = c.oid),"
    " CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END"
    " FROM pg_catalog.pg_class c"
    " WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relname LIKE 'so\\_part\\_%'";

struct Made {
  char kind = 0;
  bool plain = false;  // no storage options, default tablespace
  std::string key;     // pg_get_partkeydef
  int keyCount = 0;
  std::string bounds;  // pg_get_expr(relpartbound)
};

std::string parentSql(size_t i, const schema::PartitionQuestion& q) {
  std::string columns;
  for (const auto& [name, type] : q.columns) columns += (columns.empty() ? "" : ", ") + ident(name) + " " + type;
  for (const auto& unique : q.uniqueKeys) columns += ", UNIQUE (" + schema::sql::identList(unique) + ")";
  std::string keys;
  for (const auto& k : q.keys) keys += (keys.empty() ? "" : ", ") + k;
  return "CREATE TEMPORARY TABLE " + ident(parentScratch(i)) + " (" + columns + ") PARTITION BY " + q.strategy + " (" +
         keys + ")";
}

std::string partitionSql(size_t i, size_t j, const schema::PartitionQuestion::Bound& b) {
  return "CREATE TEMPORARY TABLE " + ident(partitionScratch(i, j)) + " PARTITION OF pg_temp." + ident(parentScratch(i)) +
         " " + b.bounds;
}

}  // namespace

core::Result<schema::PartitionAnswers> askPartitions(pqxx::connection& conn, const std::string& schemaName,
                                                     const schema::CanonQuestions& planned,
                                                     const std::vector<schema::PartitionQuestion>& questions) {
  schema::PartitionAnswers answers;
  if (questions.empty()) return answers;
  try {
    pqxx::work tx(conn, "partition-questions");
    // Every scratch table in one round trip, each statement alone; the field of each, to name
    // it when Postgres refuses it.
    std::vector<std::string> statements, fields;
    for (size_t i = 0; i < questions.size(); ++i) {
      statements.push_back(parentSql(i, questions[i]));
      fields.push_back(questions[i].field);
      for (size_t j = 0; j < questions[i].bounds.size(); ++j) {
        statements.push_back(partitionSql(i, j, questions[i].bounds[j]));
        fields.push_back(questions[i].bounds[j].field + ".bounds");
      }
    }
    if (auto refused = detail::makeScratch(tx, schemaName, planned, statements, fields)) {
      tx.abort();
      return *refused;
    }
    std::map<std::string, Made> made;
    for (const auto& row : tx.exec_params(kReadBack)) {
      Made& m = made[row[0].c_str()];
      m.kind = row[1].c_str()[0];
      m.plain = row[2].c_str()[0] == 't';
      if (!row[3].is_null()) m.key = row[3].c_str();
      if (!row[4].is_null()) m.keyCount = row[4].as<int>();
      if (!row[5].is_null()) m.bounds = row[5].c_str();
    }
    tx.abort();  // scratch only: nothing is ever committed
    for (size_t i = 0; i < questions.size(); ++i) {
      const auto& q = questions[i];
      const Made& parent = made[parentScratch(i)];
      if (parent.kind != 'p' || !parent.plain || parent.keyCount != static_cast<int>(q.keys.size()))
        return core::invalid(q.field, "not a partition key of " + std::to_string(q.keys.size()) +
                                          (q.keys.size() == 1 ? " column or expression" : " columns or expressions") +
                                          " (the text defines something more)");
      answers.keys[q.parent] = parent.key;
      for (size_t j = 0; j < q.bounds.size(); ++j) {
        const Made& partition = made[partitionScratch(i, j)];
        if (partition.kind != 'r' || !partition.plain || partition.bounds.empty())
          return core::invalid(q.bounds[j].field + ".bounds",
                               "not only a partition bound: the text defines something more (a sub-partitioning, "
                               "storage parameters or a tablespace)");
        answers.bounds[q.bounds[j].partition] = partition.bounds;
      }
    }
  } catch (const std::exception& e) {
    return detail::fromException(e, "cannot check the declared partition keys and bounds");
  }
  return answers;
}

}  // namespace pg
