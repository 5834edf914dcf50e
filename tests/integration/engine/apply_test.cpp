// How fixes are applied: approval by annotation and flag, mode Plan, the advisory lock, lock
// timeouts, failed concurrent index builds and failing statements.
#include <future>
#include <thread>

#include <pqxx/pqxx>

#include "engine_fixture.hpp"
#include "support/round_trips.hpp"

namespace {

const char* kDropsLegacy = R"(  tables:
    - name: t
      columns: [{name: a, type: int}]
)";

}  // namespace

class ApprovalTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("CREATE TABLE t (a int, legacy text)");
  }
  bool legacyExists() {
    return value("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'legacy'") == "1";
  }
};

TEST_F(ApprovalTest, WithoutApprovalTheDropWaits) {
  const auto report = apply(resource(kDropsLegacy));
  EXPECT_EQ(drift(report.remaining), Drift{"DropColumn t.legacy [destructive]"});
  EXPECT_TRUE(legacyExists());
}

TEST_F(ApprovalTest, AnnotationTrueApprovesEverything) {
  EXPECT_TRUE(apply(resource(kDropsLegacy, "true")).remaining.drift.empty());
  EXPECT_FALSE(legacyExists());
}

TEST_F(ApprovalTest, AnnotationWithTheChangeKindApprovesThatKind) {
  EXPECT_TRUE(legacyExists());
  apply(resource(kDropsLegacy, "DropTable,DropIndex"));
  EXPECT_TRUE(legacyExists());
  apply(resource(kDropsLegacy, "DropColumn"));
  EXPECT_FALSE(legacyExists());
}

TEST_F(ApprovalTest, AnnotationWithThePlanHashApprovesExactlyThatPlan) {
  const std::string hash = plan(resource(kDropsLegacy)).plan.hash;
  ASSERT_EQ(hash.rfind("sha256:", 0), 0u);
  // The plan changes (another column appears): the approval lapses.
  exec("ALTER TABLE t ADD COLUMN other text");
  auto report = apply(resource(kDropsLegacy, hash));
  EXPECT_TRUE(legacyExists());
  EXPECT_EQ(report.remaining.destructive, 2);
  exec("ALTER TABLE t DROP COLUMN other");
  report = apply(resource(kDropsLegacy, hash));
  EXPECT_FALSE(legacyExists());
  EXPECT_TRUE(report.remaining.drift.empty());
}

TEST_F(ApprovalTest, TheAllowDestructiveFlagApproves) {
  EXPECT_TRUE(apply(resource(kDropsLegacy), /*allowDestructive=*/true).remaining.drift.empty());
  EXPECT_FALSE(legacyExists());
}

TEST_F(ApprovalTest, ModePlanChangesNothing) {
  const auto report = apply(resource(std::string("  mode: Plan\n") + kDropsLegacy + R"(    - name: fresh
      columns: [{name: a, type: int}]
)", "true"));
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(drift(report.remaining), (Drift{"CreateTable fresh [safe]", "DropColumn t.legacy [destructive]"}));
  EXPECT_TRUE(legacyExists());
  EXPECT_EQ(value("SELECT to_regclass('fresh') IS NULL"), "t");
}

TEST_F(EngineTest, TwoConcurrentAppliersAreSerialisedByTheAdvisoryLock) {
  std::string body = "  tables:\n";
  for (int i = 0; i < 30; ++i) {
    body += "    - name: t" + std::to_string(i) +
            "\n      columns: [{name: id, type: bigint}, {name: v, type: text}]\n      primaryKey: [id]\n"
            "      indexes: [{columns: [v]}]\n";
  }
  const auto r = resource(body);
  auto one = std::async(std::launch::async, [&] { return apply(r); });
  auto two = std::async(std::launch::async, [&] { return apply(r); });
  const auto a = one.get();
  const auto b = two.get();
  EXPECT_FALSE(a.failure) << a.failure->message;
  EXPECT_FALSE(b.failure) << b.failure->message;
  // One created everything; the other, planning under the lock afterwards, found nothing to do.
  EXPECT_EQ(a.applied.empty() + b.applied.empty(), 1);
  EXPECT_TRUE(a.remaining.drift.empty());
  EXPECT_TRUE(b.remaining.drift.empty());
}

// The daemon's re-check that finds nothing to do is the common one: it reads the catalog and takes
// no lock, so another applier holding the lock neither delays it nor fails it. Work waits for it.
TEST_F(EngineTest, AnInSyncCheckTakesNoLockAndWorkWaitsForIt) {
  const auto r = resource("  tables:\n    - name: t\n      columns: [{name: id, type: bigint}]\n");
  apply(r);
  auto holder = connect();
  pqxx::nontransaction hold(*holder);
  ASSERT_EQ(hold.exec_params1("SELECT pg_try_advisory_lock(hashtext('schema-operator'), hashtext(current_database() || "
                              "'/' || $1))", r.model.schema)[0].as<bool>(), true);

  auto conn = connect();
  engine::Options options;
  options.apply = true;
  options.lockWait = std::chrono::milliseconds(300);
  const testsupport::RoundTrips trips(*conn);
  const auto inSync = engine::run(*conn, r, options);
  ASSERT_TRUE(inSync) << inSync.error().describe();
  EXPECT_TRUE(inSync->remaining.drift.empty());
  EXPECT_LT(trips.count(), 10) << trips.describe();

  exec("ALTER TABLE t DROP COLUMN id");  // AddColumn: safe, so runnable
  const auto drifted = engine::run(*conn, r, options);
  ASSERT_FALSE(drifted);
  EXPECT_NE(drifted.error().message.find("another apply holds the lock"), std::string::npos) << drifted.error().describe();
  EXPECT_EQ(value("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"), "0");

  // `schema-operator apply` takes the lock before its one read: it waits even with nothing to do.
  engine::Options lockFirst = options;
  lockFirst.lockFirst = true;
  const auto waited = engine::run(*conn, r, lockFirst);
  ASSERT_FALSE(waited);
  EXPECT_NE(waited.error().message.find("another apply holds the lock"), std::string::npos);

  hold.exec_params("SELECT pg_advisory_unlock(hashtext('schema-operator'), hashtext(current_database() || '/' || $1))",
                   r.model.schema);
  const auto fixed = engine::run(*conn, r, options);
  ASSERT_TRUE(fixed) << fixed.error().describe();
  EXPECT_TRUE(fixed->remaining.drift.empty());
}

TEST_F(EngineTest, ALockTimeoutIsRetriedUntilTheLockIsFree) {
  exec("CREATE TABLE busy (a int)");
  pg::ConnectionOptions options;
  options.url = pgServer().socketUrl(db_);
  auto holder = std::move(*pg::connect(options));
  pqxx::work hold(*holder);
  hold.exec("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    hold.commit();
  });
  // The step waits, outside the lock queue, while the holder is visible, then takes its lock.
  const auto report = apply(resource(R"(  tables:
    - name: busy
      columns: [{name: a, type: int}, {name: b, type: int}]
)"));
  release.join();
  EXPECT_FALSE(report.failure) << report.failure->message;
  EXPECT_TRUE(report.remaining.drift.empty());
}

TEST_F(EngineTest, AFailedConcurrentIndexBuildLeavesNoInvalidIndex) {
  exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1);");
  const auto report = apply(resource(R"(  tables:
    - name: t
      columns: [{name: a, type: int}]
      indexes: [{name: t_a_uniq, columns: [a], unique: true}]
)"));
  ASSERT_TRUE(report.failure);
  EXPECT_NE(report.failure->statement.find("CREATE UNIQUE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_NE(report.failure->message.find("could not create unique index"), std::string::npos) << report.failure->message;
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 't_a_uniq'"), "0");
}

TEST_F(EngineTest, AFailingStatementStopsTheRunWithTheServersMessage) {
  // A default Postgres accepts (plan proves it) but cannot evaluate for the rows already there.
  exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1)");
  const auto report = apply(resource(R"(  tables:
    - name: t
      columns: [{name: a, type: int}, {name: b, type: int, default: '1 / 0'}]
    - name: later
      columns: [{name: a, type: int}]
)"));
  ASSERT_TRUE(report.failure);
  EXPECT_NE(report.failure->message.find("division by zero"), std::string::npos) << report.failure->message;
  EXPECT_EQ(value("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"), "1");
}

TEST_F(EngineTest, PlanRoundTripsAreFixedWhateverTheTableCount) {
  auto roundTrips = [&](int tables) {
    std::string body = "  tables:\n";
    for (int i = 0; i < tables; ++i)
      body += "    - name: r" + std::to_string(i) + "\n      columns: [{name: id, type: bigint}]\n      primaryKey: [id]\n";
    const auto r = resource(body);
    apply(r);
    auto conn = connect();
    testsupport::RoundTrips trips(*conn);
    auto planned = engine::run(*conn, r, engine::Options{});  // plan only
    EXPECT_TRUE(planned) << planned.error().describe();
    EXPECT_TRUE(planned && planned->plan.steps.empty()) << "in sync after the apply";
    return trips.count();
  };
  const long long few = roundTrips(2);
  const long long many = roundTrips(60);
  EXPECT_EQ(few, many);
  EXPECT_LT(many, 10);
}

// statement_timeout bounds a step that stops the application's writes while it runs, and only
// such a step: a VALIDATE scans under a lock that lets reads and writes go on, however long.
TEST_F(EngineTest, AStatementTimeoutStopsALongStepThatBlocksWritesButNeverAValidate) {
  exec("CREATE TABLE big (id int, qty int); INSERT INTO big SELECT g, 1 + g % 5 FROM generate_series(1, 100000) g");
  auto conn = connect();
  engine::Options options;
  options.apply = true;
  options.applyOptions.statementTimeout = std::chrono::milliseconds(5);

  // A volatile default is written into every row: a rewrite under ACCESS EXCLUSIVE.
  const auto rewrite = engine::run(*conn, resource(R"y(  tables:
    - name: big
      columns: [{name: id, type: int}, {name: qty, type: int}, {name: r, type: float8, default: "random()"}]
)y"), options);
  ASSERT_TRUE(rewrite) << rewrite.error().describe();
  ASSERT_TRUE(rewrite->failure);
  EXPECT_NE(rewrite->failure->message.find("statement timeout"), std::string::npos) << rewrite->failure->message;
  EXPECT_NE(rewrite->failure->message.find("statement_timeout 5ms: the step holds ACCESS EXCLUSIVE"), std::string::npos)
      << rewrite->failure->message;
  EXPECT_EQ(value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'big' AND column_name = 'r'"), "0");

  // The same timeout, a check validated over the same rows: no timeout applies to the scan.
  const auto validated = engine::run(*conn, resource(R"(  tables:
    - name: big
      columns: [{name: id, type: int}, {name: qty, type: int}]
      checks: [{name: big_qty_positive, expression: "qty > 0"}]
)"), options);
  ASSERT_TRUE(validated) << validated.error().describe();
  EXPECT_FALSE(validated->failure) << validated->failure->message;
  EXPECT_EQ(value("SELECT convalidated FROM pg_constraint WHERE conname = 'big_qty_positive'"), "t");
  // The session's own setting is untouched after the apply.
  EXPECT_EQ(pqxx::nontransaction(*conn).exec1("SHOW statement_timeout")[0].as<std::string>(), "0");
}

// A statement_timeout the session already has (a role's setting, PGOPTIONS) bounds the catalog
// reads as the user asked, but not a step that lets the application's reads and writes go on.
TEST_F(EngineTest, TheSessionsOwnStatementTimeoutDoesNotBoundAValidate) {
  exec("CREATE TABLE slow (id int, qty int); INSERT INTO slow SELECT g, 1 FROM generate_series(1, 300) g");
  auto conn = connect();
  pqxx::nontransaction(*conn).exec("SET statement_timeout = '250ms'");
  engine::Options options;
  options.apply = true;
  // About 2 ms a row: the VALIDATE scan takes longer than the session's 250 ms.
  const auto validated = engine::run(*conn, resource(R"(  tables:
    - name: slow
      columns: [{name: id, type: int}, {name: qty, type: int}]
      checks: [{name: slow_check, expression: "pg_sleep(0.002) IS NOT NULL AND qty > 0"}]
)"), options);
  ASSERT_TRUE(validated) << validated.error().describe();
  EXPECT_FALSE(validated->failure) << validated->failure->message;
  EXPECT_EQ(value("SELECT convalidated FROM pg_constraint WHERE conname = 'slow_check'"), "t");
  EXPECT_EQ(pqxx::nontransaction(*conn).exec1("SHOW statement_timeout")[0].as<std::string>(), "250ms");
}

// The catalog read's planned cost passes jit_above_cost on large schemas, and compiling it took
// ten times as long as running it: the engine's sessions run with JIT off.
TEST_F(EngineTest, TheEngineSessionRunsWithoutJit) {
  const auto r = resource("  tables:\n    - name: t\n      columns: [{name: id, type: bigint}]\n");
  auto conn = connect();
  pqxx::nontransaction(*conn).exec("SET jit = on");
  auto planned = engine::run(*conn, r, engine::Options{});
  ASSERT_TRUE(planned) << planned.error().describe();
  EXPECT_EQ(pqxx::nontransaction(*conn).exec1("SHOW jit")[0].as<std::string>(), "off");
}
