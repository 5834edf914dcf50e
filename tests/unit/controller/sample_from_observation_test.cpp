#include "controller/sample_from_observation.hpp"

#include <gtest/gtest.h>

using namespace controller;

namespace {

schema::Change change(schema::ChangeKind kind, const std::string& object, schema::Safety safety) {
  schema::Change c;
  c.kind = kind;
  c.object = object;
  c.safety = safety;
  return c;
}

schema::Step step(schema::ChangeKind kind, const std::string& object) {
  schema::Step s;
  s.kind = kind;
  s.object = object;
  return s;
}

}  // namespace

TEST(ResourceSample, DriftLeftAfterTheCheckIsCountedByKindAndClass) {
  Observation o;
  o.report = engine::Report{};
  o.report->introspectionSeconds = 0.003;
  o.report->remaining.drift = {change(schema::ChangeKind::DropColumn, "orders.legacy", schema::Safety::Destructive),
                               change(schema::ChangeKind::DropColumn, "orders.other", schema::Safety::Destructive),
                               change(schema::ChangeKind::SetNotNull, "orders.note", schema::Safety::Blocked)};
  const auto s = sampleOf("apps", "shop", o, 1000);
  EXPECT_FALSE(s.inSync);
  EXPECT_EQ(s.databaseUp, true);
  EXPECT_EQ(s.destructivePending, 2);
  EXPECT_EQ((s.drift.at({"DropColumn", "destructive"})), 2);
  EXPECT_EQ((s.drift.at({"SetNotNull", "blocked"})), 1);
  EXPECT_EQ(s.drift.size(), 2u);
  EXPECT_EQ(s.checkedAt, 1000);
  EXPECT_EQ(s.introspectionSeconds, 0.003);
}

TEST(ResourceSample, AppliedChangesCountOnceEvenWhenTheyTakeSeveralSteps) {
  Observation o;
  o.report = engine::Report{};
  o.report->applied = {step(schema::ChangeKind::AddColumn, "orders.note"), step(schema::ChangeKind::AddColumn, "orders.note"),
                       step(schema::ChangeKind::AddColumn, "orders.total"), step(schema::ChangeKind::CreateIndex, "orders_idx")};
  const auto s = sampleOf("apps", "shop", o, 0);
  EXPECT_TRUE(s.inSync);
  EXPECT_EQ(s.applied.at("AddColumn"), 2);
  EXPECT_EQ(s.applied.at("CreateIndex"), 1);
}

TEST(ResourceSample, AFailedStepIsNotInSyncEvenWithNothingLeft) {
  Observation o;
  o.report = engine::Report{};
  o.report->failure = pg::StepFailure{};
  EXPECT_FALSE(sampleOf("apps", "shop", o, 0).inSync);
}

TEST(ResourceSample, TheDatabaseIsDownWhenItCannotBeReached) {
  Observation o;
  o.failure = Failure{FailureKind::ConnectionFailed, "refused"};
  auto s = sampleOf("apps", "shop", o, 0);
  EXPECT_EQ(s.databaseUp, false);
  EXPECT_FALSE(s.inSync);
  o.failure = Failure{FailureKind::SecretUnavailable, "no secret"};
  EXPECT_EQ(sampleOf("apps", "shop", o, 0).databaseUp, false);
  o.failure = Failure{FailureKind::InvalidSpec, "bad"};
  EXPECT_EQ(sampleOf("apps", "shop", o, 0).databaseUp, std::nullopt);
  o.failure = Failure{FailureKind::EngineFailed, "a declared type Postgres rejects"};
  EXPECT_EQ(sampleOf("apps", "shop", o, 0).databaseUp, true);
}

// Issue 16: the unmanaged objects' gauge counts them by kind, only when the catalog was read.
namespace {

Observation withUnmanaged(size_t n) {
  Observation o;
  o.report = engine::Report{};
  for (size_t i = 0; i < n; ++i) o.report->unmanaged.push_back({i % 3 == 0 ? "Trigger" : "View", "o" + std::to_string(i)});
  return o;
}

}  // namespace

TEST(UnmanagedSample, CountsByKindWhenTheCatalogWasReadAndNothingOtherwise) {
  const auto s = sampleOf("apps", "shop", withUnmanaged(5), 1000);
  ASSERT_TRUE(s.unmanaged.has_value());
  EXPECT_EQ(*s.unmanaged, (std::map<std::string, int>{{"Trigger", 2}, {"View", 3}}));

  Observation failed;
  failed.failure = Failure{FailureKind::ConnectionFailed, "cannot connect"};
  EXPECT_FALSE(sampleOf("apps", "shop", failed, 1000).unmanaged.has_value());
}
