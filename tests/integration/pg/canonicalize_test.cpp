// pg::canonicalize: the server's own spelling of declared types, defaults, checks and predicates,
// worked out on scratch tables that never persist.
#include "pg_fixture.hpp"

namespace {

using pgtest::connectTo;
using pgtest::server;
using schema::CanonQuestions;
using schema::TableQuestion;

class Canonicalize : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = server().createDatabase("canon");
    server().exec(db_, R"sql(
      CREATE SCHEMA shop;
      CREATE TYPE shop.order_status AS ENUM ('pending', 'paid', 'shipped');
      CREATE TABLE shop.victim (id int);
      INSERT INTO shop.victim VALUES (1);
    )sql");
    conn_ = connectTo(db_);
    ASSERT_TRUE(pg::useSchema(*conn_, "shop"));
  }

  // The orders table of the API example, as a question.
  static TableQuestion orders() {
    TableQuestion q;
    q.table = "orders";
    q.columns = {
        {"status", "order_status", "'pending'", "spec.tables[1].columns[2]"},
        {"total_cents", "integer", "0", "spec.tables[1].columns[3]"},
        {"created_at", "timestamptz", "now()", "spec.tables[1].columns[4]"},
        {"updated_at", "timestamp with time zone", "CURRENT_TIMESTAMP", "spec.tables[1].columns[5]"},
        {"note", "text", std::nullopt, "spec.tables[1].columns[6]"},
    };
    q.checks = {{"total_cents >= 0", "spec.tables[1].checks[0].expression"},
                {"(note <> '')", "spec.tables[1].checks[1].expression"}};
    q.predicates = {{"status <> 'shipped'", "spec.tables[1].indexes[1].where"}};
    return q;
  }

  std::string scratchObjects() {
    return server().queryValue(db_, "SELECT count(*) FROM pg_class WHERE relname LIKE 'so\\_canon%'");
  }

  std::string db_;
  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(Canonicalize, AnswersTypesAsFormatTypeSpellsThem) {
  CanonQuestions q;
  for (const char* t : {"int", "int4", "varchar(320)", "timestamptz", "order_status", "numeric(10, 2)", "bool",
                        "text[]", "character varying"})
    q.types.push_back({t, "spec.tables[0].columns[0].type"});
  q.types.push_back({"int", "spec.tables[0].columns[5].type"});  // asked twice, answered once
  testsupport::RoundTrips trips(*conn_);
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_TRUE(canon) << canon.error().describe();
  EXPECT_EQ(canon->types.at("int"), "integer");
  EXPECT_EQ(canon->types.at("int4"), "integer");
  EXPECT_EQ(canon->types.at("varchar(320)"), "character varying(320)");
  EXPECT_EQ(canon->types.at("timestamptz"), "timestamp with time zone");
  EXPECT_EQ(canon->types.at("order_status"), "order_status");
  EXPECT_EQ(canon->types.at("numeric(10, 2)"), "numeric(10,2)");
  EXPECT_EQ(canon->types.at("bool"), "boolean");
  EXPECT_EQ(canon->types.at("text[]"), "text[]");
  EXPECT_EQ(canon->types.at("character varying"), "character varying");
  EXPECT_EQ(canon->types.size(), 9u);
  EXPECT_EQ(trips.count(), 4) << trips.describe();  // BEGIN, CREATE TEMPORARY TABLE, read back, ROLLBACK
}

TEST_F(Canonicalize, AnswersDefaultsChecksAndPredicatesAsTheCatalogStoresThem) {
  CanonQuestions q;
  q.tables.push_back(orders());
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_TRUE(canon) << canon.error().describe();
  EXPECT_EQ(canon->defaults.at({"orders", "status", "'pending'"}), "'pending'::order_status");
  EXPECT_EQ(canon->defaults.at({"orders", "total_cents", "0"}), "0");
  EXPECT_EQ(canon->defaults.at({"orders", "created_at", "now()"}), "now()");
  EXPECT_EQ(canon->defaults.at({"orders", "updated_at", "CURRENT_TIMESTAMP"}), "CURRENT_TIMESTAMP");
  EXPECT_EQ(canon->defaults.size(), 4u);
  EXPECT_EQ(canon->checks.at({"orders", "total_cents >= 0"}), "total_cents >= 0");
  EXPECT_EQ(canon->checks.at({"orders", "(note <> '')"}), "note <> ''::text");
  EXPECT_EQ(canon->predicates.at({"orders", "status <> 'shipped'"}), "status <> 'shipped'::order_status");
}

TEST_F(Canonicalize, AgreesWithWhatInspectReadsFromTheLiveTable) {
  server().exec(db_, R"sql(
    CREATE TABLE shop.orders (status shop.order_status DEFAULT 'pending', total_cents int DEFAULT 0,
      created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT CURRENT_TIMESTAMP, note text,
      CONSTRAINT a CHECK (total_cents >= 0), CONSTRAINT b CHECK ((note <> '')));
    CREATE INDEX orders_open ON shop.orders (note) WHERE status <> 'shipped';
  )sql");
  auto live = pg::inspect(*conn_, "shop");
  ASSERT_TRUE(live);
  const schema::Table& t = *live->table("orders");
  CanonQuestions q;
  q.tables.push_back(orders());
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_TRUE(canon) << canon.error().describe();
  for (const auto& c : q.tables[0].columns) {
    if (c.defaultExpr) {
      EXPECT_EQ(canon->defaults.at({"orders", c.name, *c.defaultExpr}), t.column(c.name)->defaultExpr);
    }
  }
  EXPECT_EQ(canon->checks.at({"orders", "total_cents >= 0"}), t.checks[0].expression);
  EXPECT_EQ(canon->checks.at({"orders", "(note <> '')"}), t.checks[1].expression);
  EXPECT_EQ(canon->predicates.at({"orders", "status <> 'shipped'"}), t.indexes.at(0).where);
}

TEST_F(Canonicalize, NothingPersists) {
  CanonQuestions q;
  q.types.push_back({"varchar(10)", "f"});
  q.tables.push_back(orders());
  q.tables.push_back(TableQuestion{"empty", {}, {}, {{"true", "f"}}});
  ASSERT_TRUE(pg::canonicalize(*conn_, "shop", q));
  ASSERT_TRUE(pg::canonicalize(*conn_, "shop", q));  // again, on the same session
  EXPECT_EQ(scratchObjects(), "0");
  pqxx::nontransaction tx(*conn_);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()")[0][0].as<int>(), 0);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_class WHERE relnamespace = 'shop'::regnamespace")[0][0].as<int>(), 1);
  EXPECT_EQ(tx.exec("SELECT txid_current_if_assigned() IS NULL")[0][0].as<bool>(), true);  // no transaction left open
}

TEST_F(Canonicalize, NoQuestionsSendNoQuery) {
  testsupport::RoundTrips trips(*conn_);
  auto canon = pg::canonicalize(*conn_, "shop", CanonQuestions{});
  ASSERT_TRUE(canon);
  EXPECT_EQ(trips.count(), 0) << trips.describe();
}

TEST_F(Canonicalize, ABadTypeIsInvalidAndNamesItsField) {
  CanonQuestions q;
  q.types = {{"int", "spec.tables[0].columns[0].type"}, {"varchr(10)", "spec.tables[0].columns[1].type"}};
  q.tables.push_back(orders());
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_FALSE(canon);
  EXPECT_EQ(canon.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(canon.error().field, "spec.tables[0].columns[1].type");
  EXPECT_NE(canon.error().message.find("type \"varchr\" does not exist"), std::string::npos) << canon.error().message;
  EXPECT_EQ(scratchObjects(), "0");
}

// The refusal of `field`: an Invalid error naming it. Fails the test otherwise.
std::optional<schema::CanonFailure> refusalFor(const core::Result<schema::Canon>& canon, const std::string& field) {
  if (canon) {
    ADD_FAILURE() << "expected " << field << " refused, got answers";
    return std::nullopt;
  }
  if (canon.error().kind != core::ErrorKind::Invalid || canon.error().field != field) {
    ADD_FAILURE() << "expected an Invalid error naming " << field << ", got " << canon.error().describe();
    return std::nullopt;
  }
  return schema::CanonFailure{field, canon.error().message, false, canon.error().sqlstate};
}

TEST_F(Canonicalize, ARefusedDefaultCheckOrPredicateIsAnErrorNamingItsField) {
  struct Case {
    void (*spoil)(TableQuestion&);
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](TableQuestion& q) { q.columns[1].defaultExpr = "'abc'"; }, "spec.tables[1].columns[3].default",
       "invalid input syntax for type integer"},
      {[](TableQuestion& q) { q.columns[0].defaultExpr = "'lost'"; }, "spec.tables[1].columns[2].default",
       "invalid input value for enum order_status"},
      {[](TableQuestion& q) { q.checks[1].first = "no_such_column > 0"; }, "spec.tables[1].checks[1].expression",
       "column \"no_such_column\" does not exist"},
      {[](TableQuestion& q) { q.predicates[0].first = "now() > created_at"; }, "spec.tables[1].indexes[1].where",
       "functions in index predicate must be marked IMMUTABLE"},
  };
  for (const auto& c : cases) {
    CanonQuestions q;
    q.tables.push_back(orders());
    c.spoil(q.tables[0]);
    auto canon = pg::canonicalize(*conn_, "shop", q);
    auto refused = refusalFor(canon, c.field);
    ASSERT_TRUE(refused) << c.field;
    EXPECT_NE(refused->message.find(c.message), std::string::npos) << refused->message;
  }
  EXPECT_EQ(scratchObjects(), "0");
}

// Questions about many tables are asked on a few scratch tables, not one each: the statements sent
// do not grow with the tables asked about, and each answer is still its own table's.
TEST_F(Canonicalize, ManyTablesAreAskedOnAFewScratchTables) {
  auto ask = [&](int tables) {
    CanonQuestions q;
    for (int i = 0; i < tables; ++i) {
      TableQuestion t = orders();
      t.table = "orders" + std::to_string(i);
      t.columns[1].defaultExpr = std::to_string(i);
      t.checks[0].first = "total_cents >= " + std::to_string(i);
      q.tables.push_back(t);
    }
    testsupport::RoundTrips trips(*conn_);
    auto canon = pg::canonicalize(*conn_, "shop", q);
    EXPECT_TRUE(canon) << canon.error().describe();
    if (canon) {
      EXPECT_EQ(canon->defaults.at({"orders" + std::to_string(tables - 1), "total_cents", std::to_string(tables - 1)}),
                std::to_string(tables - 1));
      EXPECT_EQ(canon->checks.at({"orders0", "total_cents >= 0"}), "total_cents >= 0");
      EXPECT_EQ(canon->predicates.at({"orders0", "status <> 'shipped'"}), "status <> 'shipped'::order_status");
    }
    return trips.count();
  };
  const long long two = ask(2);
  EXPECT_EQ(ask(40), two);
  EXPECT_EQ(two, 6);  // BEGIN, defaults table, checks-and-predicates table, read back, references, ROLLBACK
  EXPECT_EQ(scratchObjects(), "0");
}

// Tables that share a column name with different types ("name" varchar(80) here, varchar(200)
// there) still share a scratch table when no check or predicate names that column.
TEST_F(Canonicalize, ColumnsNoCheckNamesDoNotSplitTheScratchTables) {
  auto ask = [&](const std::string& otherNameType) {
    CanonQuestions q;
    for (const std::string& type : {std::string("varchar(80)"), otherNameType}) {
      TableQuestion t = orders();
      t.table = "orders" + std::to_string(q.tables.size());
      t.columns.push_back({"name", type, std::nullopt, "spec.tables[0].columns[7]"});
      q.tables.push_back(t);
    }
    testsupport::RoundTrips trips(*conn_);
    auto canon = pg::canonicalize(*conn_, "shop", q);
    EXPECT_TRUE(canon) << canon.error().describe();
    if (canon) EXPECT_EQ(canon->checks.at({"orders1", "total_cents >= 0"}), "total_cents >= 0");
    return trips.count();
  };
  EXPECT_EQ(ask("varchar(200)"), ask("varchar(80)"));
  EXPECT_EQ(scratchObjects(), "0");
}

// A check that names a column in a spelling that does not contain its lower-case name — quoted
// mixed case, or a U&"" escape — still finds that column with its own table's type.
TEST_F(Canonicalize, EverySpellingOfAColumnFindsItsOwnTablesColumn) {
  CanonQuestions q;
  TableQuestion a;
  a.table = "a";
  a.columns = {{"Total", "integer", std::nullopt, "spec.tables[0].columns[0]"},
               {"amount", "numeric(10,2)", std::nullopt, "spec.tables[0].columns[1]"}};
  a.checks = {{"\"Total\" > 0", "spec.tables[0].checks[0].expression"},
              {"U&\"\\0061mount\" > 1", "spec.tables[0].checks[1].expression"}};
  TableQuestion b;
  b.table = "b";
  b.columns = {{"Total", "text", std::nullopt, "spec.tables[1].columns[0]"},
               {"amount", "text", std::nullopt, "spec.tables[1].columns[1]"}};
  b.checks = {{"\"Total\" <> ''", "spec.tables[1].checks[0].expression"},
              {"amount <> 'x'", "spec.tables[1].checks[1].expression"}};
  q.tables = {a, b};
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_TRUE(canon) << canon.error().describe();
  EXPECT_EQ(canon->checks.at({"a", "\"Total\" > 0"}), "\"Total\" > 0");
  EXPECT_EQ(canon->checks.at({"a", "U&\"\\0061mount\" > 1"}), "amount > 1::numeric");
  EXPECT_EQ(canon->checks.at({"b", "\"Total\" <> ''"}), "\"Total\" <> ''::text");
  EXPECT_EQ(canon->checks.at({"b", "amount <> 'x'"}), "amount <> 'x'::text");
  EXPECT_EQ(scratchObjects(), "0");
}

// Sharing a scratch table must not let a check use a column only another table has.
TEST_F(Canonicalize, ACheckNamingAnotherTablesColumnIsRefusedThoughTheyShareAScratchTable) {
  CanonQuestions q;
  TableQuestion a;
  a.table = "a";
  a.columns = {{"x", "integer", std::nullopt, "spec.tables[0].columns[0]"}};
  a.checks = {{"y > 0", "spec.tables[0].checks[0].expression"}};
  TableQuestion b;
  b.table = "b";
  b.columns = {{"y", "integer", std::nullopt, "spec.tables[1].columns[0]"}};
  b.checks = {{"y > 1", "spec.tables[1].checks[0].expression"}};
  q.tables = {a, b};
  auto canon = pg::canonicalize(*conn_, "shop", q);
  auto refused = refusalFor(canon, "spec.tables[0].checks[0].expression");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("column \"y\" does not exist"), std::string::npos) << refused->message;
  EXPECT_EQ(scratchObjects(), "0");
}

TEST_F(Canonicalize, ARefusedTypeIsAnInvalidErrorNamingItsField) {
  CanonQuestions q;
  q.tables.push_back(orders());
  q.tables[0].columns[4].type = "txt";
  auto canon = pg::canonicalize(*conn_, "shop", q);
  ASSERT_FALSE(canon);
  EXPECT_EQ(canon.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(canon.error().field, "spec.tables[1].columns[6].type");
  EXPECT_NE(canon.error().message.find("type \"txt\" does not exist"), std::string::npos) << canon.error().message;
  EXPECT_EQ(scratchObjects(), "0");
}

TEST_F(Canonicalize, AHostileExpressionHarmsNothing) {
  // Each of these would run a second statement if pasted into a simple-protocol query.
  const std::vector<std::string> hostile = {
      "0; DROP TABLE shop.victim",
      "0); DROP TABLE shop.victim; CREATE TABLE shop.evil (x int DEFAULT (0",
      "0) ; DELETE FROM shop.victim; SELECT (1",
  };
  for (const auto& expr : hostile) {
    CanonQuestions q;
    q.tables.push_back(orders());
    q.tables[0].columns[1].defaultExpr = expr;
    EXPECT_TRUE(refusalFor(pg::canonicalize(*conn_, "shop", q), "spec.tables[1].columns[3].default")) << expr;

    CanonQuestions c;
    c.tables.push_back(orders());
    c.tables[0].checks[0].first = expr;
    EXPECT_TRUE(refusalFor(pg::canonicalize(*conn_, "shop", c), "spec.tables[1].checks[0].expression"))
        << expr;
  }
  EXPECT_EQ(server().queryValue(db_, "SELECT count(*) FROM shop.victim"), "1");
  EXPECT_EQ(server().queryValue(db_, "SELECT to_regclass('shop.evil') IS NULL"), "t");
  EXPECT_EQ(scratchObjects(), "0");
}

TEST_F(Canonicalize, TextThatDeclaresMoreThanOneThingIsRejected) {
  CanonQuestions types;
  types.types = {{"int, extra int", "spec.tables[0].columns[0].type"}};
  auto a = pg::canonicalize(*conn_, "shop", types);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "spec.tables[0].columns[0].type");
  EXPECT_NE(a.error().message.find("not a single type"), std::string::npos) << a.error().message;

  CanonQuestions notNull;
  notNull.types = {{"int NOT NULL", "spec.tables[0].columns[1].type"}};
  auto b = pg::canonicalize(*conn_, "shop", notNull);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().field, "spec.tables[0].columns[1].type");

  // Balanced parentheses smuggle a second constraint into one CREATE TABLE.
  CanonQuestions check;
  check.tables.push_back(orders());
  check.tables[0].checks[0].first = "total_cents >= 0), CHECK (false";
  auto refused = refusalFor(pg::canonicalize(*conn_, "shop", check), "spec.tables[1].checks[0].expression");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("not a single expression"), std::string::npos) << refused->message;
  EXPECT_EQ(scratchObjects(), "0");
}

TEST_F(Canonicalize, TheSessionStaysUsableAfterAFailure) {
  CanonQuestions bad;
  bad.types = {{"nope", "f"}};
  ASSERT_FALSE(pg::canonicalize(*conn_, "shop", bad));
  CanonQuestions good;
  good.types = {{"int8", "f"}};
  auto canon = pg::canonicalize(*conn_, "shop", good);
  ASSERT_TRUE(canon) << canon.error().describe();
  EXPECT_EQ(canon->types.at("int8"), "bigint");
}

}  // namespace
