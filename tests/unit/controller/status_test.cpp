#include "controller/status.hpp"

#include <gtest/gtest.h>

#include "unit/controller/changes.hpp"

using namespace controller;
using nlohmann::json;

namespace {

using controller::fixtures::change;

engine::Report report(std::vector<schema::Change> remaining, int applied = 0) {
  engine::Report r;
  r.serverVersion = "15.8";
  r.remaining.drift = std::move(remaining);
  for (const auto& c : r.remaining.drift) {
    if (c.safety == schema::Safety::Destructive) ++r.remaining.destructive;
    if (c.safety == schema::Safety::Blocked) ++r.remaining.blocked;
  }
  if (!r.remaining.drift.empty()) r.remaining.hash = "sha256:" + std::string(64, 'a');
  for (int i = 0; i < applied; ++i) {
    schema::Step s;
    s.kind = schema::ChangeKind::AddColumn;
    s.object = "t.c" + std::to_string(i);
    r.applied.push_back(s);
    r.applied.push_back(s);  // a change may take several steps: counted once
  }
  return r;
}

Observation seen(engine::Report r, const std::string& now = "2026-11-24T10:00:00Z", long long generation = 3) {
  Observation o;
  o.generation = generation;
  o.now = now;
  o.report = std::move(r);
  return o;
}

json conditionOf(const json& status, const std::string& type) {
  for (const auto& c : status["conditions"])
    if (c["type"] == type) return c;
  return json();
}

}  // namespace

TEST(NextStatus, InSyncIsReadyWithAllFourConditions) {
  const json s = nextStatus(json::object(), seen(report({}, 2)));
  EXPECT_EQ(s["phase"], "InSync");
  EXPECT_EQ(s["observedGeneration"], 3);
  EXPECT_EQ(s["appliedChanges"], 2);
  EXPECT_EQ(s["lastAppliedTime"], "2026-11-24T10:00:00Z");
  EXPECT_EQ(s["database"]["serverVersion"], "15.8");
  EXPECT_EQ(s["drift"]["count"], 0);
  EXPECT_EQ(conditionOf(s, "Ready")["status"], "True");
  EXPECT_EQ(conditionOf(s, "Ready")["reason"], "InSync");
  EXPECT_EQ(conditionOf(s, "Ready")["observedGeneration"], 3);
  EXPECT_EQ(conditionOf(s, "DatabaseReachable")["status"], "True");
  EXPECT_EQ(conditionOf(s, "Drifted")["status"], "False");
  EXPECT_EQ(conditionOf(s, "DestructiveChangesPending")["status"], "False");
}

TEST(NextStatus, PendingDestructiveChangesAreDriftedAndSayHowToApprove) {
  const json s = nextStatus(json::object(), seen(report({change(schema::ChangeKind::DropColumn, "t.old",
                                                                 schema::Safety::Destructive)})));
  EXPECT_EQ(s["phase"], "Drifted");
  EXPECT_EQ(s["drift"]["items"][0]["change"], "DropColumn");
  EXPECT_EQ(s["drift"]["items"][0]["destructive"], true);
  EXPECT_EQ(s["plan"]["destructive"], 1);
  const json pending = conditionOf(s, "DestructiveChangesPending");
  EXPECT_EQ(pending["status"], "True");
  EXPECT_NE(pending["message"].get<std::string>().find("dbschema.io/allow-destructive=sha256:"), std::string::npos);
  EXPECT_EQ(conditionOf(s, "Ready")["status"], "False");
}

TEST(NextStatus, BlockedChangesMakeThePhaseBlocked) {
  const json s = nextStatus(json::object(), seen(report({change(schema::ChangeKind::SetNotNull, "t.a",
                                                                 schema::Safety::Blocked, "3 rows have NULL in t.a")})));
  EXPECT_EQ(s["phase"], "Blocked");
  EXPECT_EQ(s["drift"]["items"][0]["reason"], "3 rows have NULL in t.a");
}

TEST(NextStatus, ConnectionFailuresKeepTheLastKnownDrift) {
  const json before = nextStatus(json::object(), seen(report({change(schema::ChangeKind::AddColumn, "t.a",
                                                                      schema::Safety::Safe)})));
  Observation o;
  o.generation = 3;
  o.now = "2026-11-24T10:05:00Z";
  o.failure = Failure{FailureKind::ConnectionFailed, "cannot connect to db:5432/shop: connection refused"};
  const json s = nextStatus(before, o);
  EXPECT_EQ(s["phase"], "Error");
  EXPECT_EQ(conditionOf(s, "DatabaseReachable")["status"], "False");
  EXPECT_EQ(conditionOf(s, "DatabaseReachable")["reason"], "ConnectionFailed");
  EXPECT_EQ(s["drift"]["count"], 1);
  EXPECT_EQ(conditionOf(s, "Drifted")["status"], "True");
}

TEST(NextStatus, TransitionTimesMoveOnlyWhenAConditionFlips) {
  const json first = nextStatus(json::object(), seen(report({}), "2026-11-24T10:00:00Z"));
  const json same = nextStatus(first, seen(report({}), "2026-11-24T10:05:00Z"));
  EXPECT_EQ(conditionOf(same, "Ready")["lastTransitionTime"], "2026-11-24T10:00:00Z");
  const json flipped = nextStatus(same, seen(report({change(schema::ChangeKind::AddColumn, "t.a", schema::Safety::Safe)}),
                                             "2026-11-24T10:10:00Z"));
  EXPECT_EQ(conditionOf(flipped, "Ready")["lastTransitionTime"], "2026-11-24T10:10:00Z");
  EXPECT_EQ(conditionOf(flipped, "DatabaseReachable")["lastTransitionTime"], "2026-11-24T10:00:00Z");
}

TEST(NextStatus, AppliedChangesAccumulate) {
  const json a = nextStatus(json::object(), seen(report({}, 3)));
  const json b = nextStatus(a, seen(report({}, 2)));
  const json c = nextStatus(b, seen(report({}, 0), "2026-11-24T11:00:00Z"));
  EXPECT_EQ(c["appliedChanges"], 5);
  EXPECT_EQ(c["lastAppliedTime"], "2026-11-24T10:00:00Z");
}

TEST(NextStatus, DriftItemsAreBoundedButCountedExactly) {
  std::vector<schema::Change> many;
  for (int i = 0; i < 120; ++i) many.push_back(change(schema::ChangeKind::AddColumn, "t.c" + std::to_string(i), schema::Safety::Safe));
  const json s = nextStatus(json::object(), seen(report(many)));
  EXPECT_EQ(s["drift"]["count"], 120);
  EXPECT_EQ(s["drift"]["items"].size(), kMaxStatusItems);
}

TEST(WorthWriting, OnlyChangesOrAStaleCheckTime) {
  const json a = nextStatus(json::object(), seen(report({}), "2026-11-24T10:00:00Z"));
  const json b = nextStatus(a, seen(report({}), "2026-11-24T10:01:00Z"));
  EXPECT_FALSE(worthWriting(a, b, 300));
  const json c = nextStatus(a, seen(report({}), "2026-11-24T10:05:00Z"));
  EXPECT_TRUE(worthWriting(a, c, 300));
  const json d = nextStatus(a, seen(report({change(schema::ChangeKind::AddColumn, "t.a", schema::Safety::Safe)}),
                                    "2026-11-24T10:01:00Z"));
  EXPECT_TRUE(worthWriting(a, d, 300));
  EXPECT_TRUE(worthWriting(json::object(), a, 300));
}


namespace {

schema::Step stepOf(const std::string& object, std::vector<std::string> statements) {
  schema::Step s;
  s.kind = schema::ChangeKind::AddColumn;
  s.object = object;
  s.statements = std::move(statements);
  return s;
}

}  // namespace

TEST(NextStatus, APlanLongerThanTheListSaysHowLongItIsThatTheListIsCutAndWhereTheRestIs) {
  engine::Report r = report({change(schema::ChangeKind::AddColumn, "t.a", schema::Safety::Safe)});
  for (int i = 0; i < 60; ++i)
    r.remaining.steps.push_back(stepOf("t.c" + std::to_string(i), {"ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int"}));
  Observation o = seen(r);
  o.planConfigMap = json{{"name", "shop-plan-abcde"}, {"statementCount", 60}, {"truncated", false}};
  const json s = nextStatus(json::object(), o);
  EXPECT_EQ(s["plan"]["statements"].size(), kMaxStatusItems);
  EXPECT_EQ(s["plan"]["statementCount"], 60);
  EXPECT_EQ(s["plan"]["truncated"], true);
  EXPECT_EQ(s["plan"]["configMapRef"]["name"], "shop-plan-abcde");

  engine::Report small = report({change(schema::ChangeKind::AddColumn, "t.a", schema::Safety::Safe)});
  small.remaining.steps.push_back(stepOf("t.a", {"ALTER TABLE t ADD COLUMN a int"}));
  const json whole = nextStatus(json::object(), seen(small));
  EXPECT_EQ(whole["plan"]["statementCount"], 1);
  EXPECT_EQ(whole["plan"]["truncated"], false);
  EXPECT_FALSE(whole["plan"].contains("configMapRef"));
}

TEST(NextStatus, AnOwnershipConflictIsNotReadyNamesTheOwnerAndKeepsTheDatabaseReachable) {
  Observation o;
  o.generation = 2;
  o.now = "2026-11-24T10:05:00Z";
  o.failure = Failure{FailureKind::OwnershipConflict,
                      "schema public of database shop is managed by DatabaseSchema apps/shop (uid u-1)"};
  const json s = nextStatus(json::object(), o);
  EXPECT_EQ(s["phase"], "Error");
  EXPECT_EQ(conditionOf(s, "Ready")["status"], "False");
  EXPECT_EQ(conditionOf(s, "Ready")["reason"], "OwnershipConflict");
  EXPECT_NE(conditionOf(s, "Ready")["message"].get<std::string>().find("apps/shop"), std::string::npos);
  EXPECT_EQ(conditionOf(s, "DatabaseReachable")["status"], "True");
}

TEST(NextStatus, AnApplyThatStoppedAtAnErrorKeepsTheStatementsThatRanNextToTheFailure) {
  engine::Report r = report({change(schema::ChangeKind::InsertSeedRow, "t[id=2]", schema::Safety::Safe)});
  r.applied = {stepOf("t", {"CREATE TABLE t (id int)", "ALTER TABLE t ADD CHECK (id > 0)"}), stepOf("t[id=1]", {"INSERT 1"})};
  r.failure = pg::StepFailure{"t[id=2]", "INSERT 2", "new row violates check constraint"};
  const json s = nextStatus(json::object(), seen(r));
  EXPECT_EQ(s["phase"], "Error");
  EXPECT_EQ(s["lastApply"]["statementCount"], 3);
  EXPECT_EQ(s["lastApply"]["statements"], json({"CREATE TABLE t (id int)", "ALTER TABLE t ADD CHECK (id > 0)", "INSERT 1"}));
  EXPECT_EQ(s["lastApply"]["failure"]["statement"], "INSERT 2");
  const std::string ready = conditionOf(s, "Ready")["message"];
  EXPECT_NE(ready.find("3 statements were applied before it"), std::string::npos) << ready;

  // Kept through later checks that apply nothing, and through a failed connection.
  const json later = nextStatus(s, seen(report({}), "2026-11-24T10:10:00Z"));
  EXPECT_EQ(later["lastApply"], s["lastApply"]);
  Observation down = seen(report({}), "2026-11-24T10:15:00Z");
  down.report.reset();
  down.failure = Failure{FailureKind::ConnectionFailed, "connection refused"};
  EXPECT_EQ(nextStatus(later, down)["lastApply"], s["lastApply"]);
}

TEST(WaitingForLockStatus, SaysApplyingAndWhoHoldsTheLockKeepingTheRest) {
  Observation o = seen(report({change(schema::ChangeKind::AddColumn, "t.note", schema::Safety::Safe)}),
                       "2026-11-24T10:00:00Z", 4);
  const json before = nextStatus(json::object(), o);
  const std::string message = "waiting for a lock: t.note needs ACCESS EXCLUSIVE on \"public\".\"t\"; held by pid 42";
  const json waiting = waitingForLockStatus(before, message, 4, "2026-11-24T10:01:00Z");
  EXPECT_EQ(waiting["phase"], "Applying");
  EXPECT_EQ(waiting["lastCheckedTime"], "2026-11-24T10:01:00Z");
  EXPECT_EQ(waiting["drift"], before["drift"]);
  EXPECT_EQ(waiting["plan"], before["plan"]);
  ASSERT_EQ(waiting["conditions"].size(), before["conditions"].size());
  for (const auto& c : waiting["conditions"]) {
    if (c["type"] != "Ready") {
      bool same = false;
      for (const auto& b : before["conditions"]) same = same || b == c;
      EXPECT_TRUE(same) << c.dump();
      continue;
    }
    EXPECT_EQ(c["status"], "False");
    EXPECT_EQ(c["reason"], "WaitingForLock");
    EXPECT_EQ(c["message"], message);
    EXPECT_EQ(c["observedGeneration"], 4);
    // Ready was already False (drifted): its transition time stays.
    EXPECT_EQ(c["lastTransitionTime"], "2026-11-24T10:00:00Z");
  }
}

// Issue 16: objects of kinds the resource does not manage (status.unmanaged, a strict refusal).
namespace {

engine::Report reportWith(size_t unmanagedObjects, bool refused = false) {
  engine::Report r = report({});
  for (size_t i = 0; i < unmanagedObjects; ++i)
    r.unmanaged.push_back({i % 3 == 0 ? "Trigger" : "View", "object_" + std::to_string(1000 + i)});
  r.refusedUnmanaged = refused;
  return r;
}

}  // namespace

TEST(UnmanagedStatus, ListsKindAndNameWithAnExactCount) {
  const json s = nextStatus(json::object(), seen(reportWith(2)));
  EXPECT_EQ(s["unmanaged"], json::parse(R"({"count": 2, "items": [{"kind": "Trigger", "name": "object_1000"},
                                                                  {"kind": "View", "name": "object_1001"}]})"));
  // Not strict: unmanaged objects are reported, and the schema is still in sync.
  EXPECT_EQ(s["phase"], "InSync");
  EXPECT_EQ(conditionOf(s, "Ready")["status"], "True");
}

TEST(UnmanagedStatus, AnEmptySchemaSaysSoRatherThanLeavingTheFieldOut) {
  const json s = nextStatus(json::object(), seen(reportWith(0)));
  EXPECT_EQ(s["unmanaged"], json::parse(R"({"count": 0, "items": []})"));
}

TEST(UnmanagedStatus, TheListIsBoundedButTheCountIsExact) {
  const json s = nextStatus(json::object(), seen(reportWith(kMaxUnmanagedItems + 25)));
  EXPECT_EQ(s["unmanaged"]["count"], kMaxUnmanagedItems + 25);
  EXPECT_EQ(s["unmanaged"]["items"].size(), kMaxUnmanagedItems);
}

TEST(UnmanagedStatus, AStrictRefusalIsNotReadyWithReasonUnmanagedObjectsNamingAFew) {
  engine::Report r = reportWith(7, /*refused=*/true);
  r.remaining.drift = {change(schema::ChangeKind::AddColumn, "t.a", schema::Safety::Safe)};
  const json s = nextStatus(json::object(), seen(std::move(r)));
  EXPECT_EQ(s["phase"], "Error");
  const json ready = conditionOf(s, "Ready");
  EXPECT_EQ(ready["status"], "False");
  EXPECT_EQ(ready["reason"], "UnmanagedObjects");
  const std::string message = ready["message"];
  EXPECT_NE(message.find("7 objects"), std::string::npos) << message;
  EXPECT_NE(message.find("Trigger object_1000, View object_1001"), std::string::npos) << message;
  EXPECT_NE(message.find("and 2 more"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing is applied"), std::string::npos) << message;
  // What would run is still shown, and the database was reached.
  EXPECT_EQ(s["drift"]["count"], 1);
  EXPECT_EQ(conditionOf(s, "DatabaseReachable")["status"], "True");
}

TEST(UnmanagedStatus, AConnectionFailureKeepsTheLastKnownList) {
  const json before = nextStatus(json::object(), seen(reportWith(3)));
  Observation o;
  o.generation = 3;
  o.now = "2026-11-24T10:05:00Z";
  o.failure = Failure{FailureKind::ConnectionFailed, "cannot connect"};
  const json s = nextStatus(before, o);
  EXPECT_EQ(s["unmanaged"]["count"], 3);
}
