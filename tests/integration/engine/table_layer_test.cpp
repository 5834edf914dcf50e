// Contract Part 2, table layer, on a real PostgreSQL: collation, generated columns, arrays of a
// new enum, deferrable keys, MATCH FULL, NO INHERIT, exclusion constraints and UNLOGGED tables.
// Each is created, read back in sync under other spellings, changed in place (destructive ones
// only with approval), and hostile text in a new SQL field is an input error that changes nothing.
#include "engine_fixture.hpp"

namespace {

const char* kBookings = R"yaml(  enums:
    - {name: status, values: [open, closed]}
  tables:
    - name: rooms
      columns:
        - {name: id, type: integer}
        - {name: code, type: text, nullable: false, collation: C}
      primaryKey: [id]
      unique:
        - {name: rooms_code_key, columns: [code], deferrable: initially-deferred}
    - name: bookings
      unlogged: UNLOGGED
      columns:
        - {name: id, type: bigint, identity: always}
        - {name: room_id, type: integer, nullable: false}
        - {name: starts_at, type: timestamptz, nullable: false}
        - {name: ends_at, type: timestamptz, nullable: false}
        - {name: cancelled, type: boolean, nullable: false, default: "false"}
        - {name: guest, type: text}
        - {name: guest_key, type: text, generated: "GENERATED_KEY"}
        - {name: states, type: "status[]"}
      primaryKey: [id]
      foreignKeys:
        - {name: bookings_room_fk, columns: [room_id], references: {table: rooms, columns: [id]}, match: full, deferrable: initially-immediate}
      checks:
        - {name: bookings_order, expression: "ENDS > starts_at", noInherit: true}
      exclusions:
        - name: bookings_no_overlap
          elements:
            - {expression: "int4range(room_id, room_id, '[]')", operator: "="}
            - {expression: "TSTZ", operator: "&&"}
          where: "WHERE_TEXT"
)yaml";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  return text;
}

struct Spelling {
  std::string unlogged = "false", generatedKey = "lower(guest)", ends = "ends_at",
              tstz = "tstzrange(starts_at, ends_at)", where = "NOT cancelled";
};

std::string bookings(const Spelling& s) {
  std::string out = kBookings;
  out = replaced(out, "UNLOGGED", s.unlogged);
  out = replaced(out, "GENERATED_KEY", s.generatedKey);
  out = replaced(out, "ENDS", s.ends);
  out = replaced(out, "TSTZ", s.tstz);
  out = replaced(out, "WHERE_TEXT", s.where);
  return out;
}

}  // namespace

TEST_F(EngineTest, TableLayerIsCreatedAndEquivalentSpellingsAreNoDrift) {
  const auto first = apply(resource(bookings({})));
  ASSERT_FALSE(first.failure) << first.failure->statement << ": " << first.failure->message;
  EXPECT_TRUE(first.remaining.drift.empty()) << ::testing::PrintToString(drift(first.remaining));

  EXPECT_EQ(value("SELECT collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
                  " WHERE attrelid = 'rooms'::regclass AND attname = 'code'"),
            "C");
  EXPECT_EQ(value("SELECT condeferrable::text || condeferred::text FROM pg_constraint WHERE conname = 'rooms_code_key'"),
            "truetrue");
  EXPECT_EQ(value("SELECT confmatchtype::text || condeferrable::text || condeferred::text FROM pg_constraint"
                  " WHERE conname = 'bookings_room_fk'"),
            "ftruefalse");
  EXPECT_EQ(value("SELECT connoinherit::text FROM pg_constraint WHERE conname = 'bookings_order'"), "true");
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'bookings'::regclass"
                  " AND attname = 'states'"),
            "status[]");
  // The exclusion and the generated column do their jobs.
  exec("INSERT INTO rooms VALUES (1, 'A')");
  exec("INSERT INTO bookings (room_id, starts_at, ends_at, guest, states) VALUES"
       " (1, '2026-01-01 10:00Z', '2026-01-01 12:00Z', 'Ann', '{open}')");
  EXPECT_EQ(value("SELECT guest_key FROM bookings"), "ann");
  EXPECT_THROW(exec("INSERT INTO bookings (room_id, starts_at, ends_at) VALUES (1, '2026-01-01 11:00Z', '2026-01-01 13:00Z')"),
               std::exception);
  exec("INSERT INTO bookings (room_id, starts_at, ends_at, cancelled) VALUES"
       " (1, '2026-01-01 11:00Z', '2026-01-01 13:00Z', true)");

  // Other spellings of the same expressions: Postgres stores them the same, so nothing to do.
  Spelling other;
  other.generatedKey = "LOWER( guest )";
  other.ends = "(ends_at)";
  other.tstz = "TSTZRANGE(starts_at,ends_at)";
  other.where = "(not cancelled)";
  const auto again = plan(resource(bookings(other)));
  EXPECT_TRUE(again.plan.drift.empty()) << ::testing::PrintToString(drift(again.plan));
}

TEST_F(EngineTest, TableLayerChangesInPlaceAndGatesTheDestructiveOnes) {
  ASSERT_FALSE(apply(resource(bookings({}))).failure);
  Spelling changed;
  changed.unlogged = "true";
  changed.where = "NOT cancelled AND room_id > 0";
  std::string text = replaced(bookings(changed), "collation: C}", "collation: POSIX}");
  text = replaced(text, "noInherit: true", "noInherit: false");
  const auto r = resource(text);
  const auto gated = apply(r);
  EXPECT_EQ(drift(gated.plan), (Drift{"ChangeType rooms.code [destructive]", "SetUnlogged bookings [destructive]",
                                      "DropCheck bookings.bookings_order [destructive]",
                                      "AddCheck bookings.bookings_order [safe]",
                                      "DropExclusion bookings.bookings_no_overlap [destructive]",
                                      "AddExclusion bookings.bookings_no_overlap [safe]"}));
  EXPECT_TRUE(gated.applied.empty()) << "every change waits for the approval of its destructive half";
  EXPECT_EQ(value("SELECT relpersistence::text FROM pg_class WHERE relname = 'bookings'"), "p");

  const auto approved = apply(r, /*allowDestructive=*/true);
  ASSERT_FALSE(approved.failure) << approved.failure->statement << ": " << approved.failure->message;
  EXPECT_TRUE(approved.remaining.drift.empty()) << ::testing::PrintToString(drift(approved.remaining));
  EXPECT_EQ(value("SELECT relpersistence::text FROM pg_class WHERE relname = 'bookings'"), "u");
  EXPECT_EQ(value("SELECT collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
                  " WHERE attrelid = 'rooms'::regclass AND attname = 'code'"),
            "POSIX");
  EXPECT_EQ(value("SELECT connoinherit::text FROM pg_constraint WHERE conname = 'bookings_order'"), "false");
  EXPECT_NE(value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'bookings_no_overlap'")
                .find("room_id > 0"),
            std::string::npos);

  // Back to logged, and the exclusion removed: destructive, so only with approval.
  std::string logged = replaced(text, "unlogged: true", "unlogged: false");
  logged = logged.substr(0, logged.find("      exclusions:"));
  const auto back = apply(resource(logged), /*allowDestructive=*/true);
  ASSERT_FALSE(back.failure) << back.failure->statement << ": " << back.failure->message;
  EXPECT_EQ(drift(back.plan), (Drift{"SetLogged bookings [destructive]", "DropExclusion bookings.bookings_no_overlap [destructive]"}));
  EXPECT_EQ(value("SELECT relpersistence::text FROM pg_class WHERE relname = 'bookings'"), "p");
  EXPECT_EQ(value("SELECT count(*) FROM pg_constraint WHERE contype = 'x'"), "0");
}

TEST_F(EngineTest, AGeneratedExpressionChangesFrom17AndIsBlockedBefore) {
  ASSERT_FALSE(apply(resource(bookings({}))).failure);
  exec("INSERT INTO rooms VALUES (1, 'A');"
       "INSERT INTO bookings (room_id, starts_at, ends_at, guest) VALUES (1, now(), now() + interval '1 hour', 'Ann')");
  Spelling changed;
  changed.generatedKey = "upper(guest)";
  const auto r = apply(resource(bookings(changed)), /*allowDestructive=*/true);
  ASSERT_EQ(r.plan.drift.size(), 1u) << ::testing::PrintToString(drift(r.plan));
  EXPECT_EQ(r.plan.drift[0].object, "bookings.guest_key");
  if (std::stoi(value("SHOW server_version_num")) >= 170000) {
    ASSERT_FALSE(r.failure) << r.failure->statement << ": " << r.failure->message;
    EXPECT_EQ(value("SELECT guest_key FROM bookings"), "ANN");
    EXPECT_TRUE(r.remaining.drift.empty());
  } else {
    EXPECT_EQ(r.plan.drift[0].safety, schema::Safety::Blocked);
    EXPECT_NE(r.plan.drift[0].reason.find("needs Postgres 17"), std::string::npos) << r.plan.drift[0].reason;
    EXPECT_EQ(value("SELECT guest_key FROM bookings"), "ann");
  }
}

TEST_F(EngineTest, HostileTextInTableLayerFieldsIsAnInputErrorAndChangesNothing) {
  struct Case {
    Spelling spelling;
    std::string field;
  };
  const auto hostile = [](std::string Spelling::*text, const std::string& value, const std::string& field) {
    Case c{{}, field};
    c.spelling.*text = value;
    return c;
  };
  const std::vector<Case> cases = {
      hostile(&Spelling::generatedKey, "lower(guest)) STORED, evil int GENERATED ALWAYS AS (1",
              "spec.tables[1].columns[6].generated"),
      hostile(&Spelling::tstz, "tstzrange(starts_at, ends_at)) WITH &&, (room_id", "spec.tables[1].exclusions[0]"),
      hostile(&Spelling::where, "true), CONSTRAINT evil CHECK (true", "spec.tables[1].exclusions[0]"),
      hostile(&Spelling::generatedKey, "no_such_function(guest)", "spec.tables[1].columns[6].generated"),
  };
  for (const auto& c : cases) {
    auto conn = connect();
    engine::Options options;
    options.apply = true;
    const auto report = engine::run(*conn, resource(bookings(c.spelling)), options);
    ASSERT_FALSE(report) << c.field;
    EXPECT_EQ(report.error().kind, core::ErrorKind::Invalid) << report.error().describe();
    EXPECT_EQ(report.error().field, c.field) << report.error().describe();
    EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname IN ('rooms', 'bookings', 'evil')"), "0");
  }
}

TEST_F(EngineTest, AnUnknownCollationIsAnInputErrorNamingTheField) {
  auto conn = connect();
  engine::Options options;
  options.apply = true;
  const auto report = engine::run(*conn, resource(replaced(bookings({}), "collation: C}", "collation: no_such_collation}")), options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().field, "spec.tables[0].columns[1].collation") << report.error().describe();
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 'rooms'"), "0");
}
