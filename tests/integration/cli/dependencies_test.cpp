// `apply` on changes whose objects depend on each other, through the CLI: the shop example losing
// an enum value its partial index names, and the summary when --allow-destructive was given.
#include <fstream>
#include <sstream>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("not in the text: " + from);
  return text.replace(at, from.size(), to);
}

TEST(ApplyDependencies, TheShopExampleLosesAnEnumValueItsPartialIndexNames) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("deps");
  const std::string shop = readFile(std::string(SCHEMA_OPERATOR_SOURCE_DIR) + "/examples/shop.yaml");
  const TempFile original(shop);
  const auto first = cli({"apply", "-f", original.path(), "--database-url", pg.socketUrl(db)});
  ASSERT_EQ(first.exitCode, 0) << show(first);
  pg.exec(db, "INSERT INTO orders (customer_id, status) VALUES (1, 'pending'), (1, 'shipped')");

  // `refunded` goes; orders_open_idx (where status <> 'shipped') must be carried over the rebuild.
  const TempFile fewer(replaced(shop, "values: [pending, paid, shipped, refunded]", "values: [pending, paid, shipped]"));
  const auto r = cli({"apply", "-f", fewer.path(), "--database-url", pg.socketUrl(db), "--allow-destructive"});
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_NE(r.out.find("shop: in sync"), std::string::npos) << show(r);
  EXPECT_EQ(pg.queryValue(db, "SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
                              "WHERE indexrelid = 'orders_open_idx'::regclass"),
            "(status <> 'shipped'::order_status)");
  EXPECT_EQ(pg.queryValue(db, "SELECT string_agg(status::text, ',' ORDER BY id) FROM orders"), "pending,shipped");
  const auto again = cli({"plan", "-f", fewer.path(), "--database-url", pg.socketUrl(db)});
  EXPECT_EQ(again.exitCode, 0) << show(again);
}

// A destructive change approved by the flag but stopped by the server is pending, and approved:
// nothing more is awaited from the user.
TEST(ApplyDependencies, WithAllowDestructiveThePendingChangesAreNotAwaitingApproval) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("deps");
  pg.exec(db, "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, legacy text)");
  // The drop fails on it (a view, a policy or a plain trigger there would be planned around the
  // drop: they are managed kinds; a constraint trigger is not).
  pg.exec(db, "CREATE FUNCTION keep_legacy() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
              "CREATE CONSTRAINT TRIGGER legacy_watch AFTER UPDATE OF legacy ON customers FOR EACH ROW"
              " EXECUTE FUNCTION keep_legacy()");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--allow-destructive"}, {},
                     document(customersSpec()));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.out.find("1 destructive, approved"), std::string::npos) << show(r);
  EXPECT_EQ(r.out.find("awaiting approval"), std::string::npos) << show(r);

  const auto without = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  EXPECT_NE(without.out.find("1 destructive, awaiting approval"), std::string::npos) << show(without);
}

}  // namespace
}  // namespace clitest
