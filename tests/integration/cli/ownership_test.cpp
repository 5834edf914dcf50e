// One owner per schema through the CLI (pg/claim.hpp), and an apply that stops at an error still
// reports what it ran.
#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

const char* kTable = "  tables:\n    - name: items\n      columns: [{name: id, type: bigint}]\n";

TEST(Ownership, ApplyClaimsTheSchemaAndADocumentWithAnotherNameIsRefusedNamingTheOwner) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("own");
  // plan changes nothing: no claim, not even the schema that would hold it.
  const auto planned = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(kTable, "shop"));
  EXPECT_EQ(planned.exitCode, 2) << show(planned);
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'schema_operator'"), "0");

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

TEST(ApplyFailure, StatementsThatRanBeforeTheConnectionWasLostAreReportedInTextAndJson) {
  // other is created; then the seed row's INSERT fires a trigger that ends the session. The
  // apply stops there and the catalog cannot be read back, yet CREATE TABLE ran and is reported.
  auto& pg = PostgresServer::shared();
  const std::string spec =
      "  tables:\n    - name: items\n      columns: [{name: id, type: bigint, nullable: false}]\n      primaryKey: [id]\n"
      "    - name: other\n      columns: [{name: id, type: bigint}]\n"
      "  seed:\n    - table: items\n      rows:\n        - {id: 1}\n";
  for (const char* format : {"json", "text"}) {
    const auto db = pg.createDatabase("fail");
    pg.exec(db, "CREATE SCHEMA aux; CREATE FUNCTION aux.die() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;"
                "CREATE TABLE items (id bigint PRIMARY KEY);"
                "CREATE TRIGGER die BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION aux.die()");
    const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", format}, {}, document(spec));
    EXPECT_EQ(r.exitCode, 1) << show(r);
    EXPECT_TRUE(tableExists(db, "other"));
    EXPECT_NE(r.err.find("the database closed the connection"), std::string::npos) << show(r);
    if (std::string(format) == "json") {
      const auto docs = jsonLines(r.out);
      ASSERT_EQ(docs.size(), 1u) << show(r);
      ASSERT_EQ(docs[0]["applied"].size(), 1u) << r.out;
      EXPECT_NE(docs[0]["applied"][0].get<std::string>().find("CREATE TABLE"), std::string::npos) << r.out;
      EXPECT_EQ(docs[0]["error"]["object"], "items[id=1]") << r.out;
    } else {
      EXPECT_NE(r.out.find("Applied (1 statement)"), std::string::npos) << show(r);
      EXPECT_NE(r.out.find("CREATE TABLE \"public\".\"other\""), std::string::npos) << show(r);
    }
  }
}

}  // namespace
}  // namespace clitest
