#include "metrics/operator_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "metrics/process_metrics.hpp"

namespace {

std::string scrape(const metrics::OperatorMetrics& m) {
  std::string text;
  m.appendExposition(text);
  return text;
}

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

metrics::ResourceSample drifted() {
  metrics::ResourceSample s;
  s.ns = "apps";
  s.name = "shop";
  s.databaseUp = true;
  s.drift[{"AddColumn", "safe"}] = 2;
  s.drift[{"DropColumn", "destructive"}] = 1;
  s.destructivePending = 1;
  s.checkedAt = 1795535737;
  s.introspectionSeconds = 0.004;
  return s;
}

}  // namespace

TEST(OperatorMetrics, CountersAndBuildInfoExistBeforeAnyReconcile) {
  metrics::OperatorMetrics m("1.2.3");
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, R"(schema_operator_reconcile_total{result="success"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_reconcile_total{result="error"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_build_info{version="1.2.3"} 1)")) << text;
  EXPECT_TRUE(has(text, "schema_operator_leader 0")) << text;
  EXPECT_TRUE(has(text, "schema_operator_reconcile_duration_seconds_count 0")) << text;
}

TEST(OperatorMetrics, AResourceCheckSetsItsGaugesByChangeAndClass) {
  metrics::OperatorMetrics m("0");
  m.resourceChecked(drifted());
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, R"(schema_operator_in_sync{name="shop",namespace="apps"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_drift_items{change="AddColumn",class="safe",name="shop",namespace="apps"} 2)"))
      << text;
  EXPECT_TRUE(has(text,
                  R"(schema_operator_drift_items{change="DropColumn",class="destructive",name="shop",namespace="apps"} 1)"))
      << text;
  EXPECT_TRUE(has(text, R"(schema_operator_destructive_pending{name="shop",namespace="apps"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_database_up{name="shop",namespace="apps"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_last_check_timestamp_seconds{name="shop",namespace="apps"} 1795535737)")) << text;
  EXPECT_TRUE(has(text, "schema_operator_introspection_duration_seconds_count 1")) << text;
}

TEST(OperatorMetrics, FixedDriftLosesItsSeriesAndAppliedChangesCount) {
  metrics::OperatorMetrics m("0");
  m.resourceChecked(drifted());
  metrics::ResourceSample fixed = drifted();
  fixed.drift = {{{"DropColumn", "destructive"}, 1}};
  fixed.applied = {{"AddColumn", 2}};
  m.resourceChecked(fixed);
  fixed.drift.clear();
  fixed.destructivePending = 0;
  fixed.inSync = true;
  fixed.applied = {{"DropColumn", 1}, {"AddColumn", 1}};
  m.resourceChecked(fixed);
  const std::string text = scrape(m);
  EXPECT_EQ(text.find("schema_operator_drift_items{"), std::string::npos) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_in_sync{name="shop",namespace="apps"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_changes_applied_total{change="AddColumn",name="shop",namespace="apps"} 3)"))
      << text;
  EXPECT_TRUE(has(text, R"(schema_operator_changes_applied_total{change="DropColumn",name="shop",namespace="apps"} 1)"))
      << text;
}

TEST(OperatorMetrics, ADeletedResourceLeavesNoSeries) {
  metrics::OperatorMetrics m("0");
  m.resourceChecked(drifted());
  metrics::ResourceSample other = drifted();
  other.name = "inventory";
  m.resourceChecked(other);
  m.resourceGone("apps", "shop");
  const std::string text = scrape(m);
  EXPECT_EQ(text.find(R"(name="shop")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(name="inventory")"), std::string::npos) << text;
  m.resourceGone("apps", "never-seen");  // harmless
}

TEST(OperatorMetrics, AnUnknownDatabaseStateIsNotReportedAsDown) {
  metrics::OperatorMetrics m("0");
  metrics::ResourceSample s;
  s.ns = "apps";
  s.name = "no-secret";
  m.resourceChecked(s);
  const std::string text = scrape(m);
  EXPECT_EQ(text.find("schema_operator_database_up{"), std::string::npos) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_in_sync{name="no-secret",namespace="apps"} 0)")) << text;
}

TEST(OperatorMetrics, ReconcilesAreCountedByResultAndLeadershipFollows) {
  metrics::OperatorMetrics m("0");
  m.reconcileFinished(true, 0.02);
  m.reconcileFinished(false, 0.5);
  m.reconcileFinished(true, 0.01);
  m.setLeader(true);
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, R"(schema_operator_reconcile_total{result="success"} 2)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_reconcile_total{result="error"} 1)")) << text;
  EXPECT_TRUE(has(text, "schema_operator_reconcile_duration_seconds_count 3")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_reconcile_duration_seconds_bucket{le="0.025"} 2)")) << text;
  EXPECT_TRUE(has(text, "schema_operator_leader 1")) << text;
}

TEST(ProcessMetrics, ParsesProcStatAfterACommandNameWithSpaces) {
  // Fields from 3 on; utime=150 stime=50 (field 14, 15), starttime=1000 (22), vsize (23), rss pages (24).
  std::string stat = "4242 (schema operator) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 5 0 1000 "
                     "123456789 2000 18446744073709551615";
  const auto s = metrics::parseProcStat(stat, 100, 4096, 1700000000);
  EXPECT_DOUBLE_EQ(s.cpuSeconds, 2.0);
  EXPECT_DOUBLE_EQ(s.startTimeSeconds, 1700000010.0);
  EXPECT_DOUBLE_EQ(s.virtualBytes, 123456789.0);
  EXPECT_DOUBLE_EQ(s.residentBytes, 2000.0 * 4096);
  EXPECT_DOUBLE_EQ(metrics::parseProcStat("garbage", 100, 4096, 0).cpuSeconds, 0.0);
}

TEST(ProcessMetrics, TheCollectorReadsThisProcess) {
  const auto families = metrics::ProcessCollector().Collect();
  std::map<std::string, double> values;
  for (const auto& f : families)
    values[f.name] = f.type == prometheus::MetricType::Counter ? f.metric.at(0).counter.value : f.metric.at(0).gauge.value;
  EXPECT_GT(values.at("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(values.at("process_open_fds"), 2);
  EXPECT_GT(values.at("process_start_time_seconds"), 1.6e9);
  EXPECT_GE(values.at("process_cpu_seconds_total"), 0);
}

// Issue 16: schema_operator_unmanaged_objects{namespace,name,kind}.
namespace {

metrics::ResourceSample checked(std::optional<std::map<std::string, int>> unmanaged) {
  metrics::ResourceSample s;
  s.ns = "apps";
  s.name = "shop";
  s.databaseUp = true;
  s.checkedAt = 1795535737;
  s.unmanaged = std::move(unmanaged);
  return s;
}

}  // namespace

TEST(UnmanagedObjectsGauge, OneSeriesPerKindPresentWithItsCount) {
  metrics::OperatorMetrics m("1.2.3");
  m.resourceChecked(checked(std::map<std::string, int>{{"View", 2}, {"Trigger", 1}}));
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, "# TYPE schema_operator_unmanaged_objects gauge")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_unmanaged_objects{kind="Trigger",name="shop",namespace="apps"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(schema_operator_unmanaged_objects{kind="View",name="shop",namespace="apps"} 2)")) << text;
}

TEST(UnmanagedObjectsGauge, AKindWhoseObjectsAreGoneLosesItsSeries) {
  metrics::OperatorMetrics m("1.2.3");
  m.resourceChecked(checked(std::map<std::string, int>{{"View", 2}, {"Trigger", 1}}));
  m.resourceChecked(checked(std::map<std::string, int>{{"View", 1}}));
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, R"(schema_operator_unmanaged_objects{kind="View",name="shop",namespace="apps"} 1)")) << text;
  EXPECT_EQ(text.find(R"(schema_operator_unmanaged_objects{kind="Trigger")"), std::string::npos) << text;
}

// A check that could not read the catalog says nothing new about the schema's objects.
TEST(UnmanagedObjectsGauge, ACheckThatDidNotReadTheCatalogKeepsTheLastCounts) {
  metrics::OperatorMetrics m("1.2.3");
  m.resourceChecked(checked(std::map<std::string, int>{{"Rule", 3}}));
  auto outage = checked(std::nullopt);
  outage.databaseUp = false;
  m.resourceChecked(outage);
  EXPECT_TRUE(has(scrape(m), R"(schema_operator_unmanaged_objects{kind="Rule",name="shop",namespace="apps"} 3)"));
}

TEST(UnmanagedObjectsGauge, SeriesGoWithTheResource) {
  metrics::OperatorMetrics m("1.2.3");
  m.resourceChecked(checked(std::map<std::string, int>{{"View", 2}}));
  m.resourceGone("apps", "shop");
  const std::string text = scrape(m);
  EXPECT_TRUE(has(text, "# TYPE schema_operator_unmanaged_objects gauge")) << text;
  EXPECT_EQ(text.find("schema_operator_unmanaged_objects{"), std::string::npos) << text;
}
