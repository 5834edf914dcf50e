// Faults on the real API server: connections cut (a proxy in front of it), a history compacted
// away in etcd (410 Gone), a status write that loses a race (409), SIGTERM in the middle of a
// reconcile. Faults a real server cannot make on demand (a stream cut mid-event, a 500 on the
// N-th request) are the client's and watcher's tests, through a fault proxy (tests/integration/kube).
#include <csignal>

#include "e2e_fixture.hpp"
#include "support/held_lock.hpp"

namespace e2e {

namespace {

const char* kTableSpec = R"(  connection: {secretRef: {name: shop-db, key: DATABASE_URL}}
  interval: 2s
  tables:
    - name: t
      columns:
        - {name: id, type: bigint}
)";

std::string withColumn(const std::string& spec, const std::string& column) {
  return spec + "        - {name: " + column + ", type: text}\n";
}

// Operator calls in the audit log: verb on resource[/subresource], with the response code.
size_t countCalls(const std::vector<json>& events, const std::string& verb, const std::string& resource, int code = 0) {
  size_t n = 0;
  for (const auto& e : events) {
    if (e["user"].value("username", "") != kOperatorUser || e.value("verb", "") != verb) continue;
    const json ref = e.value("objectRef", json::object());
    const std::string sub = ref.value("subresource", "");
    if (ref.value("resource", "") + (sub.empty() ? "" : "/" + sub) != resource) continue;
    if (code != 0 && e.value("responseStatus", json::object()).value("code", 0) != code) continue;
    ++n;
  }
  return n;
}

std::string columnCount(testsupport::PostgresServer& pg, const std::string& db, const std::string& column) {
  return pg.queryValue(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = '" +
                               column + "'");
}

}  // namespace

// Watches served from etcd rather than the API server's watch cache: the cache keeps its own
// history whatever etcd compacts, so only then does a compaction make an old resourceVersion
// answer 410 Gone, as it does for a client that was away longer than the history lasts.
class E2EWatchFromEtcdTest : public E2ETest {
 protected:
  static void TearDownTestSuite() { cluster_.reset(); }
  Cluster& cluster() override {
    if (!cluster_) cluster_ = std::make_unique<Cluster>(controlplane::ControlPlaneOptions{.watchCache = false});
    return *cluster_;
  }
  static std::unique_ptr<Cluster> cluster_;
};
std::unique_ptr<Cluster> E2EWatchFromEtcdTest::cluster_;

TEST_F(E2EWatchFromEtcdTest, CutConnectionsAndACompactedHistoryLoseNoChange) {
  secret("shop-db", pg().socketUrl(db_));
  proxy();
  startOperator();
  apply(schemaDoc("shop", kTableSpec));
  ASSERT_TRUE(waitReady("shop")) << operatorLogs();

  // Every connection cut, the watches' included: they resume, and the next change is seen.
  EXPECT_GE(proxy().dropConnections(), 1u);
  apply(schemaDoc("shop", withColumn(kTableSpec, "after_cut")));
  EXPECT_TRUE(testsupport::eventually([&] { return columnCount(pg(), db_, "after_cut") == "1"; }, 20s)) << operatorLogs();

  // Away while a change is made and etcd forgets the history before it: resuming the watch from
  // the last resourceVersion seen is answered 410 Gone, and a fresh list finds the change.
  const size_t listsBefore = countCalls(auditEventsOfThisTest(), "list", "databaseschemas");
  proxy().refuseConnections(true);
  proxy().dropConnections();
  apply(schemaDoc("shop", withColumn(withColumn(kTableSpec, "after_cut"), "after_gone")));
  // One write more, so the change's own revision is compacted too (a watch from the revision
  // before it starts at it; one that starts exactly at the compacted revision is still served).
  const auto later = kubectl({"create", "configmap", "later", "-n", ns_});
  ASSERT_EQ(later.exitCode, 0) << show(later);
  const long long compacted = cluster().plane().compactEtcd();
  std::cout << "[ measure ] etcd compacted to revision " << compacted << "\n";
  proxy().refuseConnections(false);
  EXPECT_TRUE(testsupport::eventually([&] { return columnCount(pg(), db_, "after_gone") == "1"; }, 30s)) << operatorLogs();
  EXPECT_TRUE(waitReady("shop"));
  EXPECT_GT(countCalls(auditEventsOfThisTest(), "list", "databaseschemas"), listsBefore)
      << "no re-list: the watch resumed without the 410 this test is about";
}

// An operator in the middle of a reconcile: a long read holds table t, so a change to it waits
// for the lock (status Ready False, reason WaitingForLock) until the test releases the reader.
class MidReconcileE2ETest : public E2ETest {
 protected:
  testsupport::BackgroundProcess& startWaitingForLock() {
    secret("shop-db", pg().socketUrl(db_));
    auto& op = startOperator({}, "first");
    apply(schemaDoc("shop", kTableSpec));
    EXPECT_TRUE(waitReady("shop")) << operatorLogs();
    reader_ = std::make_unique<testsupport::HeldLock>(pg().socketUrl(db_), "t", "ACCESS SHARE");
    apply(schemaDoc("shop", withColumn(kTableSpec, "note")));
    EXPECT_TRUE(testsupport::eventually([&] { return condition(get("shop"), "Ready", "reason") == "WaitingForLock"; }, 20s))
        << get("shop").dump(2) << operatorLogs();
    return op;
  }
  std::unique_ptr<testsupport::HeldLock> reader_;
};

TEST_F(MidReconcileE2ETest, AStatusWriteThatLosesARaceToAnotherWriterIsRedoneAfterTheConflict) {
  startWaitingForLock();
  ASSERT_FALSE(HasFailure());
  // Someone else writes the resource meanwhile: the resourceVersion the reconcile holds is stale.
  const auto annotated = kubectl({"annotate", "-n", ns_, "databaseschema/shop", "team=payments"});
  ASSERT_EQ(annotated.exitCode, 0) << show(annotated);
  reader_->release();

  EXPECT_TRUE(waitReady("shop")) << get("shop").dump(2) << operatorLogs();
  EXPECT_EQ(columnCount(pg(), db_, "note"), "1");
  EXPECT_GE(countCalls(auditEventsOfThisTest(), "update", "databaseschemas/status", 409), 1u)
      << "the API server never answered a status write with 409 Conflict";
  EXPECT_EQ(get("shop")["metadata"]["annotations"].value("team", ""), "payments");
}

TEST_F(MidReconcileE2ETest, SigtermWhileAStepWaitsForALockStopsCleanlyAndTheNextOperatorFinishes) {
  auto& first = startWaitingForLock();
  ASSERT_FALSE(HasFailure());
  const auto stopping = std::chrono::steady_clock::now();
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(15s), 0) << operatorLogs();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stopping);
  std::cout << "[ measure ] SIGTERM mid-reconcile -> exit: " << ms.count() << " ms\n";
  EXPECT_NE(first.output().find("stopped"), std::string::npos);
  EXPECT_EQ(columnCount(pg(), db_, "note"), "0") << "a stopped operator went on changing the database";

  reader_->release();
  startOperator({}, "second");
  EXPECT_TRUE(waitReady("shop")) << get("shop").dump(2) << operatorLogs();
  EXPECT_EQ(columnCount(pg(), db_, "note"), "1");
}

}  // namespace e2e
