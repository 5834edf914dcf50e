// Domains and composite types, the pure half: what diff finds, how classify blocks what cannot
// run, how plan orders and renders it (exact SQL), and the questions and answers of canonicalisation.
#include "schema/user_types.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "schema/diff.hpp"
#include "schema/plan.hpp"

using namespace schema;
using namespace testbuild;

namespace {

Domain domain(std::string name, std::string type) {
  Domain d;
  d.name = std::move(name);
  d.type = std::move(type);
  return d;
}

Domain withCheck(Domain d, std::string name, std::string expression) {
  Check ck;
  ck.name = std::move(name);
  ck.expression = std::move(expression);
  d.checks.push_back(std::move(ck));
  return d;
}

CompositeType composite(std::string name, std::vector<std::pair<std::string, std::string>> attributes) {
  CompositeType t;
  t.name = std::move(name);
  for (auto& [n, type] : attributes) t.attributes.push_back(TypeAttribute{n, type, std::nullopt, ""});
  return t;
}

std::vector<std::string> kinds(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(toString(c.kind)) + " " + c.object);
  return out;
}

Policy pruning() {
  Policy p;
  p.prune = true;
  return p;
}

Plan planOf(const Model& have, const Model& want, const Policy& policy = Policy{}, const Facts& facts = Facts{}) {
  return plan(classify(diff(have, want, policy, Canon{}), facts), "public");
}

const Change* find(const Plan& p, const std::string& kind, const std::string& object) {
  for (const auto& c : p.drift)
    if (toString(c.kind) == kind && c.object == object) return &c;
  return nullptr;
}

}  // namespace

TEST(UserTypes, ReferencedTypeNameSeesThroughArraysQuotesAndTheSchema) {
  EXPECT_EQ(referencedTypeName("email_address", "public"), "email_address");
  EXPECT_EQ(referencedTypeName("email_address[]", "public"), "email_address");
  EXPECT_EQ(referencedTypeName("\"My \"\"Type\"\"\"[][]", "public"), "My \"Type\"");
  EXPECT_EQ(referencedTypeName("app.money", "app"), "money");
  EXPECT_EQ(referencedTypeName("other.money", "app"), "");
  EXPECT_EQ(referencedTypeName("character varying(20)", "public"), "character varying(20)");
}

TEST(UserTypes, CreationOrderPutsWhatATypeNamesFirst) {
  Model want;
  want.domains = {domain("positive_money", "money_amount"), domain("email", "text")};
  want.compositeTypes = {composite("money_amount", {{"cents", "cents_d"}}), composite("pair", {{"a", "email[]"}})};
  want.domains.push_back(domain("cents_d", "bigint"));
  std::vector<std::string> order;
  for (const auto& r : creationOrder(want))
    order.push_back(r.domain ? want.domains[r.index].name : want.compositeTypes[r.index].name);
  EXPECT_EQ(order, (std::vector<std::string>{"email", "cents_d", "money_amount", "pair", "positive_money"}));
}

TEST(UserTypes, NewDomainsAndTypesAreCreatedBeforeTheTablesThatUseThem) {
  Model want = model({table("customers", {col("email", "email_address"), col("balance", "money_amount[]")})});
  Domain email = withCheck(domain("email_address", "text"), "email_address_check", "VALUE ~ '@'::text");
  email.nullable = false;
  email.defaultExpr = "''::text";
  email.collation = "C";
  want.domains = {email};
  want.compositeTypes = {composite("money_amount", {{"cents", "bigint"}, {"currency", "character(3)"}})};
  want.enums = {Enum{"status", {"a"}, ""}};
  const Plan p = planOf(Model{}, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{
                R"(CREATE TYPE "public"."status" AS ENUM ('a'))",
                R"(CREATE DOMAIN "public"."email_address" AS text COLLATE "C" DEFAULT ''::text NOT NULL )"
                R"(CONSTRAINT "email_address_check" CHECK (VALUE ~ '@'::text))",
                R"(CREATE TYPE "public"."money_amount" AS ("cents" bigint, "currency" character(3)))",
                R"(CREATE TABLE "public"."customers" ("email" email_address, "balance" money_amount[]))",
            }));
  EXPECT_EQ(p.destructive, 0);
}

TEST(UserTypes, EquivalentLiveDomainIsNotDrift) {
  Domain live = withCheck(domain("email_address", "text"), "email_address_check", "VALUE ~ '@'::text");
  live.defaultExpr = "''::text";
  Model have, want;
  have.domains = {live};
  Domain declared = withCheck(domain("email_address", "text"), "email_address_check", "(VALUE ~ '@')");
  declared.defaultExpr = "''";
  want.domains = {declared};
  EXPECT_TRUE(diff(have, want, Policy{}, Canon{}).empty());
}

TEST(UserTypes, DefaultAndNotNullChangeInPlace) {
  Model have, want;
  Domain live = domain("d", "integer");
  live.defaultExpr = "1";
  have.domains = {live};
  have.tables = {table("t", {col("a", "d"), col("c", "integer")})};
  want.tables = have.tables;
  Domain declared = domain("d", "integer");
  declared.nullable = false;
  want.domains = {declared};
  auto changes = diff(have, want, Policy{}, Canon{});
  EXPECT_EQ(kinds(changes), (std::vector<std::string>{"DropDefault d", "SetNotNull d"}));
  const auto& notNull = std::get<DomainChange>(changes[1].detail);
  EXPECT_EQ(notNull.users, (std::vector<std::pair<std::string, std::string>>{{"t", "a"}}));
  const Plan p = plan(classify(changes, Facts{}), "public");
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" DROP DEFAULT)",
                                                      R"(ALTER DOMAIN "public"."d" SET NOT NULL)"}));

  // Postgres refuses to check a domain an array column holds: SET NOT NULL waits.
  have.tables[0].columns.push_back(col("b", "d[]"));
  want.tables = have.tables;
  const Plan withArray = planOf(have, want);
  ASSERT_EQ(withArray.drift.size(), 2u);
  EXPECT_EQ(withArray.drift[1].safety, Safety::Blocked);
  EXPECT_EQ(withArray.drift[1].reason,
            "Postgres cannot set NOT NULL while an array column uses domain d (t.b); change that column first");

  declared.nullable = true;
  declared.defaultExpr = "2";
  live.nullable = false;
  have.domains = {live};
  want.domains = {declared};
  EXPECT_EQ(planOf(have, want).statements(), (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" SET DEFAULT 2)",
                                                                       R"(ALTER DOMAIN "public"."d" DROP NOT NULL)"}));
}

TEST(UserTypes, SetNotNullIsBlockedWhileAColumnOfTheDomainHoldsNull) {
  Model have, want;
  have.domains = {domain("d", "integer")};
  have.tables = {table("t", {col("a", "d"), col("b", "d")})};
  want.tables = have.tables;
  Domain declared = domain("d", "integer");
  declared.nullable = false;
  want.domains = {declared};
  const auto changes = diff(have, want, Policy{}, Canon{});
  const FactQuestions asked = factsNeeded(changes);
  EXPECT_EQ(asked.nullCounts, (std::vector<std::pair<std::string, std::string>>{{"t", "a"}, {"t", "b"}}));
  Facts facts;
  facts.nulls[{"t", "a"}] = 2;
  facts.nulls[{"t", "b"}] = 0;
  const Plan p = plan(classify(changes, facts), "public");
  ASSERT_EQ(p.drift.size(), 1u);
  EXPECT_EQ(p.drift[0].safety, Safety::Blocked);
  EXPECT_EQ(p.drift[0].reason, "2 rows have NULL in t.a (of domain d); set values first, or keep the domain nullable");
  EXPECT_TRUE(p.steps.empty());
}

TEST(UserTypes, ChecksAreAddedNotValidThenValidatedAndDroppedDestructively) {
  Model have, want;
  have.domains = {withCheck(domain("d", "integer"), "old_check", "VALUE < 100")};
  want.domains = {withCheck(domain("d", "integer"), "positive", "VALUE > 0")};
  const Plan p = planOf(have, want);
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"AddDomainCheck d.positive", "DropDomainCheck d.old_check"}));
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" ADD CONSTRAINT "positive" CHECK (VALUE > 0) NOT VALID)",
                                      R"(ALTER DOMAIN "public"."d" VALIDATE CONSTRAINT "positive")",
                                      R"(ALTER DOMAIN "public"."d" DROP CONSTRAINT IF EXISTS "old_check")"}));
  EXPECT_EQ(p.steps[1].onFailure, (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" DROP CONSTRAINT IF EXISTS "positive")"}));
  EXPECT_EQ(p.destructive, 1);
  EXPECT_EQ(p.steps[2].safety, Safety::Destructive);
}

TEST(UserTypes, AChangedCheckIsReplacedInOneGoAndHeldBackWithItsDrop) {
  Model have, want;
  have.domains = {withCheck(domain("d", "integer"), "c", "VALUE > 0")};
  want.domains = {withCheck(domain("d", "integer"), "c", "VALUE > 10")};
  const Plan p = planOf(have, want);
  EXPECT_EQ(p.statements(),
            (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" DROP CONSTRAINT IF EXISTS "c")",
                                      R"(ALTER DOMAIN "public"."d" ADD CONSTRAINT "c" CHECK (VALUE > 10) NOT VALID)",
                                      R"(ALTER DOMAIN "public"."d" VALIDATE CONSTRAINT "c")"}));
  EXPECT_TRUE(runnable(p, Approval{}).empty()) << "the Add waits for the approval of its Drop";
}

TEST(UserTypes, ANotValidCheckIsOnlyValidated) {
  Model have, want;
  have.domains = {withCheck(domain("d", "integer"), "c", "VALUE > 0")};
  have.domains[0].checks[0].validated = false;
  want.domains = {withCheck(domain("d", "integer"), "c", "VALUE > 0")};
  EXPECT_EQ(planOf(have, want).statements(),
            (std::vector<std::string>{R"(ALTER DOMAIN "public"."d" VALIDATE CONSTRAINT "c")"}));
}

TEST(UserTypes, BaseTypeAndCollationChangesAreBlockedWithTheReason) {
  Model have, want;
  have.domains = {domain("d", "integer"), domain("e", "text")};
  want.domains = {domain("d", "bigint"), domain("e", "text")};
  want.domains[1].collation = "C";
  const Plan p = planOf(have, want);
  ASSERT_EQ(kinds(p.drift), (std::vector<std::string>{"ChangeType d", "ChangeType e"}));
  EXPECT_EQ(p.blocked, 2);
  EXPECT_TRUE(p.steps.empty());
  EXPECT_EQ(p.drift[0].reason, "domain d is integer, declared bigint: Postgres cannot change a domain's base type; "
                               "declare a new domain and move the columns to it");
  EXPECT_NE(p.drift[1].reason.find("cannot change a domain's collation"), std::string::npos) << p.drift[1].reason;
  EXPECT_TRUE(planOf(have, have).drift.empty()) << "int4 and integer are one type";
}

TEST(UserTypes, AttributesAreAddedAndDroppedAndATypeChangeIsBlocked) {
  Model have, want;
  have.compositeTypes = {composite("m", {{"cents", "bigint"}, {"note", "text"}, {"code", "character(3)"}})};
  want.compositeTypes = {composite("m", {{"cents", "bigint"}, {"code", "text"}, {"rate", "numeric(5,2)"}})};
  const Plan p = planOf(have, want);
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"AddTypeAttribute m.rate", "ChangeType m.code", "DropTypeAttribute m.note"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(ALTER TYPE "public"."m" ADD ATTRIBUTE "rate" numeric(5,2))",
                                                      R"(ALTER TYPE "public"."m" DROP ATTRIBUTE IF EXISTS "note")"}));
  EXPECT_EQ(p.destructive, 1);
  EXPECT_EQ(p.blocked, 1);
  EXPECT_NE(find(p, "ChangeType", "m.code")->reason.find("attribute m.code is character(3), declared text"), std::string::npos);
}

TEST(UserTypes, UndeclaredDomainsAndTypesAreDriftOnlyWithPrune) {
  Model have, want;
  have.domains = {domain("d", "integer")};
  have.compositeTypes = {composite("m", {{"a", "d"}})};
  EXPECT_TRUE(diff(have, want, Policy{}, Canon{}).empty());
  const Plan p = planOf(have, want, pruning());
  EXPECT_EQ(kinds(p.drift), (std::vector<std::string>{"DropType m", "DropDomain d"}));
  EXPECT_EQ(p.statements(), (std::vector<std::string>{R"(DROP TYPE IF EXISTS "public"."m")",
                                                      R"(DROP DOMAIN IF EXISTS "public"."d")"}));
  EXPECT_EQ(p.destructive, 2);
}

TEST(UserTypes, ADropWaitsForTheColumnsThatUseTheType) {
  Model have, want;
  have.domains = {domain("d", "integer")};
  have.enums = {Enum{"e", {"x"}, ""}};
  have.tables = {table("kept", {col("a", "d")}), table("gone", {col("b", "d")})};
  want.tables = {table("kept", {col("a", "d")})};
  Plan p = planOf(have, want, pruning());
  const Change* drop = find(p, "DropDomain", "d");
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->safety, Safety::Blocked);
  EXPECT_EQ(drop->reason, "domain d is not declared but kept.a still uses it; declare it under spec.domains, or "
                          "change those columns first");

  want.tables = {table("kept", {col("a", "integer")})};
  p = planOf(have, want, pruning());
  EXPECT_EQ(find(p, "DropDomain", "d")->safety, Safety::Destructive) << "the plan changes kept.a and drops gone";
  std::vector<std::string> order = kinds(p.drift);
  EXPECT_EQ(order, (std::vector<std::string>{"ChangeType kept.a", "DropTable gone", "DropDomain d", "DropEnum e"}));
}

TEST(UserTypes, CanonQuestionsAskWhatIsNotCheaplyLiveAndCreateNewTypesFirst) {
  Model have, want;
  Domain live = withCheck(domain("d", "integer"), "c", "VALUE > 0");
  have.domains = {live};
  Domain declared = withCheck(domain("d", "int4"), "c", "VALUE > 0");
  declared = withCheck(declared, "c2", "VALUE < lower_bound()");
  declared.defaultExpr = "now()";
  declared.field = "spec.domains[0]";
  declared.checks[1].field = "spec.domains[0].checks[1]";
  want.domains = {declared, domain("fresh", "varchar(5)")};
  want.domains[1].field = "spec.domains[1]";
  want.compositeTypes = {composite("m", {{"a", "fresh"}})};
  want.compositeTypes[0].attributes[0].field = "spec.compositeTypes[0].attributes[0]";
  const CanonQuestions q = canonQuestions(have, want);
  ASSERT_EQ(q.domains.size(), 1u);
  EXPECT_EQ(q.domains[0].type, "integer") << "the live type's text, since int4 is cheaply it";
  EXPECT_EQ(q.domains[0].defaultExpr, "now()");
  EXPECT_EQ(q.domains[0].checks, (std::vector<std::pair<std::string, std::string>>{
                                     {"VALUE < lower_bound()", "spec.domains[0].checks[1].expression"}}));
  std::vector<std::string> types;
  for (const auto& t : q.types) types.push_back(t.type + " @ " + t.field);
  EXPECT_EQ(types, (std::vector<std::string>{"varchar(5) @ spec.domains[1].type",
                                             "fresh @ spec.compositeTypes[0].attributes[0].type"}));
  ASSERT_EQ(q.newUserTypes.size(), 2u);
  EXPECT_EQ(std::get<Domain>(q.newUserTypes[0]).name, "fresh");
  EXPECT_EQ(std::get<CompositeType>(q.newUserTypes[1]).name, "m");
  EXPECT_FALSE(q.empty());

  Canon canon;
  canon.types["varchar(5)"] = "character varying(5)";
  canon.types["fresh"] = "fresh";
  canon.domainDefaults[{"d", "now()"}] = "now()";
  canon.domainChecks[{"d", "VALUE < lower_bound()"}] = "VALUE < lower_bound()";
  auto out = canonicalModel(have, want, canon);
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->domains[0].type, "integer");
  EXPECT_EQ(out->domains[0].checks[0].expression, "VALUE > 0");
  EXPECT_EQ(out->domains[1].type, "character varying(5)");

  canon.domainChecks.clear();
  auto refused = canonicalModel(have, want, canon);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "spec.domains[0].checks[1].expression") << "never passed on as written";
}
