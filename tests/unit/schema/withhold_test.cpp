// Preflight's decisions (schema/withhold.hpp): which refusal holds which declared item back, how
// it then stands in the declaration (as it is live, or not at all), and the blocked change and
// reason it is reported as. Refusals in, model and changes out.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/withhold.hpp"

using namespace schema;
using namespace testbuild;

namespace {

View view(std::string name, std::string query, std::string field) {
  View v;
  v.name = std::move(name);
  v.query = std::move(query);
  v.field = std::move(field);
  return v;
}

Table declaredTable(Table t, const std::string& field) {
  t.field = field;
  for (size_t j = 0; j < t.columns.size(); ++j) t.columns[j].field = field + ".columns[" + std::to_string(j) + "]";
  return t;
}

Refusal missing(std::string field, std::string message, std::string sqlstate = "42P01") {
  return Refusal{std::move(field), std::move(message), std::move(sqlstate)};
}

TEST(Withhold, OnlyRefusalsForSomethingMissingCount) {
  EXPECT_TRUE(namesMissingObject("42P01"));
  EXPECT_TRUE(namesMissingObject("42704"));
  EXPECT_TRUE(namesMissingObject("42883"));
  EXPECT_TRUE(namesMissingObject("3F000"));
  EXPECT_FALSE(namesMissingObject("42703")) << "a column that does not exist is a mistake in the text";
  EXPECT_FALSE(namesMissingObject("42601"));
  EXPECT_FALSE(namesMissingObject(""));

  Model declared;
  declared.views = {view("v", "SELECT nope FROM t", "spec.views[0]")};
  Withheld withheld;
  EXPECT_FALSE(withhold(declared, Model{}, missing("spec.views[0].query", "column \"nope\" does not exist", "42703"),
                        withheld));
  EXPECT_FALSE(withhold(declared, Model{}, missing("spec.views[0].query", "syntax error", "42601"), withheld));
  EXPECT_EQ(declared.views.size(), 1u);
  EXPECT_TRUE(withheld.changes.empty());
}

TEST(Withhold, ANewViewLeavesTheDeclarationAndOneOnItWaitsForIt) {
  Model declared;
  declared.views = {view("invoiced", "SELECT * FROM billing.invoices", "spec.views[0]"),
                    view("big", "SELECT * FROM invoiced", "spec.views[1]"),
                    view("ids", "SELECT id FROM orders", "spec.views[10]")};
  Withheld withheld;
  ASSERT_TRUE(withhold(declared, Model{},
                       missing("spec.views[0].query", "relation \"billing.invoices\" does not exist"), withheld));
  ASSERT_TRUE(withhold(declared, Model{}, missing("spec.views[1].query", "relation \"invoiced\" does not exist"),
                       withheld));
  ASSERT_EQ(declared.views.size(), 1u);
  EXPECT_EQ(declared.views[0].name, "ids") << "spec.views[1] is not inside spec.views[10]";
  ASSERT_EQ(withheld.changes.size(), 2u);
  EXPECT_EQ(withheld.changes[0].kind, ChangeKind::CreateView);
  EXPECT_EQ(withheld.changes[0].safety, Safety::Blocked);
  EXPECT_EQ(withheld.changes[0].reason,
            "spec.views[0].query: relation \"billing.invoices\" does not exist; the resource does not declare it "
            "(another schema's object, or one made by hand or by an extension): this waits until it exists, and the "
            "rest of the plan proceeds");
  EXPECT_EQ(withheld.changes[1].reason,
            "waits for view invoiced, which is blocked (spec.views[1].query: relation \"invoiced\" does not exist)");
}

TEST(Withhold, ALiveViewOrFunctionStandsAsItIsSoNothingIsReplacedOrDropped) {
  Model have;
  have.views = {view("ids", "SELECT id FROM orders", "")};
  Function live;
  live.name = "order_count";
  live.argumentTypes = "";
  live.body = "SELECT count(*) FROM orders";
  Function overload = live;
  overload.argumentTypes = "bigint";
  have.functions = {live, overload};

  Model declared;
  declared.views = {view("ids", "SELECT id FROM billing.invoices", "spec.views[0]")};
  Function f;
  f.name = "order_count";
  f.body = "SELECT count(*) FROM billing.invoices";
  f.field = "spec.functions[0]";
  declared.functions = {f};
  Withheld withheld;
  ASSERT_TRUE(withhold(declared, have, missing("spec.views[0].query", "relation \"billing.invoices\" does not exist"),
                       withheld));
  ASSERT_TRUE(withhold(declared, have, missing("spec.functions[0]", "relation \"billing.invoices\" does not exist"),
                       withheld));
  EXPECT_EQ(declared.views, have.views);
  EXPECT_EQ(declared.functions, have.functions) << "every live function of the name stays declared";
  ASSERT_EQ(withheld.changes.size(), 2u);
  EXPECT_EQ(withheld.changes[0].kind, ChangeKind::ReplaceView);
  EXPECT_EQ(withheld.changes[1].kind, ChangeKind::ReplaceFunction);
  EXPECT_EQ(withheld.changes[1].object, "order_count()");
}

TEST(Withhold, APolicyIsHeldOnItsTableWhichProceeds) {
  Table t = declaredTable(table("documents", {col("id", "bigint", false), col("owner", "text")}), "spec.tables[0]");
  RowPolicy own;
  own.name = "own";
  own.usingExpr = "owner = auth.uid()";
  own.field = "spec.tables[0].policies[0]";
  t.policies = {own};
  Model declared = model({t});
  Withheld withheld;
  ASSERT_TRUE(withhold(declared, Model{},
                       missing("spec.tables[0].policies[0]", "schema \"auth\" does not exist", "3F000"), withheld));
  ASSERT_EQ(declared.tables.size(), 1u);
  EXPECT_TRUE(declared.tables[0].policies.empty());
  EXPECT_EQ(declared.tables[0].columns.size(), 2u);
  ASSERT_EQ(withheld.changes.size(), 1u);
  EXPECT_EQ(withheld.changes[0].kind, ChangeKind::CreatePolicy);
  EXPECT_EQ(withheld.changes[0].object, "documents.own");
  EXPECT_TRUE(withheld.changes[0].onNewTable);
}

TEST(Withhold, ATableTypeIsHeldOnlyWhileADeclaredExtensionCannotBeCreated) {
  Model declared = model({declaredTable(table("members", {col("id", "bigint", false), col("email", "citext")}, {"id"}),
                                        "spec.tables[0]")});
  declared.extensions = {"citext"};
  const Refusal refusal = missing("spec.tables[0].columns[1].type", "type \"citext\" does not exist", "42704");
  Withheld withheld;
  EXPECT_FALSE(withhold(declared, Model{}, refusal, withheld)) << "a typo in a table stays an input error";

  withholdExtension(declared, "citext", "extension citext is not available on this server", withheld);
  EXPECT_TRUE(declared.extensions.empty());
  ASSERT_TRUE(withhold(declared, Model{}, refusal, withheld));
  EXPECT_TRUE(declared.tables.empty());
  ASSERT_EQ(withheld.changes.size(), 2u);
  EXPECT_EQ(withheld.changes[0].kind, ChangeKind::CreateExtension);
  EXPECT_EQ(withheld.changes[1].kind, ChangeKind::CreateTable);
  EXPECT_EQ(withheld.changes[1].reason,
            "spec.tables[0].columns[1].type: type \"citext\" does not exist; it waits for extension citext, which "
            "cannot be created (see CreateExtension)");
}

TEST(Withhold, ANewTableTakesTheForeignKeysOntoItAndItsPartitionsAlong) {
  Table members = declaredTable(table("members", {col("id", "bigint", false), col("email", "citext")}, {"id"}),
                                "spec.tables[0]");
  Table orders = declaredTable(table("orders", {col("id", "bigint", false), col("member_id", "bigint")}, {"id"}),
                               "spec.tables[1]");
  ForeignKey fk;
  fk.name = "orders_member_fk";
  fk.columns = {"member_id"};
  fk.refTable = "members";
  fk.refColumns = {"id"};
  orders.foreignKeys = {fk};
  Table recent = declaredTable(table("members_recent", {}), "spec.tables[2]");
  recent.partitionOf = PartitionOf{"members", "DEFAULT", "spec.tables[2].partitionOf"};
  Model declared = model({members, orders, recent});
  SeedRow row;
  row.table = "members";
  declared.seeds = {row};
  Withheld withheld;
  withholdExtension(declared, "citext", "not available", withheld);
  ASSERT_TRUE(withhold(declared, Model{}, missing("spec.tables[0].columns[1].type", "type \"citext\" does not exist", "42704"),
                       withheld));
  ASSERT_EQ(declared.tables.size(), 1u);
  EXPECT_EQ(declared.tables[0].name, "orders");
  EXPECT_TRUE(declared.tables[0].foreignKeys.empty()) << "orders is made; its key onto members waits";
  EXPECT_TRUE(declared.seeds.empty());
  std::vector<std::string> held;
  for (const auto& c : withheld.changes) held.push_back(std::string(toString(c.kind)) + " " + c.object);
  EXPECT_EQ(held, (std::vector<std::string>{"CreateExtension citext", "CreateTable members",
                                            "AddForeignKey orders.orders_member_fk", "CreateTable members_recent"}));
  EXPECT_EQ(withheld.changes[2].reason, "waits for table members, which is blocked");
}

TEST(Withhold, ALiveTableStandsAsItIsAndTheRefusedColumnIsReported) {
  const Table live = table("accounts", {col("id", "bigint", false)}, {"id"});
  Model have = model({live});
  Model declared = model({declaredTable(
      table("accounts", {col("id", "bigint", false), col("note", "text"), col("nick", "citext")}, {"id"}),
      "spec.tables[0]")});
  Withheld withheld;
  withholdExtension(declared, "citext", "not available", withheld);
  ASSERT_TRUE(withhold(declared, have, missing("spec.tables[0].columns[2].type", "type \"citext\" does not exist", "42704"),
                       withheld));
  ASSERT_EQ(declared.tables.size(), 1u);
  EXPECT_EQ(declared.tables[0], live) << "its other changes wait with it: its indexes and checks may name the column";
  ASSERT_EQ(withheld.changes.size(), 2u);
  EXPECT_EQ(withheld.changes[1].kind, ChangeKind::AddColumn);
  EXPECT_EQ(withheld.changes[1].object, "accounts.nick");
  // A field of the table that names no column, check, index or exclusion: the refusal stands.
  Model again = model({declaredTable(table("accounts", {col("id", "bigint", false)}), "spec.tables[0]")});
  EXPECT_FALSE(withhold(again, have, missing("spec.tables[0].partitionBy", "type \"citext\" does not exist", "42704"),
                        withheld));
}

TEST(Withhold, AnExtensionTheQuestionsCouldNotCreateIsHeldWithTheServersReason) {
  Model declared;
  declared.extensions = {"pgcrypto", "postgis"};
  Withheld withheld;
  ASSERT_TRUE(withhold(declared, Model{},
                       Refusal{"spec.extensions[1]", "cannot create extension postgis: permission denied", "42501"},
                       withheld));
  EXPECT_EQ(declared.extensions, std::vector<std::string>{"pgcrypto"});
  ASSERT_EQ(withheld.changes.size(), 1u);
  EXPECT_EQ(withheld.changes[0].object, "postgis");
  EXPECT_EQ(withheld.changes[0].reason, "cannot create extension postgis: permission denied");
}

}  // namespace
