// spec.tables[].triggers: every field read as the model keeps it, and every error names the field
// at fault (a word outside its list, instead-of on a table, names, hostile text where a name goes).
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

std::string triggers(const std::string& list, const std::string& schema = "public") {
  return withSpec("schema: " + schema + "\ntables:\n  - name: orders\n    columns: [{name: id, type: bigint}, {name: status, type: text},"
                  " {name: note, type: text}]\n    triggers: " + list + "\n");
}

TEST(TriggerSpec, ReadsEveryFieldEventsInTheModelsOrder) {
  const auto m = parseOk(triggers("[{name: orders_touch, timing: before, events: [update, insert], updateOf: [status, note],"
                                  " forEach: row, when: \"OLD.* IS DISTINCT FROM NEW.*\", function: util.touch,"
                                  " arguments: [a, \"it's\"], enabled: false}]"))
                     .model;
  ASSERT_EQ(m.tables.at(0).triggers.size(), 1u);
  const auto& t = m.tables[0].triggers[0];
  EXPECT_EQ(t.name, "orders_touch");
  EXPECT_EQ(t.timing, "before");
  EXPECT_EQ(t.events, (std::vector<std::string>{"insert", "update"}));
  EXPECT_EQ(t.updateOf, (std::vector<std::string>{"status", "note"}));
  EXPECT_EQ(t.forEach, "row");
  EXPECT_EQ(t.when, std::optional<std::string>("OLD.* IS DISTINCT FROM NEW.*"));
  EXPECT_EQ(t.functionSchema, "util");
  EXPECT_EQ(t.function, "touch");
  EXPECT_EQ(t.arguments, (std::vector<std::string>{"a", "it's"}));
  EXPECT_FALSE(t.enabled);
  EXPECT_EQ(t.firing, 'D');
  EXPECT_EQ(t.field, "spec.tables[0].triggers[0]");
}

TEST(TriggerSpec, DefaultsAreStatementEnabledAndTheManagedSchemasFunction) {
  const auto m = parseOk(triggers("[{name: a, timing: after, events: [truncate], function: app.audit}]", "app")).model;
  const auto& t = m.tables.at(0).triggers.at(0);
  EXPECT_EQ(t.forEach, "statement");
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.firing, 'O');
  EXPECT_EQ(t.functionSchema, "") << "app is the managed schema: named as the catalog reader names it";
  EXPECT_EQ(t.function, "audit");
  EXPECT_FALSE(t.when);
}

TEST(TriggerSpec, RejectsWordsOutsideTheirListsNamingTheField) {
  const std::string f = "spec.tables[0].triggers[0]";
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: during, events: [insert], function: f}]"), f + ".timing",
                      "must be before, after or instead-of, found \"during\""));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [insert, upsert], function: f}]"), f + ".events[1]",
                      "must be insert, update, delete or truncate"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [insert], forEach: each, function: f}]"),
                      f + ".forEach", "must be row or statement"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [insert, insert], function: f}]"), f + ".events[1]",
                      "listed twice"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [], function: f}]"), f + ".events",
                      "at least one event"));
  EXPECT_TRUE(rejects(triggers("[{name: t, events: [insert], function: f}]"), f + ".timing", "must be set"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, function: f}]"), f + ".events", "must be set"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [insert]}]"), f + ".function", "must be set"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: before, events: [insert], function: f, enabeld: false}]"),
                      f + ".enabeld", "unknown"));
}

TEST(TriggerSpec, RejectsWhatPostgresRefusesOnATable) {
  const std::string f = "spec.tables[0].triggers[0]";
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: instead-of, events: [insert], forEach: row, function: f}]"),
                      f + ".timing", "instead-of triggers are for views"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [truncate], forEach: row, function: f}]"),
                      f + ".events", "truncate fires for each statement only"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [insert], updateOf: [status], function: f}]"),
                      f + ".updateOf", "events has no update"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [update], updateOf: [nope], function: f}]"),
                      f + ".updateOf[0]", "\"nope\" is not a column of table \"orders\""));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [update], updateOf: [note, note], function: f}]"),
                      f + ".updateOf[1]", "listed twice"));
}

TEST(TriggerSpec, NamesAreIdentifiersAndTheFunctionNoMoreThanSchemaDotName) {
  const std::string f = "spec.tables[0].triggers[";
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [insert], function: f},"
                               " {name: t, timing: after, events: [delete], function: f}]"),
                      f + "1].name", "trigger name"));
  EXPECT_TRUE(rejects(triggers("[{name: " + std::string(64, 'x') + ", timing: after, events: [insert], function: f}]"),
                      f + "0].name", "longer than 63 bytes"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [insert], function: \"a.b.c\"}]"), f + "0].function",
                      "must be a function name or schema.function"));
  EXPECT_TRUE(rejects(triggers("[{name: t, timing: after, events: [insert], function: \"util.\"}]"), f + "0].function",
                      "must not be empty"));
  // A name is a name, quoted when rendered, whatever it holds: never SQL.
  const auto m = parseOk(triggers("[{name: \"t\\\"; DROP TABLE orders; --\", timing: after, events: [insert],"
                                  " function: \"x(); DROP TABLE orders\"}]"))
                     .model;
  EXPECT_EQ(m.tables[0].triggers[0].name, "t\"; DROP TABLE orders; --");
  EXPECT_EQ(m.tables[0].triggers[0].function, "x(); DROP TABLE orders");
}

}  // namespace
