// The pure part of reading the catalog: column texts decoded and attribute numbers named.
#include <gtest/gtest.h>

#include "pg/catalog_decode.hpp"

namespace {

TEST(AttributeNumbers, ReadsArraysAndVectorsKeepingExpressionKeys) {
  EXPECT_EQ(pg::attributeNumbers("{1,3}"), (std::vector<int>{1, 3}));
  EXPECT_EQ(pg::attributeNumbers("2 0 5"), (std::vector<int>{2, 0, 5}));  // int2vector; 0 is an expression
  EXPECT_EQ(pg::attributeNumbers("{-2,12}"), (std::vector<int>{-2, 12}));
  EXPECT_TRUE(pg::attributeNumbers("{}").empty());
  EXPECT_TRUE(pg::attributeNumbers("").empty());
  EXPECT_EQ(pg::attributeNumbers("{- 4}"), (std::vector<int>{4}));  // a stray sign ends, never loops
}

TEST(FkActionOf, EachCodeOfPgConstraint) {
  EXPECT_EQ(pg::fkActionOf('a'), schema::FkAction::NoAction);
  EXPECT_EQ(pg::fkActionOf('r'), schema::FkAction::Restrict);
  EXPECT_EQ(pg::fkActionOf('c'), schema::FkAction::Cascade);
  EXPECT_EQ(pg::fkActionOf('n'), schema::FkAction::SetNull);
  EXPECT_EQ(pg::fkActionOf('d'), schema::FkAction::SetDefault);
}

TEST(WithSchema, ReplacesEveryPlaceholderButNeverInsideTheLiteral) {
  EXPECT_EQ(pg::withSchema("a = $1 AND b = $1", "'shop'"), "a = 'shop' AND b = 'shop'");
  EXPECT_EQ(pg::withSchema("n = $1", "'x$1y'"), "n = 'x$1y'");
}

TEST(TableRef, NamesAttributeNumbersInOrderSkippingWhatIsNoColumn) {
  schema::Table t;
  t.columns = {{"id"}, {"email"}, {"name"}};
  // attnum 1 → id, 2 dropped, 3 → email, 4 → name
  const pg::TableRef ref{0, {-1, 0, -1, 1, 2}};
  EXPECT_EQ(ref.names(t, {4, 1}), (std::vector<std::string>{"name", "id"}));
  EXPECT_EQ(ref.names(t, {2, 0, 9, 3}), (std::vector<std::string>{"email"}));
}

}  // namespace

TEST(TriggerWhen, IsTheConditionOfTheDefinitionToItsMatchingParenthesis) {
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER t BEFORE UPDATE ON app.orders FOR EACH ROW WHEN ((old.* IS DISTINCT FROM "
                              "new.*)) EXECUTE FUNCTION util.touch('a)', 'b')"),
            std::optional<std::string>("(old.* IS DISTINCT FROM new.*)"));
  // Parentheses inside literals and quoted names do not count.
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER t AFTER INSERT ON s.t FOR EACH ROW WHEN ((new.\"a)\" <> ')''(')) "
                              "EXECUTE FUNCTION f()"),
            std::optional<std::string>("(new.\"a)\" <> ')''(')"));
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER t AFTER INSERT ON s.t FOR EACH STATEMENT EXECUTE FUNCTION f()"),
            std::nullopt);
}

TEST(TriggerWhen, AWhenInsideAQuotedNameIsNotTheCondition) {
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER \"x WHEN (y\" BEFORE UPDATE OF \"c WHEN (\" ON s.\"t\"\"WHEN (\" FOR EACH "
                              "ROW WHEN ((new.c > 0)) EXECUTE FUNCTION f()"),
            std::optional<std::string>("(new.c > 0)"));
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER \"x WHEN (y\" BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION f()"),
            std::nullopt);
  EXPECT_EQ(pg::triggerWhenOf("CREATE TRIGGER t BEFORE UPDATE ON s.t FOR EACH ROW WHEN ((new.c > 0)"), std::nullopt);
}

TEST(TriggerArguments, SplitsTheNulTerminatedBytes) {
  EXPECT_EQ(pg::triggerArguments("", 0), std::vector<std::string>{});
  EXPECT_EQ(pg::triggerArguments("6100620000", 3), (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ(pg::triggerArguments("C3A9270A00", 1), (std::vector<std::string>{"\xC3\xA9'\n"}));
}
