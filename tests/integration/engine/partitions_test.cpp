// Partitioned tables on a real PostgreSQL (contract Part 2): a parent with twelve monthly
// partitions and a default one created and then in sync, equivalent spellings of bounds not
// drift, a plain table attached, a detach gated as destructive, an index on the live parent built
// the lock-safe way, a partition key change blocked, bounds Postgres refuses an input error that
// names the field, bounds that try to be more than bounds refused, and the questions about any
// number of partitions and expression indexes sent in a fixed number of round trips.
#include "engine_fixture.hpp"

namespace {

// The parent and its partitions as YAML, each month of 2026 and a default partition.
std::string eventsSpec(const std::string& extraParent = "", const std::string& extraTables = "") {
  std::string body = R"yaml(  tables:
    - name: events
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: created_at, type: timestamptz, nullable: false}
        - {name: kind, type: text}
      partitionBy: {strategy: range, columns: [created_at]}
)yaml" + extraParent;
  for (int month = 1; month <= 12; ++month) {
    char from[16], to[16];
    std::snprintf(from, sizeof from, "2026-%02d-01", month);
    if (month == 12)
      std::snprintf(to, sizeof to, "2027-01-01");
    else
      std::snprintf(to, sizeof to, "2026-%02d-01", month + 1);
    body += "    - name: events_m" + std::to_string(month) + "\n";
    body += "      partitionOf: {table: events, bounds: \"FOR VALUES FROM ('" + std::string(from) + "') TO ('" + to +
            "')\"}\n";
  }
  body += "    - name: events_other\n      partitionOf: {table: events, default: true}\n";
  return body + extraTables;
}

}  // namespace

class PartitionsTest : public EngineTest {
 protected:
  std::string partitionCount(const std::string& parent) {
    return value("SELECT count(*) FROM pg_inherits WHERE inhparent = '" + parent + "'::regclass");
  }
  static std::vector<std::string> statements(const engine::Report& r) {
    std::vector<std::string> out;
    for (const auto& s : r.applied) out.insert(out.end(), s.statements.begin(), s.statements.end());
    return out;
  }
};

TEST_F(PartitionsTest, CreatesAParentWithTwelvePartitionsAndADefaultThenIsInSync) {
  const auto r = resource(eventsSpec());
  const auto planned = plan(r);
  ASSERT_EQ(planned.plan.drift.size(), 14u);
  EXPECT_EQ(drift(planned.plan)[0], "CreateTable events [safe]");
  EXPECT_EQ(drift(planned.plan)[1], "CreatePartition events_m1 [safe]");
  EXPECT_EQ(drift(planned.plan)[13], "CreatePartition events_other [safe]");
  const auto report = applied(r);
  EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining)[0];
  EXPECT_EQ(partitionCount("events"), "13");
  EXPECT_EQ(value("SELECT pg_get_partkeydef('events'::regclass)"), "RANGE (created_at)");
  EXPECT_EQ(value("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'events_other'"), "DEFAULT");
  exec("INSERT INTO events VALUES (1, '2026-03-15 12:00+00', 'a'), (2, '2031-01-01', 'b')");
  EXPECT_EQ(value("SELECT tableoid::regclass::text FROM events WHERE id = 1"), "events_m3");
  EXPECT_EQ(value("SELECT tableoid::regclass::text FROM events WHERE id = 2"), "events_other");
  // The bounds were written as dates; Postgres stores timestamptz text. Neither is drift.
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(PartitionsTest, APartitionsOwnIndexCheckAndCommentAreManagedAndInheritedOnesAreNotDrift) {
  const std::string own = R"yaml(    - name: events_2027
      partitionOf: {table: events, bounds: "FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')"}
      comment: next year
      checks:
        - {name: events_2027_kind, expression: "kind <> ''"}
      indexes:
        - {name: events_2027_kind_idx, columns: [kind]}
)yaml";
  const std::string parentParts = R"yaml(      primaryKey: [id, created_at]
      checks:
        - {name: events_id_positive, expression: "id > 0"}
)yaml";
  const auto r = resource(eventsSpec(parentParts, own));
  const auto report = applied(r);
  EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining)[0];
  EXPECT_EQ(value("SELECT obj_description('events_2027'::regclass, 'pg_class')"), "next year");
  EXPECT_EQ(value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'events_2027'::regclass AND conname = 'events_2027_kind'"), "1");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // The partition's own index dropped by hand is drift on the partition.
  exec("DROP INDEX events_2027_kind_idx");
  EXPECT_EQ(drift(plan(r).plan), Drift{"CreateIndex events_2027.events_2027_kind_idx [safe]"});
}

TEST_F(PartitionsTest, ColumnsOfADomainAndAnEnumTheSamePlanCreatesArePartitionedInOneApply) {
  // The partition questions are asked before any type exists: the plan's enum, domain and
  // composite type are made in the question transaction first, as for every other question.
  const auto r = resource(R"yaml(  enums:
    - {name: region, values: [eu, us, apac]}
  domains:
    - {name: email_address, type: text, checks: [{name: email_address_check, expression: "VALUE ~ '@'"}]}
  compositeTypes:
    - {name: money_amount, attributes: [{name: cents, type: bigint}, {name: currency, type: text}]}
  tables:
    - name: accounts
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: region, type: region, nullable: false}
        - {name: email, type: email_address}
        - {name: balance, type: money_amount}
      partitionBy: {strategy: list, columns: [region]}
    - name: accounts_eu
      partitionOf: {table: accounts, bounds: "FOR VALUES IN ('eu')"}
    - name: accounts_rest
      partitionOf: {table: accounts, bounds: "for values in ( 'us','apac' )"}
)yaml");
  const auto report = applied(r);
  EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining)[0];
  EXPECT_EQ(value("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'accounts_rest'"),
            "FOR VALUES IN ('us', 'apac')");
  EXPECT_EQ(value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'accounts'::regclass"
                  " AND attname = 'email'"),
            "email_address");
  exec("INSERT INTO accounts VALUES (1, 'apac', 'a@b', ROW(5, 'EUR'))");
  EXPECT_EQ(value("SELECT tableoid::regclass::text FROM accounts WHERE id = 1"), "accounts_rest");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(PartitionsTest, AttachesALivePlainTableAndGatesADetach) {
  applied(resource(eventsSpec()));
  exec("CREATE TABLE events_2027 (id bigint NOT NULL, created_at timestamptz NOT NULL, kind text)");
  exec("INSERT INTO events_2027 VALUES (7, '2027-06-01', 'x')");
  const std::string attached = R"yaml(    - name: events_2027
      partitionOf: {table: events, bounds: "FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')"}
)yaml";
  const auto r = resource(eventsSpec("", attached));
  EXPECT_EQ(drift(plan(r).plan), Drift{"AttachPartition events_2027 [safe]"});
  const auto report = applied(r);
  EXPECT_EQ(statements(report),
            (std::vector<std::string>{R"(ALTER TABLE "public"."events" ATTACH PARTITION "public"."events_2027" FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2028-01-01 00:00:00+00'))"}));
  EXPECT_TRUE(report.remaining.drift.empty());
  EXPECT_EQ(value("SELECT count(*) FROM events WHERE id = 7"), "1");

  // Declared a plain table again: a detach, destructive, held until approved.
  const std::string plain = R"yaml(    - name: events_2027
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: created_at, type: timestamptz, nullable: false}
        - {name: kind, type: text}
)yaml";
  const auto detach = resource(eventsSpec("", plain));
  const auto held = apply(detach);
  EXPECT_EQ(drift(held.remaining.drift.empty() ? schema::Plan{} : held.remaining),
            Drift{"DetachPartition events_2027 [destructive]"});
  EXPECT_EQ(partitionCount("events"), "14");
  applied(detach, /*allowDestructive=*/true);
  EXPECT_EQ(partitionCount("events"), "13");
  EXPECT_EQ(value("SELECT count(*) FROM events_2027"), "1");
  EXPECT_EQ(drift(plan(detach).plan), Drift{});
}

TEST_F(PartitionsTest, AnIndexADetachLeftBehindIsAdoptedByTheAttachNotDroppedFirst) {
  const std::string parentIndex = R"yaml(      indexes:
        - {name: events_kind_idx, columns: [kind]}
)yaml";
  const auto r = resource(eventsSpec(parentIndex));
  applied(r);
  exec("ALTER TABLE events DETACH PARTITION events_m12");
  // The partition keeps its copy of the parent's index, now an index of a plain table.
  EXPECT_EQ(value("SELECT count(*) FROM pg_indexes WHERE tablename = 'events_m12'"), "1");
  EXPECT_EQ(drift(plan(r).plan), Drift{"AttachPartition events_m12 [safe]"});
  const auto report = applied(r);
  EXPECT_EQ(statements(report).size(), 1u) << statements(report)[0];
  EXPECT_EQ(value("SELECT count(*) FROM pg_indexes WHERE tablename = 'events_m12'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events_kind_idx'::regclass"), "13");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(PartitionsTest, ChangedBoundsAreADetachAndAttachGatedTogether) {
  applied(resource(eventsSpec()));
  std::string moved = eventsSpec();
  const std::string from = "FOR VALUES FROM ('2026-12-01') TO ('2027-01-01')";
  moved.replace(moved.find(from), from.size(), "FOR VALUES FROM ('2026-12-01') TO ('2027-02-01')");
  const auto r = resource(moved);
  EXPECT_EQ(drift(plan(r).plan),
            (Drift{"DetachPartition events_m12 [destructive]", "AttachPartition events_m12 [safe]"}));
  EXPECT_EQ(drift(apply(r).remaining).size(), 2u) << "neither runs without approval";
  applied(r, true);
  EXPECT_EQ(value("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'events_m12'"),
            "FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-02-01 00:00:00+00')");
  EXPECT_EQ(drift(plan(r).plan), Drift{});
}

TEST_F(PartitionsTest, AnIndexOnTheLiveParentIsBuiltOnOnlyThenConcurrentlyThenAttached) {
  applied(resource(eventsSpec()));
  const auto r = resource(eventsSpec(R"yaml(      indexes:
        - {name: events_kind_idx, columns: [kind]}
)yaml"));
  const auto report = applied(r);
  const auto ran = statements(report);
  ASSERT_EQ(ran.size(), 1u + 13u + 13u);
  EXPECT_EQ(ran[0], R"(CREATE INDEX IF NOT EXISTS "events_kind_idx" ON ONLY "public"."events" USING "btree" ("kind"))");
  EXPECT_EQ(ran[1], R"(CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_m1_kind_idx" ON "public"."events_m1" USING "btree" ("kind"))");
  EXPECT_EQ(ran[14], R"(ALTER INDEX "public"."events_kind_idx" ATTACH PARTITION "public"."events_m1_kind_idx")");
  EXPECT_EQ(value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass"), "t");
  EXPECT_EQ(value("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events_kind_idx'::regclass"), "13");
  // The partitions' indexes are the parent's: no drift on them.
  EXPECT_EQ(drift(plan(r).plan), Drift{});
  // Undeclared, the parent's index is dropped (with its partitions') without CONCURRENTLY.
  const auto dropped = applied(resource(eventsSpec()), true);
  EXPECT_EQ(statements(dropped), (std::vector<std::string>{R"(DROP INDEX IF EXISTS "public"."events_kind_idx")"}));
  EXPECT_EQ(value("SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'events%'"), "0");
}

TEST_F(PartitionsTest, ChangingThePartitionKeyOrPartitioningAPlainTableIsBlocked) {
  applied(resource(eventsSpec()));
  std::string rekeyed = eventsSpec();
  const std::string key = "partitionBy: {strategy: range, columns: [created_at]}";
  rekeyed.replace(rekeyed.find(key), key.size(),
                  "partitionBy: {strategy: range, expressions: [\"(created_at AT TIME ZONE 'UTC')\"]}");
  const auto report = apply(resource(rekeyed));
  ASSERT_FALSE(report.remaining.drift.empty());
  const auto& first = report.remaining.drift[0];
  EXPECT_EQ(first.kind, schema::ChangeKind::ChangePartitionBy);
  EXPECT_EQ(first.safety, schema::Safety::Blocked);
  EXPECT_NE(first.reason.find("partitioned by RANGE (created_at) and declared partitioned by RANGE ((created_at AT TIME "
                              "ZONE 'UTC'::text))"),
            std::string::npos)
      << first.reason;
  EXPECT_EQ(value("SELECT pg_get_partkeydef('events'::regclass)"), "RANGE (created_at)");

  exec("CREATE TABLE logs (id bigint NOT NULL, at date NOT NULL)");
  const auto plainDeclaredPartitioned = apply(resource(R"yaml(  tables:
    - name: logs
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: at, type: date, nullable: false}
      partitionBy: {strategy: list, expressions: ["date_part('year', at)"]}
    - name: logs_2026
      partitionOf: {table: logs, bounds: "FOR VALUES IN (2026)"}
  ignore: [events, events_m1, events_m2, events_m3, events_m4, events_m5, events_m6, events_m7, events_m8, events_m9,
           events_m10, events_m11, events_m12, events_other]
)yaml"));
  EXPECT_EQ(drift(plainDeclaredPartitioned.remaining),
            (Drift{"ChangePartitionBy logs [blocked]", "CreatePartition logs_2026 [blocked]"}));
  EXPECT_EQ(value("SELECT relkind FROM pg_class WHERE relname = 'logs'"), "r");
}

TEST_F(PartitionsTest, AKeyThatLeavesOutThePartitionColumnsIsAnInputErrorBeforeAnythingRuns) {
  const std::string parentKey = "      primaryKey: [id]\n";
  EXPECT_NE(planError(resource(eventsSpec(parentKey))).find("spec.tables[0].partitionBy: unique constraint on "
                                                             "partitioned table must include all partitioning columns"),
            std::string::npos)
      << planError(resource(eventsSpec(parentKey)));
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname LIKE 'events%'"), "0");
}

TEST_F(PartitionsTest, BoundsPostgresRefusesOrThatAreMoreThanBoundsAreInputErrorsNamingTheField) {
  std::string bad = eventsSpec();
  const std::string june = "FOR VALUES FROM ('2026-06-01') TO ('2026-07-01')";
  bad.replace(bad.find(june), june.size(), "FOR VALUES FROM ('2026-05-15') TO ('2026-07-01')");  // overlaps May
  EXPECT_NE(planError(resource(bad)).find("spec.tables[6].partitionOf.bounds: "), std::string::npos)
      << planError(resource(bad));
  std::string hostile = eventsSpec();
  hostile.replace(hostile.find(june), june.size(), "FOR VALUES FROM ('2026-06-01') TO ('2026-07-01') WITH (fillfactor=10)");
  EXPECT_NE(planError(resource(hostile)).find("spec.tables[6].partitionOf.bounds: not only a partition bound"),
            std::string::npos)
      << planError(resource(hostile));
  std::string twoStatements = eventsSpec();
  twoStatements.replace(twoStatements.find(june), june.size(),
                        "FOR VALUES FROM ('2026-06-01') TO ('2026-07-01'); DROP TABLE victim");
  exec("CREATE TABLE victim (id int)");
  EXPECT_NE(planError(resource(twoStatements)).find("spec.tables[6].partitionOf.bounds: "), std::string::npos);
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname = 'victim'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM pg_class WHERE relname LIKE 'events%'"), "0") << "nothing was changed";
}

TEST_F(PartitionsTest, QuestionsAboutManyBoundsAndExpressionIndexesTakeAsManyRoundTripsAsAboutOne) {
  // Bounds written as dates on a timestamptz key and expression keys written without the casts
  // Postgres adds are not the live text on their face: every plan asks about each of them.
  auto spec = [](int n) {
    std::string body = R"yaml(  tables:
    - name: log
      columns:
        - {name: id, type: bigint, nullable: false}
        - {name: at, type: timestamptz, nullable: false}
        - {name: label, type: "varchar(40)"}
      partitionBy: {strategy: range, columns: [at]}
)yaml";
    for (int i = 0; i < n; ++i) {
      const std::string year = std::to_string(2000 + i), next = std::to_string(2001 + i);
      body += "    - name: log_" + year + "\n      partitionOf: {table: log, bounds: \"FOR VALUES FROM ('" + year +
              "-01-01') TO ('" + next + "-01-01')\"}\n      indexes:\n        - {name: log_" + year +
              "_label_idx, keys: [{expression: \"lower(label)\"}]}\n";
    }
    return body;
  };
  auto plannedInSync = [&](int n) {
    exec("DROP TABLE IF EXISTS log");
    const auto r = resource(spec(n));
    const auto report = applied(r);
    EXPECT_TRUE(report.remaining.drift.empty()) << drift(report.remaining)[0];
    return planTrips(r);
  };
  const Trips one = plannedInSync(1);
  const Trips twelve = plannedInSync(12);
  // Asked each time: twelve partitions and indexes are more statements than one...
  EXPECT_GE(twelve.statements, one.statements + 22);
  // ...in the same round trips.
  EXPECT_EQ(twelve.wire, one.wire) << "one:\n" << one.trace << "twelve:\n" << twelve.trace;
}
