#include "schema/canon.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"

using namespace schema;
using namespace testbuild;

TEST(NormalizeType, ResolvesIntegerAliases) {
  EXPECT_EQ(normalizeType("int"), "integer");
  EXPECT_EQ(normalizeType("INT4"), "integer");
  EXPECT_EQ(normalizeType("int8"), "bigint");
  EXPECT_EQ(normalizeType("int2"), "smallint");
  EXPECT_EQ(normalizeType("bool"), "boolean");
}

TEST(NormalizeType, SpellsCharacterTypesAsFormatTypeDoes) {
  EXPECT_EQ(normalizeType("varchar(320)"), "character varying(320)");
  EXPECT_EQ(normalizeType("VARCHAR ( 320 )"), "character varying(320)");
  EXPECT_EQ(normalizeType("varchar"), "character varying");
  EXPECT_EQ(normalizeType("char"), "character(1)");
  EXPECT_EQ(normalizeType("char(3)"), "character(3)");
}

TEST(NormalizeType, SpellsTimeZonesInFull) {
  EXPECT_EQ(normalizeType("timestamptz"), "timestamp with time zone");
  EXPECT_EQ(normalizeType("timestamptz(3)"), "timestamp(3) with time zone");
  EXPECT_EQ(normalizeType("timestamp"), "timestamp without time zone");
  EXPECT_EQ(normalizeType("timestamp with time zone"), "timestamp with time zone");
}

TEST(NormalizeType, NumericGetsScaleZeroAndArraysKeepBrackets) {
  EXPECT_EQ(normalizeType("decimal(10, 2)"), "numeric(10,2)");
  EXPECT_EQ(normalizeType("numeric(10)"), "numeric(10,0)");
  EXPECT_EQ(normalizeType("int[]"), "integer[]");
  EXPECT_EQ(normalizeType("float"), "double precision");
  EXPECT_EQ(normalizeType("float(10)"), "real");
}

TEST(NormalizeType, LeavesQuotedNamesAlone) { EXPECT_EQ(normalizeType("\"MyType\""), "\"MyType\""); }

TEST(NormalizeExpression, StripsOnlyWrappingParentheses) {
  EXPECT_EQ(normalizeExpression("((total_cents >= 0))"), "total_cents >= 0");
  EXPECT_EQ(normalizeExpression("  0 "), "0");
  EXPECT_EQ(normalizeExpression("(a) + (b)"), "(a) + (b)");
  EXPECT_EQ(normalizeExpression("(')(')"), "')('");
}

TEST(CanonQuestions, AsksNothingWhenCheapSpellingsAgree) {
  Model have = model({table("t", {withDefault(col("n", "integer", false), "0")})});
  have.tables[0].checks.push_back({"t_n_check", "(n >= 0)", true, ""});
  Model want = model({table("t", {withDefault(col("n", "int4", false), "0")})});
  want.tables[0].checks.push_back({"", "n >= 0", true, ""});
  EXPECT_TRUE(canonQuestions(have, want).empty());
}

TEST(CanonQuestions, AsksAboutTypesDefaultsChecksAndPredicatesThatDiffer) {
  Model have = model({table("t", {withDefault(col("s", "text"), "'x'::text"), col("at", "timestamp with time zone")})});
  // Live objects the declared ones could be, spelled differently.
  have.tables[0].checks.push_back({"t_check", "(length(s) > 0)", true, ""});
  auto liveIx = index("t_at_idx", {"at"});
  liveIx.where = "(s <> ''::text)";
  have.tables[0].indexes.push_back(liveIx);
  Model want = model({table("t", {withDefault(col("s", "citext"), "lower('X')"), col("at", "timestamptz")})});
  want.tables[0].columns[0].field = "spec.tables[0].columns[0]";
  want.tables[0].checks.push_back({"", "char_length(s) > 0", true, "spec.tables[0].checks[0]"});
  auto ix = index("t_at_idx", {"at"});
  ix.where = "s <> 'a'";
  ix.field = "spec.tables[0].indexes[0]";
  want.tables[0].indexes.push_back(ix);
  const auto q = canonQuestions(have, want);
  ASSERT_EQ(q.types.size(), 1u);
  EXPECT_EQ(q.types[0].type, "citext");
  EXPECT_EQ(q.types[0].field, "spec.tables[0].columns[0].type");
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].table, "t");
  ASSERT_EQ(q.tables[0].columns.size(), 2u);
  EXPECT_EQ(q.tables[0].columns[0].type, "citext");  // the default is read against the declared type
  EXPECT_EQ(q.tables[0].columns[0].defaultExpr, std::optional<std::string>("lower('X')"));
  EXPECT_EQ(q.tables[0].columns[1].type, "timestamp with time zone");
  ASSERT_EQ(q.tables[0].checks.size(), 1u);
  EXPECT_EQ(q.tables[0].checks[0].second, "spec.tables[0].checks[0].expression");
  ASSERT_EQ(q.tables[0].predicates.size(), 1u);
  EXPECT_EQ(q.tables[0].predicates[0].first, "s <> 'a'");
}

TEST(CanonQuestions, NewTablesAreAskedAboutEveryTypeAndDefault) {
  // A new table is created from what Postgres prints for its types and defaults.
  Model want = model({table("fresh", {withDefault(col("n", "int"), "1")})});
  const CanonQuestions q = canonQuestions(Model{}, want);
  ASSERT_EQ(q.types.size(), 1u);
  EXPECT_EQ(q.types[0].type, "int");
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].table, "fresh");
  EXPECT_EQ(q.tables[0].columns[0].defaultExpr, std::optional<std::string>("1"));
}

TEST(CanonQuestions, EnumsThePlanCreatesOrChangesAreShadowedAndExtensionsCreated) {
  Model have;
  have.enums = {{"same", {"a"}, ""}, {"grows", {"a"}, ""}};
  have.extensions = {"plpgsql"};
  Model want = model({table("t", {col("tags", "fresh[]")})});
  want.enums = {{"same", {"a"}, ""}, {"grows", {"a", "b"}, ""}, {"fresh", {"x"}, ""}};
  want.extensions = {"plpgsql", "citext"};
  const CanonQuestions q = canonQuestions(have, want);
  ASSERT_EQ(q.shadowEnums.size(), 2u);
  EXPECT_EQ(q.shadowEnums[0].name, "grows");
  EXPECT_EQ(q.shadowEnums[1].name, "fresh");
  ASSERT_EQ(q.extensions.size(), 1u);
  EXPECT_EQ(q.extensions[0].name, "citext");
  EXPECT_EQ(q.extensions[0].field, "spec.extensions[1]");
}

TEST(CanonicalModel, TakesTheServersAnswersAndTheLiveTextNeverTheAuthors) {
  Model have = model({table("t", {withDefault(col("n", "integer"), "0"), col("s", "text")})});
  have.tables[0].checks.push_back({"t_n_check", "(n >= 0)", true, ""});
  Model want = model({table("t", {withDefault(col("n", "int"), "(0)"), withDefault(col("s", "varchar(5)"), "'x'")}),
                      table("u", {col("e", "mood")})});
  want.enums = {{"mood", {"ok"}, ""}};
  want.tables[0].checks.push_back({"t_n_check", "n >= 0", true, "spec.tables[0].checks[0]"});
  want.tables[0].checks.push_back({"", "length(s) < 5", true, "spec.tables[0].checks[1]"});
  Canon canon;
  canon.types["varchar(5)"] = "character varying(5)";
  canon.defaults[{"t", "s", "'x'"}] = "'x'::character varying";
  canon.checks[{"t", "length(s) < 5"}] = "length((s)::text) < 5";
  auto out = canonicalModel(have, want, canon);
  ASSERT_TRUE(out) << out.error().describe();
  const Table& t = out->tables[0];
  EXPECT_EQ(t.columns[0].type, "integer");                 // cheaply the same: the live text
  EXPECT_EQ(t.columns[0].defaultExpr, std::optional<std::string>("0"));
  EXPECT_EQ(t.columns[1].type, "character varying(5)");    // the server's answer
  EXPECT_EQ(t.columns[1].defaultExpr, std::optional<std::string>("'x'::character varying"));
  EXPECT_EQ(t.checks[0].expression, "(n >= 0)");
  EXPECT_EQ(t.checks[1].expression, "length((s)::text) < 5");
  EXPECT_EQ(out->tables[1].columns[0].type, "mood");       // an enum stays a name
}

TEST(CanonicalModel, ATextPostgresWasNotAskedAboutIsAnErrorNamingItsField) {
  // Fail closed: whatever the reason an answer is missing, the author's text is never passed on.
  Model want = model({table("t", {withDefault(col("n", "integer"), "0, DROP COLUMN x")})});
  want.tables[0].columns[0].field = "spec.tables[0].columns[0]";
  Canon canon;
  canon.types["integer"] = "integer";
  auto out = canonicalModel(Model{}, want, canon);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, core::ErrorKind::Invalid);
  EXPECT_EQ(out.error().field, "spec.tables[0].columns[0].default");

  Model typed = model({table("t", {col("n", "integer, evil text")})});
  typed.tables[0].columns[0].field = "spec.tables[0].columns[0]";
  auto untyped = canonicalModel(Model{}, typed, Canon{});
  ASSERT_FALSE(untyped);
  EXPECT_EQ(untyped.error().field, "spec.tables[0].columns[0].type");
}

TEST(CanonQuestions, ChecksAndPredicatesWithNoLiveCounterpartAreAsked) {
  // They are created from what Postgres prints for them, so Postgres must be asked.
  Model have = model({table("t", {col("s", "text")})});
  Model want = have;
  want.tables[0].checks.push_back({"t_new", "s <> 'x'", true, ""});
  auto ix = index("t_s_idx", {"s"});
  ix.where = "s <> 'y'";
  want.tables[0].indexes.push_back(ix);
  const CanonQuestions q = canonQuestions(have, want);
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].checks.size(), 1u);
  EXPECT_EQ(q.tables[0].predicates.size(), 1u);
}

TEST(StripLiteralCasts, RemovesCastsPostgresAddsToLiterals) {
  EXPECT_EQ(stripLiteralCasts("'low'::priority"), "'low'");
  EXPECT_EQ(stripLiteralCasts("c >= 0::numeric"), "c >= 0");
  EXPECT_EQ(stripLiteralCasts("'{}'::jsonb"), "'{}'");
  EXPECT_EQ(stripLiteralCasts("'x'::character varying"), "'x'");
  EXPECT_EQ(stripLiteralCasts("'a'::\"My Enum\""), "'a'");
  EXPECT_EQ(stripLiteralCasts("'2020-01-01'::timestamp(3) with time zone"), "'2020-01-01'");
  EXPECT_EQ(stripLiteralCasts("(-1)::bigint"), "-1");
  EXPECT_EQ(stripLiteralCasts("'{a}'::text[]"), "'{a}'");
  EXPECT_EQ(stripLiteralCasts("'it''s'::text"), "'it''s'");
}

TEST(StripLiteralCasts, KeepsCastsOfColumnsAndCalls) {
  EXPECT_EQ(stripLiteralCasts("a::numeric / 2"), "a::numeric / 2");
  EXPECT_EQ(stripLiteralCasts("now()::date"), "now()::date");
  EXPECT_EQ(stripLiteralCasts("col2::text"), "col2::text");
  EXPECT_EQ(stripLiteralCasts("(a)::integer"), "(a)::integer");
}

TEST(CheaplySame, SettlesTheCommonSpellingsWithoutTheServer) {
  EXPECT_TRUE(cheaplySame("'pending'", "'pending'::order_status"));
  EXPECT_TRUE(cheaplySame("total_cents >= 0", "total_cents >= 0::numeric"));
  EXPECT_TRUE(cheaplySame("status <> 'shipped'", "(status <> 'shipped'::order_status)"));
  EXPECT_FALSE(cheaplySame("now()", "CURRENT_TIMESTAMP"));
  EXPECT_FALSE(cheaplySame("'a'", "'b'::text"));
  EXPECT_FALSE(cheaplySame("a > 1", "a > 2"));
}

namespace {

// A varchar table with one check: as live (`liveText`), as written, and as the first answer gave it.
struct SecondLook {
  Model have, declared, want;
  SecondLook(const char* liveText, const char* written, const char* answered) {
    Table t = table("t", {col("id", "integer", false), col("status", "character varying(10)")}, {"id"});
    Table live = t, wrote = t, answer = t;
    live.checks.push_back({"t_status_check", liveText, true, ""});
    wrote.checks.push_back({"t_status_check", written, true, "spec.tables[0].checks[0]"});
    answer.checks.push_back({"t_status_check", answered, true, "spec.tables[0].checks[0]"});
    have = model({live});
    declared = model({wrote});
    want = model({answer});
  }
};

const char* kFirstPrint = "(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])";
const char* kSecondPrint = "(status)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text])";

}  // namespace

TEST(SecondLook, NothingIsAskedWhenTheAnswerIsTheLiveTextOrWhatWasWritten) {
  const SecondLook inSync(kFirstPrint, "status IN ('a', 'b')", kFirstPrint);
  EXPECT_TRUE(secondLookQuestions(inSync.have, inSync.declared, inSync.want).empty());
  // Postgres printed the text as written: it is its own fixed point, and a real change.
  const SecondLook changed("status <> 'c'::text", "status <> 'd'::text", "status <> 'd'::text");
  EXPECT_TRUE(secondLookQuestions(changed.have, changed.declared, changed.want).empty());
}

TEST(SecondLook, AsksForTheAnswerAndTheUnmatchedLiveTextOnTheLiveTable) {
  const SecondLook s(kSecondPrint, "status IN ('a', 'b')", kFirstPrint);
  const CanonQuestions q = secondLookQuestions(s.have, s.declared, s.want);
  ASSERT_EQ(q.tables.size(), 1u);
  EXPECT_EQ(q.tables[0].table, "t");
  std::vector<std::string> asked;
  for (const auto& [text, field] : q.tables[0].checks) asked.push_back(text);
  EXPECT_EQ(asked, (std::vector<std::string>{kFirstPrint, kSecondPrint}));
  ASSERT_EQ(q.tables[0].columns.size(), 2u);
  EXPECT_EQ(q.tables[0].columns[1].type, "character varying(10)");
}

TEST(SecondLook, ANewTableIsNotLookedAtAgain) {
  SecondLook s(kSecondPrint, "status IN ('a', 'b')", kFirstPrint);
  s.have.tables.clear();
  EXPECT_TRUE(secondLookQuestions(s.have, s.declared, s.want).empty());
}

TEST(SecondLook, TheLiveTextIsAdoptedOnlyWhenBothPrintTheSame) {
  const SecondLook s(kSecondPrint, "status IN ('a', 'b')", kFirstPrint);
  Canon second;
  second.checks[{"t", kFirstPrint}] = kSecondPrint;
  second.checks[{"t", kSecondPrint}] = kSecondPrint;
  EXPECT_EQ(afterSecondLook(s.have, s.want, second).tables[0].checks[0].expression, kSecondPrint);

  Canon differs;
  differs.checks[{"t", kFirstPrint}] = "(status)::text = 'a'::text";
  differs.checks[{"t", kSecondPrint}] = kSecondPrint;
  EXPECT_EQ(afterSecondLook(s.have, s.want, differs).tables[0].checks[0].expression, kFirstPrint);
  // Nothing asked (or refused): the first answer stands.
  EXPECT_EQ(afterSecondLook(s.have, s.want, Canon{}).tables[0].checks[0].expression, kFirstPrint);
}
