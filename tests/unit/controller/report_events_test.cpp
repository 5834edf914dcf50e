// report_events.hpp: the Events an engine run is worth, as text.
#include "controller/report_events.hpp"

#include <gtest/gtest.h>

#include "unit/controller/changes.hpp"

using namespace controller;

namespace {

const ObjectRef kShop{"apps", "shop", "uid-1", "10"};

using controller::fixtures::change;

schema::Step step(schema::ChangeKind kind, const std::string& object, std::vector<std::string> statements) {
  schema::Step s;
  s.kind = kind;
  s.object = object;
  s.statements = std::move(statements);
  return s;
}

std::vector<std::string> reasons(const std::vector<EventNote>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.reason);
  return out;
}

}  // namespace

TEST(ReportEvents, AnInSyncCheckIsWorthNone) {
  EXPECT_TRUE(eventsFor(kShop, engine::Report{}, "", spec::Mode::Apply).empty());
}

TEST(ReportEvents, AppliedNamesTheChangesThatRanAndApplyFailedWhatRanBefore) {
  engine::Report report;
  report.plan.drift = {change(schema::ChangeKind::AddColumn, "t.note", schema::Safety::Safe),
                       change(schema::ChangeKind::CreateIndex, "t_note_idx", schema::Safety::Safe)};
  report.applied = {step(schema::ChangeKind::AddColumn, "t.note", {"ALTER TABLE a", "ALTER TABLE b"})};
  report.failure = pg::StepFailure{"t_note_idx", "CREATE INDEX t_note_idx ON t (note)", "canceling statement"};
  const auto events = eventsFor(kShop, report, "", spec::Mode::Apply);
  ASSERT_EQ(reasons(events), (std::vector<std::string>{"Applied", "ApplyFailed"}));
  EXPECT_FALSE(events[0].warning);
  EXPECT_EQ(events[0].message, "applied 1 change(s): AddColumn t.note");
  EXPECT_TRUE(events[1].warning);
  EXPECT_EQ(events[1].message,
            "t_note_idx: canceling statement (statement: CREATE INDEX t_note_idx ON t (note)); "
            "2 statements were applied before it");
  EXPECT_EQ(events[1].object.uid, "uid-1");
}

TEST(ReportEvents, APendingPlanIsNewsOnlyWhenItsHashIsNew) {
  engine::Report report;
  report.remaining.drift = {change(schema::ChangeKind::DropColumn, "t.old", schema::Safety::Destructive),
                            change(schema::ChangeKind::SetNotNull, "t.note", schema::Safety::Blocked, "3 rows are null")};
  report.remaining.destructive = 1;
  report.remaining.blocked = 1;
  report.remaining.hash = "sha256:ab";
  const auto events = eventsFor(kShop, report, "sha256:00", spec::Mode::Apply);
  ASSERT_EQ(reasons(events), (std::vector<std::string>{"DestructiveChangesPending", "Blocked"}));
  EXPECT_EQ(events[0].message,
            "DropColumn t.old wait for approval: kubectl annotate -n apps databaseschema shop "
            "dbschema.io/allow-destructive=sha256:ab --overwrite");
  EXPECT_EQ(events[1].message, "SetNotNull t.note: 3 rows are null");
  EXPECT_TRUE(eventsFor(kShop, report, "sha256:ab", spec::Mode::Apply).empty());
}

TEST(ReportEvents, ALongListIsCutAfterEightChanges) {
  engine::Report report;
  for (int i = 0; i < 10; ++i) {
    const std::string column = "t.c" + std::to_string(i);
    report.plan.drift.push_back(change(schema::ChangeKind::AddColumn, column, schema::Safety::Safe));
    report.applied.push_back(step(schema::ChangeKind::AddColumn, column, {"ALTER TABLE t"}));
  }
  const auto events = eventsFor(kShop, report, "", spec::Mode::Apply);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message,
            "applied 10 change(s): AddColumn t.c0, AddColumn t.c1, AddColumn t.c2, AddColumn t.c3, AddColumn t.c4, "
            "AddColumn t.c5, AddColumn t.c6, AddColumn t.c7, …");
}

TEST(ReportEvents, DriftInModePlanIsAnEventOncePerPlanHash) {
  engine::Report report;
  report.remaining.drift = {change(schema::ChangeKind::AddColumn, "t.note", schema::Safety::Safe),
                            change(schema::ChangeKind::DropColumn, "t.old", schema::Safety::Destructive)};
  report.remaining.destructive = 1;
  report.remaining.hash = "sha256:cd";
  const auto events = eventsFor(kShop, report, "", spec::Mode::Plan);
  // Approving would apply nothing in mode Plan, so the drift is reported instead of an approval.
  ASSERT_EQ(reasons(events), (std::vector<std::string>{"DriftDetected"}));
  EXPECT_TRUE(events[0].warning);
  EXPECT_EQ(events[0].message,
            "mode is Plan: 2 difference(s) found, not applied: AddColumn t.note, DropColumn t.old "
            "(plan sha256:cd; the statements are in status.plan)");
  EXPECT_TRUE(eventsFor(kShop, report, "sha256:cd", spec::Mode::Plan).empty()) << "a resync of the same plan";
  EXPECT_TRUE(eventsFor(kShop, engine::Report{}, "sha256:cd", spec::Mode::Plan).empty()) << "back in sync";
}
