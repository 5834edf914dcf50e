// `plan` and `apply` with objects the resource does not manage: a "Not managed" section in text
// and JSON, and --strict (or spec.strict: true) refusing with exit 1 and nothing applied.
#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

const char* kUnmanagedSql =
    "CREATE RULE customers_keep AS ON DELETE TO customers DO INSTEAD NOTHING;"
    "CREATE AGGREGATE longest(text) (SFUNC = text_larger, STYPE = text)";

std::string withOrders() {
  return customersSpec("    - name: orders\n      columns:\n        - {name: id, type: bigint}\n");
}

TEST(UnmanagedObjects, PlanListsThemInTextAndJsonAndStillExitsByDrift) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("unmanaged");
  pg.exec(db, kCustomersSql);
  pg.exec(db, kUnmanagedSql);

  const auto text = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  EXPECT_EQ(text.exitCode, 0) << show(text);
  EXPECT_NE(text.out.find("Not managed (2, never changed):\n"
                          "  Aggregate  longest(text)\n"
                          "  Rule       customers.customers_keep\n"
                          "shop: in sync (2 objects not managed)\n"),
            std::string::npos)
      << show(text);

  const auto json = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                        document(withOrders()));
  EXPECT_EQ(json.exitCode, 2) << show(json);
  const auto docs = jsonLines(json.out);
  ASSERT_EQ(docs.size(), 1u) << show(json);
  ASSERT_TRUE(docs[0].contains("unmanaged")) << json.out;
  EXPECT_EQ(docs[0]["unmanaged"], nlohmann::json::parse(R"json({"count": 2, "items": [
      {"kind": "Aggregate", "name": "longest(text)"}, {"kind": "Rule", "name": "customers.customers_keep"}]})json"))
      << json.out;
}

TEST(UnmanagedObjects, StrictFlagRefusesPlanAndApplyWithExitOneAndAppliesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("unmanaged");
  pg.exec(db, kCustomersSql);
  pg.exec(db, kUnmanagedSql);

  for (const char* command : {"plan", "apply"}) {
    const auto r = cli({command, "-f", "-", "--database-url", pg.socketUrl(db), "--strict"}, {},
                       document(withOrders()));
    EXPECT_EQ(r.exitCode, 1) << command << "\n" << show(r);
    EXPECT_NE(r.err.find("error: <stdin>: document 1 (apps/shop): strict: 2 objects in the schema are of a kind the "
                         "resource does not manage (Aggregate longest(text) and Rule customers.customers_keep); nothing is "
                         "applied while they exist"),
              std::string::npos)
        << command << "\n" << show(r);
    EXPECT_NE(r.out.find("shop: refused (strict): 2 objects not managed; 1 change pending, nothing applied"),
              std::string::npos)
        << command << "\n" << show(r);
    EXPECT_FALSE(tableExists(db, "orders")) << command;
  }
}

TEST(UnmanagedObjects, StrictInTheDocumentRefusesUntilTheyAreGone) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("unmanaged");
  pg.exec(db, kCustomersSql);
  pg.exec(db, kUnmanagedSql);
  const std::string strict = document("  strict: true\n" + withOrders());

  const auto refused = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, strict);
  EXPECT_EQ(refused.exitCode, 1) << show(refused);
  const auto docs = jsonLines(refused.out);
  ASSERT_EQ(docs.size(), 1u) << show(refused);
  EXPECT_EQ(docs[0]["applied"].size(), 0u) << refused.out;
  ASSERT_TRUE(docs[0].contains("error")) << refused.out;
  EXPECT_NE(docs[0]["error"]["message"].get<std::string>().find("strict: 2 objects"), std::string::npos)
      << refused.out;
  EXPECT_FALSE(tableExists(db, "orders"));

  pg.exec(db, "DROP RULE customers_keep ON customers; DROP AGGREGATE longest(text)");
  const auto applied = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, strict);
  EXPECT_EQ(applied.exitCode, 0) << show(applied);
  EXPECT_TRUE(tableExists(db, "orders"));
}

}  // namespace
}  // namespace clitest
