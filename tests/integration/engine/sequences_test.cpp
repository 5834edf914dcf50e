// Sequences on a real PostgreSQL: created with their options, a serial column declared as what it
// is (its sequence with ownedBy, its nextval default) in sync with a table made with `serial` and
// rebuilt in an empty database, options altered in place, a narrowing blocked while the value is
// out of range, and drops gated as destructive (blocked while a kept default calls the sequence).
#include "engine_fixture.hpp"

namespace {

// What export writes for `CREATE TABLE t (id serial PRIMARY KEY, v text)`.
const char* kSerialDeclared = R"yaml(  sequences:
    - {name: t_id_seq, type: integer, ownedBy: t.id}
  tables:
    - name: t
      columns:
        - {name: id, type: integer, default: "nextval('t_id_seq'::regclass)"}
        - {name: v, type: text}
      primaryKey: [id]
)yaml";

}  // namespace

class SequencesTest : public EngineTest {
 protected:
  // The sequence's options as pg_sequence holds them: "type start increment min max cache cycle".
  std::string options(const std::string& sequence) {
    return value("SELECT format_type(seqtypid, NULL) || ' ' || seqstart || ' ' || seqincrement || ' ' || seqmin || ' ' ||"
                 " seqmax || ' ' || seqcache || ' ' || seqcycle FROM pg_sequence WHERE seqrelid = '" + sequence +
                 "'::regclass");
  }
  // "table.column" the sequence is OWNED BY, or "" for none.
  std::string owner(const std::string& sequence) {
    return value("SELECT COALESCE((SELECT c.relname || '.' || a.attname FROM pg_depend d JOIN pg_class c ON c.oid = "
                 "d.refobjid JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.objid = '" +
                 sequence + "'::regclass AND d.deptype = 'a'), '')");
  }
  // An apply that must not stop at a failed step.
  engine::Report applied(const char* body, bool allowDestructive = false) {
    auto report = apply(resource(body), allowDestructive);
    if (report.failure) ADD_FAILURE() << report.failure->statement << ": " << report.failure->message;
    return report;
  }
  long long sequences() { return std::stoll(value("SELECT count(*) FROM pg_class WHERE relkind = 'S'")); }
  static std::vector<std::string> statements(const engine::Report& r) {
    std::vector<std::string> out;
    for (const auto& s : r.applied) out.insert(out.end(), s.statements.begin(), s.statements.end());
    return out;
  }
};

TEST_F(SequencesTest, CreatesADeclaredSequenceWithItsOptionsAndOwnerThenIsInSync) {
  const char* body = R"yaml(  sequences:
    - {name: invoice_no, type: bigint, start: 1000, increment: 10, minValue: 1000, maxValue: null, cache: 5,
       cycle: false, ownedBy: invoices.number}
    - {name: countdown, type: smallint, increment: -1}
  tables:
    - name: invoices
      columns:
        - {name: number, type: bigint, nullable: false, default: "nextval('invoice_no')"}
)yaml";
  const auto planned = plan(resource(body));
  EXPECT_EQ(drift(planned.plan), (Drift{"CreateSequence invoice_no [safe]", "CreateSequence countdown [safe]",
                                        "CreateTable invoices [safe]", "AlterSequence invoice_no [safe]"}));
  const auto report = applied(body);
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty()) << "a re-plan is in sync";
  EXPECT_EQ(options("invoice_no"), "bigint 1000 10 1000 9223372036854775807 5 false");
  EXPECT_EQ(options("countdown"), "smallint -1 -1 -32768 -1 1 false");
  EXPECT_EQ(owner("invoice_no"), "invoices.number");
  EXPECT_EQ(value("INSERT INTO invoices DEFAULT VALUES RETURNING number"), "1000");
}

TEST_F(SequencesTest, ASerialTableDeclaredAsWhatItIsPlansInSync) {
  exec("CREATE TABLE t (id serial PRIMARY KEY, v text)");
  exec("INSERT INTO t (v) VALUES ('a'), ('b')");
  EXPECT_EQ(drift(plan(resource(kSerialDeclared)).plan), Drift{});

  // A bigserial: the sequence is bigint, which an unset type means.
  exec("DROP TABLE t; CREATE TABLE t (id bigserial PRIMARY KEY, v text)");
  const char* bigserial = R"yaml(  sequences:
    - {name: t_id_seq, ownedBy: t.id}
  tables:
    - name: t
      columns:
        - {name: id, type: bigint, default: "nextval('t_id_seq'::regclass)"}
        - {name: v, type: text}
      primaryKey: [id]
)yaml";
  EXPECT_EQ(drift(plan(resource(bigserial)).plan), Drift{});
  EXPECT_EQ(drift(plan(resource(kSerialDeclared)).plan),
            (Drift{"ChangeType t.id [destructive]", "AlterSequence t_id_seq [safe]"}))
      << "declared integer against a bigserial: the type is drift, nothing else";
}

TEST_F(SequencesTest, RebuildsASerialTableInAnEmptyDatabase) {
  const auto report = applied(kSerialDeclared);
  EXPECT_EQ(statements(report),
            (std::vector<std::string>{
                R"(CREATE SEQUENCE "public"."t_id_seq" AS integer)",
                R"(CREATE TABLE "public"."t" ("id" integer NOT NULL DEFAULT nextval('t_id_seq'::regclass), "v" text, )"
                R"(CONSTRAINT "t_pkey" PRIMARY KEY ("id")))",
                R"(ALTER SEQUENCE "public"."t_id_seq" OWNED BY "public"."t"."id")"}));
  EXPECT_TRUE(plan(resource(kSerialDeclared)).plan.drift.empty());
  // What `serial` would have made: the sequence the column owns, found as its serial sequence.
  EXPECT_EQ(value("SELECT pg_get_serial_sequence('t', 'id')"), "public.t_id_seq");
  EXPECT_EQ(options("t_id_seq"), "integer 1 1 1 2147483647 1 false");
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('a') RETURNING id"), "1");
  exec("DROP TABLE t");
  EXPECT_EQ(sequences(), 0) << "owned by the column, the sequence went with its table";
}

TEST_F(SequencesTest, AltersOptionsInPlaceAndKeepsTheNumbering) {
  exec("CREATE SEQUENCE s; SELECT nextval('s'); SELECT nextval('s')");
  const char* body = R"yaml(  sequences:
    - {name: s, increment: 5, maxValue: 1000, cache: 10, cycle: true}
)yaml";
  EXPECT_EQ(drift(plan(resource(body)).plan), Drift{"AlterSequence s [safe]"});
  const auto report = applied(body);
  EXPECT_EQ(statements(report), std::vector<std::string>{R"(ALTER SEQUENCE "public"."s" INCREMENT BY 5 MAXVALUE 1000 )"
                                                         R"(CACHE 10 CYCLE)"});
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty());
  EXPECT_EQ(options("s"), "bigint 1 5 1 1000 10 true");
  EXPECT_EQ(value("SELECT nextval('s')"), "7");
}

TEST_F(SequencesTest, ANarrowerTypeIsBlockedWhileTheValueIsBeyondItThenApplies) {
  exec("CREATE SEQUENCE s; SELECT setval('s', 3000000000)");
  const char* body = "  sequences:\n    - {name: s, type: integer}\n";
  const auto blocked = apply(resource(body));
  EXPECT_EQ(drift(blocked.plan), Drift{"AlterSequence s [blocked]"});
  EXPECT_EQ(blocked.plan.drift.at(0).reason,
            "sequence s has reached 3000000000, outside the declared range 1 to 2147483647 (integer); declare a "
            "maxValue that includes it, or restart the sequence first");
  EXPECT_TRUE(blocked.applied.empty());
  EXPECT_EQ(options("s"), "bigint 1 1 1 9223372036854775807 1 false");

  exec("SELECT setval('s', 41)");
  const auto report = applied(body);
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(options("s"), "integer 1 1 1 2147483647 1 false");
  EXPECT_EQ(value("SELECT nextval('s')"), "42");
}

TEST_F(SequencesTest, AnUndeclaredSequenceIsLeftAloneWithoutPruneAndDroppedWithItOnlyWithApproval) {
  exec("CREATE SEQUENCE loose");
  const auto alone = apply(resource("  tables:\n    - {name: t, columns: [{name: a, type: int}]}\n"));
  EXPECT_TRUE(alone.remaining.drift.empty()) << "not declared, not pruned: not this resource's, as a table is not";
  const char* body = "  prune: true\n  tables:\n    - {name: t, columns: [{name: a, type: int}]}\n";
  const auto pending = apply(resource(body));
  EXPECT_EQ(drift(pending.remaining), Drift{"DropSequence loose [destructive]"});
  EXPECT_EQ(sequences(), 1) << "destructive: not applied without approval";

  const auto approved = apply(resource(body, "DropSequence"));  // the annotation, by kind
  EXPECT_FALSE(approved.failure);
  EXPECT_TRUE(approved.remaining.drift.empty());
  EXPECT_EQ(sequences(), 0);
}

TEST_F(SequencesTest, ADropWaitsForTheDefaultThatCallsTheSequence) {
  exec("CREATE TABLE t (id serial PRIMARY KEY, v text)");
  // The column keeps its nextval default but the sequence is not declared (a Part 1 document):
  // in sync without prune; with prune, it cannot go.
  const char* part1 = R"yaml(  tables:
    - name: t
      columns:
        - {name: id, type: integer, default: "nextval('t_id_seq'::regclass)"}
        - {name: v, type: text}
      primaryKey: [id]
)yaml";
  EXPECT_TRUE(apply(resource(part1), /*allowDestructive=*/true).plan.drift.empty());
  const char* keepsDefault = R"yaml(  prune: true
  tables:
    - name: t
      columns:
        - {name: id, type: integer, default: "nextval('t_id_seq'::regclass)"}
        - {name: v, type: text}
      primaryKey: [id]
)yaml";
  const auto blocked = apply(resource(keepsDefault), /*allowDestructive=*/true);
  EXPECT_EQ(drift(blocked.plan), Drift{"DropSequence t_id_seq [blocked]"});
  EXPECT_EQ(blocked.plan.drift.at(0).reason,
            "sequence t_id_seq is not declared but the default of t.id still uses it; declare it under "
            "spec.sequences, or change what uses it first");
  EXPECT_EQ(sequences(), 1);

  // Without the default, the drop runs after the default goes.
  const char* noDefault = R"yaml(  prune: true
  tables:
    - name: t
      columns:
        - {name: id, type: integer}
        - {name: v, type: text}
      primaryKey: [id]
)yaml";
  const auto report = applied(noDefault, /*allowDestructive=*/true);
  EXPECT_EQ(drift(report.plan), (Drift{"DropDefault t.id [safe]", "DropSequence t_id_seq [destructive]"}));
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(sequences(), 0);
}

TEST_F(SequencesTest, HostileNamesInAnotherSchemaAreQuotedEverywhere) {
  exec("CREATE SCHEMA \"App\"");
  const char* body = R"yaml(  schema: App
  sequences:
    - {name: "Seq \"x\"; DROP TABLE t; --", start: 5, ownedBy: "Order.Number"}
  tables:
    - name: Order
      columns:
        - {name: Number, type: bigint, default: "nextval('\"Seq \"\"x\"\"; DROP TABLE t; --\"'::regclass)"}
)yaml";
  const auto report = applied(body);
  EXPECT_TRUE(plan(resource(body)).plan.drift.empty()) << "a re-plan is in sync";
  EXPECT_EQ(value(R"(INSERT INTO "App"."Order" DEFAULT VALUES RETURNING "Number")"), "5");
  EXPECT_EQ(owner(R"("App"."Seq ""x""; DROP TABLE t; --")"), "Order.Number");
}

TEST_F(SequencesTest, SeedRowsOfASerialTableMoveItsSequencePastThem) {
  const std::string body = std::string(kSerialDeclared) + R"yaml(  seed:
    - table: t
      rows:
        - {id: 1, v: a}
        - {id: 7, v: b}
)yaml";
  const auto report = applied(body.c_str());
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(value("SELECT string_agg(id || v, ',' ORDER BY id) FROM t"), "1a,7b");
  EXPECT_EQ(value("INSERT INTO t (v) VALUES ('c') RETURNING id"), "8") << "the application's next row does not collide";
}
