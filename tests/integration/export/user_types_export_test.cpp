// export writes domains and composite types back (contract Part 2, "Adopting an existing
// database"): plan of the exported document against its database exits 0, and apply of it to an
// empty database recreates a schema that plan then also finds in sync.
#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

std::string inApplyMode(std::string document) {
  const auto at = document.find("\n  mode: Plan\n");  // spec.mode, not the header's note
  if (at != std::string::npos) document.replace(at, 13, "\n  mode: Apply\n");
  return document;
}

TEST(ExportUserTypes, DomainsAndCompositeTypesRoundTrip) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("export");
  pg.exec(db,
          "CREATE TYPE mood AS ENUM ('ok', 'sad');"
          "CREATE DOMAIN email_address AS text COLLATE \"C\" NOT NULL DEFAULT '' CHECK (VALUE ~ '@' OR VALUE = '');"
          "CREATE DOMAIN mood_d AS mood DEFAULT 'ok';"
          "CREATE DOMAIN cents AS bigint CONSTRAINT cents_nonneg CHECK (VALUE >= 0) CONSTRAINT cents_small CHECK (VALUE < 10^12);"
          "CREATE TYPE money_amount AS (amount cents, currency char(3) COLLATE \"C\");"
          "CREATE TABLE customers (id bigint PRIMARY KEY, email email_address, balance money_amount,"
          "  history money_amount[], mood mood_d);");
  const auto exported = cli({"export", "--database-url", pg.socketUrl(db)});
  ASSERT_EQ(exported.exitCode, 0) << show(exported);
  const std::string& doc = exported.out;
  EXPECT_EQ(doc.find("not expressible"), std::string::npos) << doc;
  EXPECT_NE(doc.find("  domains:\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("  compositeTypes:\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("email_address_check"), std::string::npos) << doc;

  const auto same = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, doc);
  EXPECT_EQ(same.exitCode, 0) << show(same);

  const auto empty = pg.createDatabase("export");
  const auto rebuilt = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(empty)}, {}, inApplyMode(doc));
  EXPECT_EQ(rebuilt.exitCode, 0) << show(rebuilt);
  const auto again = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(empty)}, {}, doc);
  EXPECT_EQ(again.exitCode, 0) << show(again);
  EXPECT_EQ(pg.queryValue(empty, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contypid"
                                 " = 'cents'::regtype"),
            "cents_nonneg,cents_small");
  const auto exportedAgain = cli({"export", "--database-url", pg.socketUrl(empty)});
  const auto body = [](const std::string& d) { return d.substr(d.find("  mode: Plan")); };  // past the names
  EXPECT_EQ(body(exportedAgain.out), body(doc)) << "the rebuilt database exports to the same bytes";
}

}  // namespace
}  // namespace clitest
