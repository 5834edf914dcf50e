// One owner per schema through the CLI (pg/claim.hpp), and an apply that stops at an error still
// reports what it ran.
#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

const char* kTable = "  tables:\n    - name: items\n      columns: [{name: id, type: bigint}]\n";

TEST(Ownership, ApplyClaimsTheSchemaAndADocumentWithAnotherNameIsRefusedNamingTheOwner) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("own");
  const auto first = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(kTable, "shop"));
  ASSERT_EQ(first.exitCode, 0) << show(first);
  EXPECT_EQ(pg.queryValue(db, "SELECT owner_namespace || '/' || owner_name FROM schema_operator.claims "
                              "WHERE schema_name = 'public'"),
            "apps/shop");

  // Another resource on the same schema: it would drop items under prune. Refused, nothing done.
  const std::string other = std::string("  prune: true\n") +
                            "  tables:\n    - name: other\n      columns: [{name: id, type: bigint}]\n";
  const auto refused = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--allow-destructive"}, {},
                           document(other, "intruder"));
  EXPECT_EQ(refused.exitCode, 1) << show(refused);
  EXPECT_NE(refused.err.find("managed by DatabaseSchema apps/shop"), std::string::npos) << show(refused);
  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(other, "intruder"));
  EXPECT_EQ(plan.exitCode, 1) << show(plan);
  EXPECT_NE(plan.err.find("managed by DatabaseSchema apps/shop"), std::string::npos) << show(plan);
  EXPECT_TRUE(tableExists(db, "items"));
  EXPECT_FALSE(tableExists(db, "other"));

  // The owner itself goes on; its claim is no drift.
  const auto again = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(kTable, "shop"));
  EXPECT_EQ(again.exitCode, 0) << show(again);
}

TEST(Ownership, PlanOfAnUnclaimedSchemaWritesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("own");
  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(kTable, "shop"));
  EXPECT_EQ(plan.exitCode, 2) << show(plan);
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'schema_operator'"), "0");
}

TEST(Ownership, PruneNeverTouchesTheClaims) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("own");
  ASSERT_EQ(cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(kTable, "shop")).exitCode, 0);
  const auto pruned = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--allow-destructive"}, {},
                          document(std::string("  prune: true\n") + kTable, "shop"));
  EXPECT_EQ(pruned.exitCode, 0) << show(pruned);
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM schema_operator.claims"), "1");
  const auto claimsSchema = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {},
                                document(std::string("  schema: schema_operator\n  prune: true\n") + kTable, "other"));
  EXPECT_EQ(claimsSchema.exitCode, 1) << show(claimsSchema);
  EXPECT_NE(claimsSchema.err.find("reserved"), std::string::npos) << show(claimsSchema);
}

TEST(ApplyFailure, StatementsThatRanBeforeTheFailingOneAreReportedInTextAndJson) {
  // The enum is created; the table's check names a column that does not exist, which only the
  // server finds once the enum exists: the apply stops there, and the catalog read back after it
  // refuses the same check. What ran (CREATE TYPE) is still reported.
  auto& pg = PostgresServer::shared();
  const std::string spec =
      "  enums:\n    - name: mood\n      values: [happy, sad]\n"
      "  tables:\n    - name: people\n      columns:\n        - {name: id, type: bigint}\n"
      "        - {name: feeling, type: mood}\n"
      "      checks:\n        - {name: people_check, expression: \"feelin <> 'sad'\"}\n";
  for (const char* format : {"json", "text"}) {
    const auto db = pg.createDatabase("fail");
    const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", format}, {}, document(spec));
    EXPECT_EQ(r.exitCode, 1) << show(r);
    EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_type WHERE typname = 'mood'"), "1");
    EXPECT_NE(r.err.find("feelin"), std::string::npos) << show(r);
    if (std::string(format) == "json") {
      const auto docs = jsonLines(r.out);
      ASSERT_EQ(docs.size(), 1u) << show(r);
      ASSERT_FALSE(docs[0]["applied"].empty()) << r.out;
      EXPECT_NE(docs[0]["applied"][0].get<std::string>().find("CREATE TYPE"), std::string::npos) << r.out;
      EXPECT_TRUE(docs[0].contains("error")) << r.out;
    } else {
      EXPECT_NE(r.out.find("Applied (1 statement)"), std::string::npos) << show(r);
      EXPECT_NE(r.out.find("CREATE TYPE"), std::string::npos) << show(r);
    }
  }
}

}  // namespace
}  // namespace clitest
