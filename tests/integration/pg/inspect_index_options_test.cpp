// pg::inspect reads each key's order, NULLS, operator class (only when not the type's default,
// or when it has parameters), collation (only where it differs from the column's) and operator
// class parameters, an index's INCLUDE columns, storage parameters and NULLS NOT DISTINCT, and a
// unique constraint's NULLS NOT DISTINCT.
#include "pg_fixture.hpp"

namespace {

using pgtest::connectTo;
using pgtest::server;

schema::Model inspected(const std::string& sql) {
  const std::string db = server().createDatabase("inspectidx");
  server().exec(db, sql);
  auto conn = connectTo(db);
  EXPECT_TRUE(pg::useSchema(*conn, "public"));
  auto m = pg::inspect(*conn, "public");
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : schema::Model{};
}

const schema::Index& indexNamed(const schema::Table& t, const std::string& name) {
  for (const auto& ix : t.indexes)
    if (ix.name == name) return ix;
  ADD_FAILURE() << name;
  static const schema::Index none;
  return none;
}

}  // namespace

TEST(InspectIndexOptions, ReadsKeyOptionsIncludeAndStorageParameters) {
  const schema::Model m = inspected(R"sql(
CREATE TABLE people (id bigint, email text, city text COLLATE "C", seen timestamptz, doc jsonb, search tsvector);
CREATE INDEX people_keys_idx ON people (seen DESC NULLS LAST, email text_pattern_ops, email COLLATE "C" NULLS FIRST,
  city, lower(email) DESC) INCLUDE (id, doc) WITH (fillfactor = 70, deduplicate_items = off);
CREATE INDEX people_text_ops_idx ON people (email text_ops);
CREATE INDEX people_doc_idx ON people USING gin (doc jsonb_path_ops);
CREATE INDEX people_search_idx ON people USING gist (search tsvector_ops (siglen = 24));
CREATE INDEX people_plain_gist_idx ON people USING gist (search);
)sql");
  const schema::Table* t = m.table("people");
  ASSERT_NE(t, nullptr);
  const schema::Index& keys = indexNamed(*t, "people_keys_idx");
  ASSERT_EQ(keys.keys.size(), 5u);
  EXPECT_EQ(keys.keys[0].column, "seen");
  EXPECT_TRUE(keys.keys[0].descending);
  EXPECT_FALSE(keys.keys[0].nullsFirst);
  EXPECT_EQ(keys.keys[1].opclass, "text_pattern_ops");
  EXPECT_EQ(keys.keys[1].collation, "");
  EXPECT_EQ(keys.keys[2].collation, "C");
  EXPECT_TRUE(keys.keys[2].nullsFirst);
  EXPECT_FALSE(keys.keys[2].descending);
  EXPECT_EQ(keys.keys[3].collation, "");  // the column's own "C"
  EXPECT_EQ(keys.keys[4].expression, "lower(email)");
  EXPECT_TRUE(keys.keys[4].descending);
  EXPECT_TRUE(keys.keys[4].nullsFirst);
  EXPECT_EQ(keys.include, (std::vector<std::string>{"id", "doc"}));
  EXPECT_EQ(keys.with, (schema::Parameters{{"deduplicate_items", "off"}, {"fillfactor", "70"}}));
  EXPECT_FALSE(keys.nullsNotDistinct);

  EXPECT_EQ(indexNamed(*t, "people_text_ops_idx").keys[0].opclass, "");  // text's default class
  EXPECT_EQ(indexNamed(*t, "people_doc_idx").keys[0].opclass, "jsonb_path_ops");
  const schema::IndexKey& search = indexNamed(*t, "people_search_idx").keys[0];
  EXPECT_EQ(search.opclass, "tsvector_ops");  // the default, named because it has parameters
  EXPECT_EQ(search.opclassParameters, (schema::Parameters{{"siglen", "24"}}));
  EXPECT_EQ(indexNamed(*t, "people_plain_gist_idx").keys[0].opclass, "");
}

TEST(InspectIndexOptions, ReadsNullsNotDistinctFromFifteen) {
  auto conn = connectTo(server().createDatabase("inspectnnd"));
  if (conn->server_version() < 150000) {
    // Before 15 the catalog has no indnullsnotdistinct: the read must not ask for it.
    schema::Model m = inspected("CREATE TABLE t (a int UNIQUE, b int); CREATE UNIQUE INDEX t_b_idx ON t (b);");
    ASSERT_NE(m.table("t"), nullptr);
    EXPECT_FALSE(m.table("t")->uniques.at(0).nullsNotDistinct);
    EXPECT_FALSE(m.table("t")->indexes.at(0).nullsNotDistinct);
    return;
  }
  schema::Model m = inspected(
      "CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT, b int, c int UNIQUE);"
      "CREATE UNIQUE INDEX t_b_idx ON t (b) NULLS NOT DISTINCT; CREATE UNIQUE INDEX t_c_idx ON t (c);");
  const schema::Table* t = m.table("t");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->uniques.size(), 2u);
  EXPECT_TRUE(t->uniques[0].nullsNotDistinct);   // t_a_key
  EXPECT_FALSE(t->uniques[1].nullsNotDistinct);  // t_c_key
  EXPECT_TRUE(indexNamed(*t, "t_b_idx").nullsNotDistinct);
  EXPECT_FALSE(indexNamed(*t, "t_c_idx").nullsNotDistinct);
}
