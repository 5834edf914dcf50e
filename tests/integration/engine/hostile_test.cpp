// Declarations are data: SQL text in a declaration never runs as anything but the one type or
// expression it claims to be. Each case puts a hostile text in one slot of a declaration and
// applies it without approval; whatever happens, the canary table and the column the text tries
// to drop must survive, and nothing undeclared may appear.
#include "engine_fixture.hpp"

namespace {

struct Slot {
  std::string name;
  std::string tables;  // YAML of spec.tables after the two fixed tables' lines
  std::string field;   // the field the error must name; empty: Postgres takes it as one thing
};

// `t` and `canary` as they are live; `tColumns` and `tExtra` add columns and checks or indexes to
// t, `more` adds tables, `note` replaces the declaration of t's column note.
std::string specOf(const std::string& tColumns, const std::string& tExtra, const std::string& more,
                 const std::string& note = "{name: note, type: text}") {
  return "  tables:\n"
         "    - name: t\n"
         "      columns:\n"
         "        - {name: id, type: integer}\n"
         "        - " + note + "\n" +
         tColumns + "      primaryKey: [id]\n" + tExtra +
         "    - name: canary\n"
         "      columns:\n"
         "        - {name: id, type: integer}\n"
         "        - {name: v, type: text}\n"
         "      primaryKey: [id]\n" +
         more;
}

std::string column(const std::string& yaml) { return "        - " + yaml + "\n"; }

class HostileTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec(R"(CREATE TABLE t (id integer PRIMARY KEY, note text);
            INSERT INTO t VALUES (1, 'keep');
            CREATE TABLE canary (id integer PRIMARY KEY, v text);
            INSERT INTO canary VALUES (1, 'a'), (2, 'b');)");
  }

  // Applies without approval; returns the error, if any.
  std::optional<core::Error> applyUnapproved(const std::string& specBody) {
    const auto r = resource(specBody);
    auto conn = connect();
    engine::Options options;
    options.apply = true;
    options.applyOptions.lockTimeout = std::chrono::milliseconds(500);
    auto report = engine::run(*conn, r, options);
    if (!report) return report.error();
    return std::nullopt;
  }

  void expectIntact(const std::string& what) {
    EXPECT_EQ(value("SELECT count(*) FROM canary"), "2") << what;
    EXPECT_EQ(value("SELECT note FROM t WHERE id = 1"), "keep") << what;
    // Nothing undeclared: t has no column, and the schema no table, that no declaration names.
    EXPECT_EQ(value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                    "WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped "
                    "AND attname NOT IN ('id', 'note', 'x')"),
              "")
        << what;
    EXPECT_EQ(value("SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                    "AND relkind = 'r' AND relname NOT IN ('t', 'canary', 'n')"),
              "")
        << what;
  }
};

}  // namespace

TEST_F(HostileTest, SqlSmuggledIntoAnySlotIsRefusedNamingTheFieldAndChangesNothing) {
  const std::string dropNote = "DROP COLUMN note";
  const std::vector<Slot> slots = {
      {"default of a new column", specOf(column("{name: x, type: integer, default: \"0, " + dropNote + "\"}"), "", ""),
       "spec.tables[0].columns[2].default"},
      {"default that closes its parenthesis",
       specOf(column("{name: x, type: integer, default: \"0), " + dropNote + ", ADD COLUMN y int DEFAULT (0\"}"), "", ""),
       "spec.tables[0].columns[2].default"},
      {"type of a new column", specOf(column("{name: x, type: \"integer, " + dropNote + "\"}"), "", ""),
       "spec.tables[0].columns[2].type"},
      {"type that opens a comment", specOf(column("{name: x, type: \"integer --\"}"), "", ""),
       "spec.tables[0].columns[2].type"},
      {"default of a live column",
       specOf("", "", "", "{name: note, type: text, default: \"'a', " + dropNote + "\"}"),
       "spec.tables[0].columns[1].default"},
      {"check on a live table",
       specOf("", "      checks:\n        - {name: c1, expression: \"true) NOT VALID, " + dropNote +
                    ", ADD CONSTRAINT c2 CHECK (true\"}\n",
            ""),
       "spec.tables[0].checks[0].expression"},
      {"index predicate on a live table",
       specOf("", "      indexes:\n        - {name: t_i, columns: [id], where: \"true; DROP TABLE canary\"}\n", ""),
       "spec.tables[0].indexes[0].where"},
      {"type of a new table's column",
       specOf("", "", "    - name: n\n      columns:\n        - {name: a, type: \"integer, evil text\"}\n"),
       "spec.tables[2].columns[0].type"},
      {"default of a new table's column",
       specOf("", "", "    - name: n\n      columns:\n        - {name: a, type: integer, default: \"0, evil text\"}\n"),
       "spec.tables[2].columns[0].default"},
      {"check of a new table",
       specOf("", "",
            "    - name: n\n      columns:\n        - {name: a, type: integer}\n"
            "      checks:\n        - {name: n_c, expression: \"true), evil text, CHECK (true\"}\n"),
       "spec.tables[2].checks[0].expression"},
      {"predicate of a new table's index",
       specOf("", "",
            "    - name: n\n      columns:\n        - {name: a, type: integer}\n"
            "      indexes:\n        - {name: n_i, columns: [a], where: \"true) WITH (fillfactor = 10\"}\n"),
       "spec.tables[2].indexes[0].where"},
      {"expression key on a live table",
       specOf("", "      indexes:\n        - {name: t_k, keys: [{expression: \"id); DROP TABLE canary; --\"}]}\n", ""),
       "spec.tables[0].indexes[0].keys[0].expression"},
      {"expression key that closes the key list and adds a predicate",
       specOf("", "      indexes:\n        - {name: t_k, keys: [{expression: \"id)) WHERE ((id > 0\"}]}\n", ""),
       "spec.tables[0].indexes[0].keys[0].expression"},
      {"expression key of a new table that is two keys",
       specOf("", "",
            "    - name: n\n      columns:\n        - {name: a, type: integer}\n"
            "      indexes:\n        - {name: n_k, keys: [{expression: \"a), (a\"}]}\n"),
       "spec.tables[2].indexes[0].keys[0].expression"},
  };
  for (const auto& slot : slots) {
    const auto error = applyUnapproved(slot.tables);
    ASSERT_TRUE(error) << slot.name << ": applied without an error";
    EXPECT_EQ(error->kind, core::ErrorKind::Invalid) << slot.name << ": " << error->describe();
    EXPECT_EQ(error->field, slot.field) << slot.name << ": " << error->describe();
    expectIntact(slot.name);
  }
}

TEST_F(HostileTest, TextThatIsOneExpressionRunsAsThatExpressionOnly) {
  // Each is a sound single expression or literal: Postgres takes it, and it stays data.
  const std::string body =
      "  enums:\n    - {name: mood, values: [\"ok'); DROP TABLE canary; --\"]}\n" +
      specOf(column("{name: x, type: text, default: \"';DROP TABLE canary;--'\", "
                  "comment: \"'); DROP TABLE canary; --\"}"),
           "      checks:\n        - {name: c1, expression: \"note <> $$'); DROP TABLE canary; --$$\"}\n", "") +
      "  seed:\n    - table: t\n      rows:\n        - {id: 2, note: \"x'); DROP TABLE canary; --\\\\\"}\n";
  const auto error = applyUnapproved(body);
  ASSERT_FALSE(error) << error->describe();
  expectIntact("one expression each");
  EXPECT_EQ(value("SELECT note FROM t WHERE id = 2"), "x'); DROP TABLE canary; --\\");
  EXPECT_EQ(value("SELECT col_description('t'::regclass, 3)"), "'); DROP TABLE canary; --");
  EXPECT_EQ(value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't'::regclass"),
            "';DROP TABLE canary;--'::text");
  EXPECT_EQ(value("SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype"), "ok'); DROP TABLE canary; --");
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
}

// Plans prove themselves: what apply would trip on is found by plan, as an error naming the field.
TEST_F(EngineTest, PlanRefusesWhatApplyWouldTripOnNamingTheField) {
  struct Case {
    std::string name, body, field, message;
  };
  const std::vector<Case> cases = {
      {"missing type", "  tables:\n    - name: a\n      columns:\n        - {name: c, type: no_such_type}\n",
       "spec.tables[0].columns[0].type", "type \"no_such_type\" does not exist"},
      {"refused default",
       "  tables:\n    - name: a\n      columns:\n        - {name: c, type: integer, default: \"'abc'\"}\n",
       "spec.tables[0].columns[0].default", "invalid input syntax for type integer"},
      {"refused check",
       "  tables:\n    - name: a\n      columns:\n        - {name: c, type: integer}\n"
       "      checks:\n        - {name: a_c, expression: \"d > 0\"}\n",
       "spec.tables[0].checks[0].expression", "column \"d\" does not exist"},
      {"missing schema", "  schema: nowhere\n  tables:\n    - name: a\n      columns:\n        - {name: c, type: integer}\n",
       "spec.schema", "schema \"nowhere\" does not exist"},
      {"default naming an enum value the plan removes",
       "  enums:\n    - {name: mood, values: [ok]}\n  tables:\n    - name: a\n      columns:\n"
       "        - {name: c, type: mood, default: \"'gone'\"}\n",
       "spec.tables[0].columns[0].default", "invalid input value for enum mood"},
  };
  for (const auto& c : cases) {
    auto conn = connect();
    engine::Options options;
    auto report = engine::run(*conn, resource(c.body), options);
    ASSERT_FALSE(report) << c.name << ": planned without an error";
    EXPECT_EQ(report.error().kind, core::ErrorKind::Invalid) << c.name;
    EXPECT_EQ(report.error().field, c.field) << c.name << ": " << report.error().describe();
    EXPECT_NE(report.error().message.find(c.message), std::string::npos) << c.name << ": " << report.error().message;
  }
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), "0");
}

TEST_F(EngineTest, AnArrayOfAnEnumTheSamePlanCreatesIsPlannedAndApplied) {
  const auto r = resource(
      "  enums:\n    - {name: tag, values: [red, blue]}\n"
      "  tables:\n    - name: items\n      columns:\n"
      "        - {name: id, type: integer}\n"
      "        - {name: tags, type: \"tag[]\", default: \"'{red}'\"}\n"
      "      primaryKey: [id]\n"
      "      checks:\n        - {name: items_tags, expression: \"cardinality(tags) < 3\"}\n");
  const auto first = apply(r);
  ASSERT_FALSE(first.failure) << first.failure->statement << ": " << first.failure->message;
  EXPECT_TRUE(first.remaining.drift.empty()) << ::testing::PrintToString(drift(first.remaining));
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'items'::regclass "
                  "AND attname = 'tags'"),
            "tag[]");
  exec("INSERT INTO items (id) VALUES (1)");
  EXPECT_EQ(value("SELECT tags::text FROM items"), "{red}");
  EXPECT_TRUE(plan(r).plan.drift.empty());
}

TEST_F(EngineTest, ALiveColumnBecomingAnArrayOfAnEnumTheSamePlanCreatesIsPlanned) {
  // The type is put to the server while the enum does not exist yet: it must still be understood.
  exec("CREATE TABLE items (id integer PRIMARY KEY, labels text); INSERT INTO items VALUES (1, '{blue}')");
  const auto r = resource(
      "  enums:\n    - {name: tag, values: [red, blue]}\n"
      "  tables:\n    - name: items\n      columns:\n"
      "        - {name: id, type: integer}\n"
      "        - {name: labels, type: \"tag[]\"}\n"
      "      primaryKey: [id]\n");
  const auto planned = plan(r);
  EXPECT_EQ(drift(planned.plan), (Drift{"CreateEnum tag [safe]", "ChangeType items.labels [destructive]"}));
  const auto applied = apply(r, /*allowDestructive=*/true);
  ASSERT_FALSE(applied.failure) << applied.failure->statement << ": " << applied.failure->message;
  EXPECT_EQ(value("SELECT labels[1]::text FROM items"), "blue");
  EXPECT_TRUE(plan(r).plan.drift.empty());
}

TEST_F(EngineTest, ADefaultNamingAValueTheSamePlanAddsIsPlannedAndApplied) {
  exec("CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE a (c mood)");
  const auto r = resource(
      "  enums:\n    - {name: mood, values: [ok, great]}\n"
      "  tables:\n    - name: a\n      columns:\n        - {name: c, type: mood, default: \"'great'\"}\n");
  const auto first = apply(r);
  ASSERT_FALSE(first.failure) << first.failure->statement << ": " << first.failure->message;
  EXPECT_EQ(drift(first.plan), (Drift{"AddEnumValue mood.great [safe]", "SetDefault a.c [safe]"}));
  EXPECT_TRUE(plan(r).plan.drift.empty());
}
