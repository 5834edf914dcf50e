// `schema-operator apply`: safe changes always, destructive ones only when approved, nothing in
// `mode: Plan`; exit 0 when the database then matches, 2 while changes are pending, 1 on error.
#include <future>

#include "integration/cli/cli_fixture.hpp"

namespace clitest {
namespace {

// customers as declared, plus a column the document does not declare (a DropColumn).
constexpr const char* kCustomersWithLegacy =
    "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, legacy text)";

std::string shopSpec() {
  return "  extensions: [pgcrypto]\n"
         "  enums:\n"
         "    - name: order_status\n"
         "      values: [pending, paid, shipped]\n"
         "  tables:\n"
         "    - name: customers\n"
         "      comment: People who buy\n"
         "      columns:\n"
         "        - {name: id, type: bigint, identity: always}\n"
         "        - {name: email, type: varchar(320), nullable: false}\n"
         "        - {name: created_at, type: timestamptz, nullable: false, default: \"now()\"}\n"
         "      primaryKey: [id]\n"
         "      unique:\n"
         "        - {name: customers_email_key, columns: [email]}\n"
         "    - name: orders\n"
         "      columns:\n"
         "        - {name: id, type: bigint, identity: by-default}\n"
         "        - {name: customer_id, type: bigint, nullable: false}\n"
         "        - {name: status, type: order_status, nullable: false, default: \"'pending'\"}\n"
         "        - {name: total_cents, type: integer, nullable: false, default: \"0\"}\n"
         "        - {name: note, type: text}\n"
         "      primaryKey: [id]\n"
         "      foreignKeys:\n"
         "        - name: orders_customer_fk\n"
         "          columns: [customer_id]\n"
         "          references: {table: customers, columns: [id]}\n"
         "          onDelete: cascade\n"
         "      checks:\n"
         "        - {name: orders_total_nonneg, expression: \"total_cents >= 0\"}\n"
         "      indexes:\n"
         "        - {name: orders_customer_idx, columns: [customer_id]}\n"
         "        - {name: orders_open_idx, columns: [id], where: \"status <> 'shipped'\"}\n"
         "  seed:\n"
         "    - table: customers\n"
         "      rows:\n"
         "        - {id: 1, email: \"admin@example.com\"}\n";
}

TEST(ApplyCommand, CreatesTheSchemaFromAnEmptyDatabaseAndASecondApplyChangesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  const std::string doc = document(shopSpec());

  const auto first = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, doc);
  ASSERT_EQ(first.exitCode, 0) << show(first);
  const auto firstDocs = jsonLines(first.out);
  ASSERT_EQ(firstDocs.size(), 1u);
  EXPECT_EQ(firstDocs[0]["drift"]["count"], 0) << first.out;
  EXPECT_FALSE(firstDocs[0]["applied"].empty()) << first.out;

  EXPECT_TRUE(tableExists(db, "customers"));
  EXPECT_TRUE(tableExists(db, "orders"));
  EXPECT_EQ(pg.queryValue(db, "SELECT email FROM customers WHERE id = 1"), "admin@example.com");
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'"), "1");
  EXPECT_EQ(pg.queryValue(db, "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                              "WHERE enumtypid = 'order_status'::regtype"),
            "pending,paid,shipped");
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_indexes WHERE indexname IN "
                              "('orders_customer_idx', 'orders_open_idx')"),
            "2");
  EXPECT_EQ(pg.queryValue(db, "SELECT bool_and(convalidated)::text FROM pg_constraint "
                              "WHERE conname IN ('orders_customer_fk', 'orders_total_nonneg')"),
            "true");

  const auto second = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, doc);
  ASSERT_EQ(second.exitCode, 0) << show(second);
  const auto secondDocs = jsonLines(second.out);
  ASSERT_EQ(secondDocs.size(), 1u);
  EXPECT_EQ(secondDocs[0]["applied"], nlohmann::json::array()) << second.out;
  EXPECT_EQ(secondDocs[0]["drift"]["count"], 0) << second.out;

  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, doc);
  EXPECT_EQ(plan.exitCode, 0) << show(plan);
}

TEST(ApplyCommand, PrintsWhatItAppliedAndASummaryLine) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(customersSpec()));
  ASSERT_EQ(r.exitCode, 0) << show(r);
  EXPECT_NE(r.out.find("Applied"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("CREATE TABLE"), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("shop: in sync"), std::string::npos) << show(r);
}

TEST(ApplyCommand, LeavesDestructiveChangesPendingWithoutApproval) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);
  const std::string spec = customersSpec() +
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint, nullable: false}\n";

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, document(spec));
  EXPECT_EQ(r.exitCode, 2) << show(r);
  EXPECT_TRUE(tableExists(db, "orders")) << "the safe part is applied either way";
  EXPECT_TRUE(columnExists(db, "customers", "legacy"));

  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  ASSERT_EQ(docs[0]["drift"]["count"], 1) << r.out;
  EXPECT_EQ(docs[0]["drift"]["items"][0]["object"], "customers.legacy");
  EXPECT_EQ(docs[0]["drift"]["items"][0]["change"], "DropColumn");
  EXPECT_EQ(docs[0]["drift"]["items"][0]["destructive"], true);
  EXPECT_EQ(docs[0]["plan"]["destructive"], 1);

  const auto text = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(spec));
  EXPECT_EQ(text.exitCode, 2) << show(text);
  EXPECT_NE(text.out.find("shop: 1 change pending (1 destructive, awaiting approval)"), std::string::npos)
      << show(text);
}

TEST(ApplyCommand, AppliesDestructiveChangesWithAllowDestructive) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--allow-destructive"}, {},
                     document(customersSpec()));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_FALSE(columnExists(db, "customers", "legacy"));
}

TEST(ApplyCommand, AppliesDestructiveChangesWhenTheAnnotationSaysTrue) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {},
                     document(customersSpec(), "shop", "    dbschema.io/allow-destructive: \"true\"\n"));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_FALSE(columnExists(db, "customers", "legacy"));
}

TEST(ApplyCommand, AppliesExactlyThePlanWhoseHashTheAnnotationNames) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);

  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                        document(customersSpec()));
  ASSERT_EQ(plan.exitCode, 2) << show(plan);
  const std::string hash = jsonLines(plan.out).at(0)["plan"]["hash"];

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {},
                     document(customersSpec(), "shop", "    dbschema.io/allow-destructive: \"" + hash + "\"\n"));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_FALSE(columnExists(db, "customers", "legacy"));
}

TEST(ApplyCommand, AStalePlanHashApprovesNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);

  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                        document(customersSpec()));
  ASSERT_EQ(plan.exitCode, 2) << show(plan);
  const std::string hash = jsonLines(plan.out).at(0)["plan"]["hash"];

  // The database moves on after the plan was reviewed: the reviewed hash no longer describes it.
  pg.exec(db, "ALTER TABLE customers ADD COLUMN notes text");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                     document(customersSpec(), "shop", "    dbschema.io/allow-destructive: \"" + hash + "\"\n"));
  EXPECT_EQ(r.exitCode, 2) << show(r);
  EXPECT_TRUE(columnExists(db, "customers", "legacy"));
  EXPECT_TRUE(columnExists(db, "customers", "notes"));
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  EXPECT_EQ(docs[0]["drift"]["count"], 2) << r.out;
  EXPECT_NE(docs[0]["plan"]["hash"], hash);
}

TEST(ApplyCommand, AppliesOnlyTheDestructiveKindsTheAnnotationNames) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);
  pg.exec(db, "CREATE INDEX customers_email_idx ON customers (email)");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {},
                     document(customersSpec(), "shop", "    dbschema.io/allow-destructive: \"DropColumn\"\n"));
  EXPECT_EQ(r.exitCode, 2) << show(r);
  EXPECT_FALSE(columnExists(db, "customers", "legacy"));
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'customers_email_idx'"), "1");
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  ASSERT_EQ(docs[0]["drift"]["count"], 1) << r.out;
  EXPECT_EQ(docs[0]["drift"]["items"][0]["change"], "DropIndex");
}

TEST(ApplyCommand, ChangesNothingWhenTheDocumentSaysModePlan) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersWithLegacy);
  const std::string spec = "  mode: Plan\n" + customersSpec() +
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint, nullable: false}\n";

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "--allow-destructive", "-o", "json"},
                     {}, document(spec));
  EXPECT_EQ(r.exitCode, 2) << show(r);
  EXPECT_FALSE(tableExists(db, "orders"));
  EXPECT_TRUE(columnExists(db, "customers", "legacy"));
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  EXPECT_EQ(docs[0]["applied"], nlohmann::json::array());
  EXPECT_EQ(docs[0]["drift"]["count"], 2);
}

TEST(ApplyCommand, RejectsACheckOnAMissingColumnWithTheServersMessage) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  const std::string spec = "  tables:\n"
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint, nullable: false}\n"
                           "        - {name: total_cents, type: integer}\n"
                           "      checks:\n"
                           "        - {name: orders_total_nonneg, expression: \"totl_cents >= 0\"}\n";

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(spec));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("column \"totl_cents\" does not exist"), std::string::npos) << show(r);
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_total_nonneg'"), "0");
}

// The issue's own example: a default that is really an ALTER TABLE clause must not drop a column.
TEST(ApplyCommand, SqlSmuggledIntoADefaultIsRefusedAndDropsNothing) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, "CREATE TABLE orders (id bigint PRIMARY KEY, note text); INSERT INTO orders VALUES (1, 'keep')");
  const std::string spec = "  tables:\n"
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint}\n"
                           "        - {name: note, type: text}\n"
                           "        - {name: total, type: integer, default: \"0, DROP COLUMN note\"}\n"
                           "      primaryKey: [id]\n";
  for (const char* command : {"plan", "apply"}) {
    const auto r = cli({command, "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(spec));
    EXPECT_EQ(r.exitCode, 1) << command << "\n" << show(r);
    EXPECT_NE(r.err.find("spec.tables[0].columns[2].default"), std::string::npos) << show(r);
  }
  EXPECT_EQ(pg.queryValue(db, "SELECT note FROM orders WHERE id = 1"), "keep");
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0"),
            "2");
}

TEST(ApplyCommand, ReportsAFailingStatementAndLeavesThatStepUndone) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, kCustomersSql);
  pg.exec(db, "INSERT INTO customers VALUES (1, 'same@example.com'), (2, 'same@example.com')");
  const std::string spec = customersSpec(
      "      unique:\n"
      "        - {name: customers_email_key, columns: [email]}\n");

  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"}, {}, document(spec));
  EXPECT_EQ(r.exitCode, 1) << show(r);
  EXPECT_NE(r.err.find("customers_email_key"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("same@example.com"), std::string::npos) << "the server's DETAIL is kept\n" << show(r);
  const auto docs = jsonLines(r.out);
  ASSERT_EQ(docs.size(), 1u) << show(r);
  ASSERT_TRUE(docs[0].contains("error")) << r.out;
  EXPECT_NE(docs[0]["error"]["statement"].get<std::string>().find("UNIQUE"), std::string::npos) << r.out;
  EXPECT_NE(docs[0]["error"]["message"].get<std::string>().find("could not create unique index"), std::string::npos)
      << r.out;
  EXPECT_EQ(docs[0]["drift"]["count"], 1) << r.out;
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'customers_email_key'"), "0");
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_class WHERE relname = 'customers_email_key'"), "0");
}

// The contract's own example: a partial index whose predicate names an enum value that the same
// plan adds. The predicate cannot be put to the server before the value exists.
TEST(ApplyCommand, AddsAnEnumValueAndAPartialIndexThatNamesItInOneApply) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  pg.exec(db, "CREATE TYPE order_status AS ENUM ('pending', 'paid')");
  pg.exec(db, "CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending')");
  const std::string spec = "  enums:\n"
                           "    - name: order_status\n"
                           "      values: [pending, paid, shipped]\n"
                           "  tables:\n"
                           "    - name: orders\n"
                           "      columns:\n"
                           "        - {name: id, type: bigint, nullable: false}\n"
                           "        - {name: status, type: order_status, nullable: false, default: \"'pending'\"}\n"
                           "      primaryKey: [id]\n"
                           "      indexes:\n"
                           "        - {name: orders_open_idx, columns: [id], where: \"status <> 'shipped'\"}\n";

  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(spec));
  EXPECT_EQ(plan.exitCode, 2) << show(plan);
  const auto r = cli({"apply", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, document(spec));
  EXPECT_EQ(r.exitCode, 0) << show(r);
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_open_idx'"), "1");
}

TEST(ApplyCommand, TwoConcurrentAppliesAreSerialisedAndBothSucceed) {
  auto& pg = PostgresServer::shared();
  const auto db = pg.createDatabase("apply");
  const std::string doc = document(shopSpec());
  const std::vector<std::string> args{"apply", "-f", "-", "--database-url", pg.socketUrl(db), "-o", "json"};

  auto a = std::async(std::launch::async, [&] { return cli(args, {}, doc); });
  auto b = std::async(std::launch::async, [&] { return cli(args, {}, doc); });
  const auto ra = a.get();
  const auto rb = b.get();
  ASSERT_EQ(ra.exitCode, 0) << show(ra);
  ASSERT_EQ(rb.exitCode, 0) << show(rb);

  // The lock is taken before the catalog is read, so the second planned after the first finished.
  const auto ja = jsonLines(ra.out).at(0);
  const auto jb = jsonLines(rb.out).at(0);
  EXPECT_TRUE(ja["applied"].empty() != jb["applied"].empty()) << ra.out << "\n" << rb.out;
  EXPECT_EQ(pg.queryValue(db, "SELECT count(*) FROM customers"), "1");

  const auto plan = cli({"plan", "-f", "-", "--database-url", pg.socketUrl(db)}, {}, doc);
  EXPECT_EQ(plan.exitCode, 0) << show(plan);
}

}  // namespace
}  // namespace clitest
