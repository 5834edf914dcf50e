// Unmanaged objects through the engine on a real PostgreSQL: listed with the report and never
// touched; under spec.strict (or Options::strict, the CLI's --strict) nothing is applied while
// any exist, and everything is once they are gone.
#include "engine_fixture.hpp"

namespace {

const char* kOrders = R"yaml(  tables:
    - name: orders
      columns:
        - {name: id, type: bigint}
        - {name: note, type: text}
      primaryKey: [id]
    - name: customers
      columns:
        - {name: id, type: bigint}
)yaml";

std::vector<std::string> listed(const engine::Report& r) {
  std::vector<std::string> out;
  for (const auto& o : r.unmanaged) out.push_back(o.kind + " " + o.name);
  return out;
}

}  // namespace

class UnmanagedTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("CREATE TABLE orders (id bigint PRIMARY KEY, note text);"
         "CREATE STATISTICS orders_stats ON id, note FROM orders;"
         "CREATE AGGREGATE longest(text) (SFUNC = text_larger, STYPE = text);"
         "CREATE RULE orders_keep AS ON DELETE TO orders DO INSTEAD NOTHING");
  }
  bool customersExists() { return value("SELECT to_regclass('customers') IS NOT NULL") == "t"; }
};

TEST_F(UnmanagedTest, AreListedAndNeverTouchedWhileTheRestIsApplied) {
  const auto r = apply(resource(kOrders), /*allowDestructive=*/true);
  EXPECT_EQ(listed(r), (std::vector<std::string>{"Aggregate longest(text)", "Rule orders.orders_keep",
                                                 "Statistics orders_stats"}));
  EXPECT_FALSE(r.refusedUnmanaged);
  EXPECT_TRUE(customersExists());
  EXPECT_TRUE(r.remaining.drift.empty()) << ::testing::PrintToString(drift(r.remaining));
  EXPECT_EQ(value("SELECT count(*) FROM pg_rewrite WHERE rulename = 'orders_keep'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'orders_stats'"), "1");
}

TEST_F(UnmanagedTest, StrictAppliesNothingWhileAnyExist) {
  const auto strict = resource(std::string("  strict: true\n") + kOrders);
  ASSERT_TRUE(strict.strict);
  const auto r = apply(strict);
  EXPECT_TRUE(r.refusedUnmanaged);
  EXPECT_TRUE(r.applied.empty());
  EXPECT_FALSE(customersExists());
  // What would run is still reported.
  EXPECT_EQ(drift(r.remaining), (Drift{"CreateTable customers [safe]"}));
  EXPECT_EQ(listed(r).size(), 3u);

  // Once a person has dealt with them, the same resource applies.
  exec("DROP STATISTICS orders_stats; DROP AGGREGATE longest(text); DROP RULE orders_keep ON orders");
  const auto after = apply(strict);
  EXPECT_FALSE(after.refusedUnmanaged);
  EXPECT_TRUE(after.unmanaged.empty());
  EXPECT_TRUE(customersExists());
}

TEST_F(UnmanagedTest, TheStrictOptionRefusesAsTheFieldDoes) {
  auto conn = connect();
  engine::Options options;
  options.apply = true;
  options.strict = true;
  options.applyOptions.lockTimeout = std::chrono::milliseconds(500);
  auto r = engine::run(*conn, resource(kOrders), options);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->refusedUnmanaged);
  EXPECT_FALSE(customersExists());
}

// A plan under strict refuses as well (the CLI's `plan --strict` exits 1), with the drift it found.
TEST_F(UnmanagedTest, StrictPlanSaysItWouldRefuse) {
  const auto r = plan(resource(std::string("  strict: true\n") + kOrders));
  EXPECT_TRUE(r.refusedUnmanaged);
  EXPECT_EQ(drift(r.plan), (Drift{"CreateTable customers [safe]"}));
}
