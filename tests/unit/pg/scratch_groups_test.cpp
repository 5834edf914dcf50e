// pg::namedColumns and pg::groupQuestions: which columns a question's scratch table needs, and
// which questions share one — without a server.
#include <gtest/gtest.h>

#include "pg/scratch_groups.hpp"

namespace {

using schema::CanonQuestions;
using schema::TableQuestion;

TableQuestion question(const std::string& table, std::vector<std::pair<std::string, std::string>> columns,
                       std::vector<std::string> checks, std::vector<std::string> predicates = {}) {
  TableQuestion q;
  q.table = table;
  for (auto& [name, type] : columns) q.columns.push_back({name, type, std::nullopt, "spec.tables[0].columns[0]"});
  for (auto& c : checks) q.checks.push_back({c, "spec.tables[0].checks[0].expression"});
  for (auto& p : predicates) q.predicates.push_back({p, "spec.tables[0].indexes[0].where"});
  return q;
}

std::vector<std::string> names(const std::vector<const TableQuestion::ColumnQ*>& columns) {
  std::vector<std::string> out;
  for (const auto* c : columns) out.push_back(c->name);
  return out;
}

TEST(NamedColumns, OnlyTheColumnsAnExpressionMentionsInAnyCase) {
  const auto q = question("t", {{"id", "bigint"}, {"name", "varchar(80)"}, {"total", "integer"}, {"note", "text"}},
                          {"TOTAL >= 0"}, {"\"note\" <> ''"});
  EXPECT_EQ(names(pg::namedColumns(q)), (std::vector<std::string>{"total", "note"}));
}

TEST(NamedColumns, ANameNeedingQuotesOrAUnicodeEscapeKeepsColumnsItCannotRuleOut) {
  const auto quoted = question("t", {{"id", "bigint"}, {"Total", "integer"}}, {"id > 0"});
  EXPECT_EQ(names(pg::namedColumns(quoted)), (std::vector<std::string>{"id", "Total"}));
  const auto escaped = question("t", {{"id", "bigint"}, {"amount", "integer"}}, {"U&\"\\0061mount\" > 0"});
  EXPECT_EQ(names(pg::namedColumns(escaped)), (std::vector<std::string>{"id", "amount"}));
}

TEST(GroupQuestions, ColumnsNoExpressionNamesDoNotSplitGroups) {
  CanonQuestions q;
  q.tables = {question("a", {{"name", "varchar(80)"}, {"total", "integer"}}, {"total >= 0"}),
              question("b", {{"name", "varchar(200)"}, {"total", "integer"}}, {"total >= 1"}),
              question("c", {{"name", "text"}}, {})};  // nothing to ask on a group table
  const auto groups = pg::groupQuestions(q);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].questions, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(groups[0].columns, (std::vector<std::string>{"total"}));
}

TEST(GroupQuestions, AColumnNamedWithAnotherTypeStartsAnotherGroup) {
  CanonQuestions q;
  q.tables = {question("a", {{"name", "varchar(80)"}}, {"name <> ''"}),
              question("b", {{"name", "varchar(200)"}}, {"name <> ''"}),
              question("c", {{"name", "varchar(80)"}}, {}, {"name IS NOT NULL"})};
  const auto groups = pg::groupQuestions(q);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].questions, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(groups[0].typeOf.at("name"), "varchar(80)");
  EXPECT_EQ(groups[1].questions, (std::vector<size_t>{1}));
  EXPECT_EQ(groups[1].typeOf.at("name"), "varchar(200)");
}

TEST(GroupQuestions, AGroupTableStaysUnderTheColumnLimit) {
  auto wide = [](const std::string& table, const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> columns;
    std::string check;
    for (size_t i = 0; i < pg::kColumnsPerTable / 2 + 1; ++i) {
      columns.push_back({prefix + std::to_string(i), "integer"});
      check += (check.empty() ? "" : " + ") + prefix + std::to_string(i);
    }
    return question(table, columns, {check + " >= 0"});
  };
  CanonQuestions q;
  q.tables = {wide("a", "a"), wide("b", "b")};
  const auto groups = pg::groupQuestions(q);
  ASSERT_EQ(groups.size(), 2u);
  for (const auto& g : groups) EXPECT_LE(g.columns.size(), pg::kColumnsPerTable);
}

}  // namespace
