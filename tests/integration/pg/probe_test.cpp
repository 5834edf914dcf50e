// pg::probe: facts about the data (rows, NULLs, seed rows) in one query.
#include "pg_fixture.hpp"

namespace {

using pgtest::connectTo;
using pgtest::server;

class Probe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = server().createDatabase("probe");
    server().exec(db_, R"sql(
      CREATE SCHEMA "Shop";
      CREATE TABLE "Shop".customers (id bigint PRIMARY KEY, email text, "Nick Name" text);
      INSERT INTO "Shop".customers VALUES (1, 'a@example.com', NULL), (2, NULL, NULL), (3, 'o''brien@example.com', 'x');
      CREATE TABLE "Shop".empty (id int);
      CREATE TABLE "Shop"."select" ("x""; DROP TABLE t; --" text, scope text, n int);
      INSERT INTO "Shop"."select" VALUES ('theme', NULL, 1), ('back\slash', 'global', NULL);
    )sql");
  }
  static schema::SeedRow seed(std::string table, std::vector<std::string> columns,
                              std::vector<std::optional<std::string>> values, std::vector<std::string> key) {
    return schema::SeedRow{std::move(table), std::move(columns), std::move(values), std::move(key), ""};
  }
  static std::string db_;
};
std::string Probe::db_;

TEST_F(Probe, AnswersEveryKindOfQuestionInOneQuery) {
  schema::FactQuestions q;
  q.tablesWithRows = {"customers", "empty", "select"};
  q.nullCounts = {{"customers", "email"}, {"customers", "Nick Name"}, {"empty", "id"}, {"select", "n"}};
  q.seedRows = {
      seed("customers", {"id", "email"}, {"1", "someone else"}, {"id"}),  // present by key
      seed("customers", {"id", "email"}, {"4", "a@example.com"}, {"id"}),  // absent
      seed("customers", {"email"}, {"o'brien@example.com"}, {"email"}),    // quotes in a value
      seed("select", {"x\"; DROP TABLE t; --", "scope"}, {"theme", std::nullopt}, {"x\"; DROP TABLE t; --", "scope"}),
      seed("select", {"x\"; DROP TABLE t; --", "scope"}, {"theme", "global"}, {"x\"; DROP TABLE t; --", "scope"}),
      seed("select", {"x\"; DROP TABLE t; --"}, {"back\\slash"}, {"x\"; DROP TABLE t; --"}),
  };
  auto conn = connectTo(db_);
  testsupport::RoundTrips trips(*conn);
  auto facts = pg::probe(*conn, "Shop", q);
  ASSERT_TRUE(facts) << facts.error().describe();
  EXPECT_EQ(trips.count(), 1) << trips.describe();
  EXPECT_EQ(facts->hasRows, (std::map<std::string, bool>{{"customers", true}, {"empty", false}, {"select", true}}));
  EXPECT_EQ(facts->nulls.at({"customers", "email"}), 1);
  EXPECT_EQ(facts->nulls.at({"customers", "Nick Name"}), 2);
  EXPECT_EQ(facts->nulls.at({"empty", "id"}), 0);
  EXPECT_EQ(facts->nulls.at({"select", "n"}), 1);
  EXPECT_EQ(facts->existingSeedRows,
            (std::set<std::string>{"customers[id=1]", "customers[email=o'brien@example.com]",
                                   "select[x\"; DROP TABLE t; --=theme,scope=null]",
                                   "select[x\"; DROP TABLE t; --=back\\slash]"}));
  EXPECT_EQ(server().queryValue(db_, "SELECT count(*) FROM \"Shop\".customers"), "3");
}

TEST_F(Probe, NoQuestionsSendNoQuery) {
  auto conn = connectTo(db_);
  testsupport::RoundTrips trips(*conn);
  auto facts = pg::probe(*conn, "Shop", schema::FactQuestions{});
  ASSERT_TRUE(facts);
  EXPECT_EQ(trips.count(), 0) << trips.describe();
  EXPECT_TRUE(facts->hasRows.empty());
}

TEST_F(Probe, AMissingTableIsAnErrorNamingIt) {
  auto conn = connectTo(db_);
  schema::FactQuestions q;
  q.tablesWithRows = {"nope"};
  auto facts = pg::probe(*conn, "Shop", q);
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().kind, core::ErrorKind::Terminal);
  EXPECT_NE(facts.error().message.find("\"Shop.nope\" does not exist"), std::string::npos) << facts.error().message;
}

TEST_F(Probe, AValueOfTheWrongTypeIsAnError) {
  auto conn = connectTo(db_);
  schema::FactQuestions q;
  q.seedRows = {seed("customers", {"id"}, {"one"}, {"id"})};
  auto facts = pg::probe(*conn, "Shop", q);
  ASSERT_FALSE(facts);
  EXPECT_NE(facts.error().message.find("invalid input syntax for type bigint"), std::string::npos)
      << facts.error().message;
}

TEST_F(Probe, ALongListStaysOneQuery) {
  auto conn = connectTo(db_);
  schema::FactQuestions q;
  for (int i = 0; i < 2000; ++i) q.seedRows.push_back(seed("customers", {"id"}, {std::to_string(i)}, {"id"}));
  testsupport::RoundTrips trips(*conn);
  auto facts = pg::probe(*conn, "Shop", q);
  ASSERT_TRUE(facts) << facts.error().describe();
  EXPECT_EQ(trips.count(), 1) << trips.describe();
  EXPECT_EQ(facts->existingSeedRows, (std::set<std::string>{"customers[id=1]", "customers[id=2]", "customers[id=3]"}));
}

}  // namespace

// What uses an enum the plan rebuilds: what the rebuild carries, with the definitions Postgres
// prints, and what it cannot, by name.
TEST(ProbeEnumUses, SortsWhatUsesTheTypeIntoCarriedAndBlocking) {
  const auto db = server().createDatabase("probe_enum");
  server().exec(db, R"sql(
    CREATE SCHEMA "Shop";
    SET search_path = "Shop";
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE TABLE people (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok', label text DEFAULT ('ok'::mood)::text,
                         CONSTRAINT people_ok CHECK (m <> 'sad' OR id > 0));
    CREATE INDEX people_m_idx ON people (m);
    CREATE INDEX people_ok_idx ON people (id) WHERE m = 'ok';
    CREATE FUNCTION cheer(mood) RETURNS text LANGUAGE sql AS 'SELECT $1::text';
    CREATE TABLE public.elsewhere (m "Shop".mood);
  )sql");
  auto conn = connectTo(db);
  ASSERT_TRUE(pg::useSchema(*conn, "Shop"));
  schema::FactQuestions q;
  q.rebuiltEnums = {"mood"};
  testsupport::RoundTrips trips(*conn);
  auto facts = pg::probe(*conn, "Shop", q);
  ASSERT_TRUE(facts) << facts.error().describe();
  EXPECT_EQ(trips.count(), 1) << "one query for the enum, none for the empty array";
  const auto& uses = facts->enumUses.at("mood");
  using Kind = schema::EnumDependent::Kind;
  EXPECT_EQ(uses.dependents,
            (std::vector<schema::EnumDependent>{
                {Kind::Check, "people", "people_ok", "CHECK (((m <> 'sad'::mood) OR (id > 0)))"},
                {Kind::Default, "people", "label", "('ok'::mood)::text"},
                {Kind::Index, "people", "people_ok_idx",
                 "CREATE INDEX people_ok_idx ON \"Shop\".people USING btree (id) WHERE (m = 'ok'::mood)"},
            }));
  EXPECT_EQ(uses.blockers, (std::vector<std::string>{"column m of table elsewhere", "function cheer(mood)"}));
}
