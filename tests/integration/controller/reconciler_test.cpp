// The reconciler against a real PostgreSQL, with status and events captured in memory.
#include "controller/reconciler.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "metrics/operator_metrics.hpp"
#include "support/held_lock.hpp"
#include "support/postgres.hpp"

using controller::ConnectionPool;
using controller::EventNote;
using controller::ObjectRef;
using controller::Reconciler;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = pg().createDatabase("rec");
    setSecret(pg().socketUrl(db_));
    resource_ = {{"apiVersion", "dbschema.io/v1alpha1"},
                 {"kind", "DatabaseSchema"},
                 {"metadata", {{"name", "shop"}, {"namespace", "apps"}, {"uid", "uid-1"}, {"generation", 1},
                               {"resourceVersion", "10"}}},
                 {"spec", {{"connection", {{"secretRef", {{"name", "shop-db"}, {"key", "DATABASE_URL"}}}}},
                           {"interval", "1m"},
                           {"tables", json::array({{{"name", "t"},
                                                    {"columns", json::array({{{"name", "id"}, {"type", "bigint"}},
                                                                              {{"name", "note"}, {"type", "text"}}})},
                                                    {"primaryKey", json::array({"id"})}}})}}}};
    controller::ReconcilerOptions options;
    options.clock = &clock_;
    runtimeDirPath_ = ::testing::TempDir() + "/so-runtime-" + db_;
    auto runtimeDir = controller::RuntimeDir::use(runtimeDirPath_);
    ASSERT_TRUE(runtimeDir) << runtimeDir.error().describe();
    options.runtimeDir = *runtimeDir;
    options.apply.lockTimeout = std::chrono::milliseconds(1000);
    reconciler_ = std::make_unique<Reconciler>(
        pool_,
        [this](const std::string& ns, const std::string& name) -> core::Result<std::optional<json>> {
          if (secretReadFails_) return core::transient("connection refused");
          auto it = secrets_.find(ns + "/" + name);
          if (it == secrets_.end()) return std::optional<json>();
          return std::optional<json>(it->second);
        },
        [this](const ObjectRef& ref, const json& status) -> core::Result<std::string> {
          ++writes_;
          if (conflictNext_) {
            conflictNext_ = false;
            return core::Error{core::ErrorKind::Conflict, "the object has been modified", ""};
          }
          EXPECT_EQ(ref.name, "shop");
          // As the API server does: a write over another resourceVersion than the object's is a 409.
          if (ref.resourceVersion != resource_["metadata"].value("resourceVersion", ""))
            return core::Error{core::ErrorKind::Conflict, "stale resourceVersion " + ref.resourceVersion, ""};
          resource_["status"] = status;
          resource_["metadata"]["resourceVersion"] = std::to_string(std::stoll(ref.resourceVersion) + 1);
          statusWrites_.push_back(status);
          return resource_["metadata"]["resourceVersion"].get<std::string>();
        },
        [this](const EventNote& e) { events_.push_back(e); }, options);
  }

  static testsupport::PostgresServer& pg() { return testsupport::PostgresServer::shared(); }
  void setSecret(const std::string& url) {
    secrets_["apps/shop-db"] = {{"data", {{"DATABASE_URL", core::base64Encode(url)}}}};
  }
  // verify-full over TCP, the server's CA read from a Secret (rootCertRef).
  void verifyWithTheServersCaFromASecret() {
    secrets_["apps/shop-ca"] = {{"data", {{"ca.crt", core::base64Encode(slurp(pg().caCertFile()))}}}};
    setSecret(pg().tcpUrl(db_));
    resource_["spec"]["connection"]["sslMode"] = "verify-full";
    resource_["spec"]["connection"]["rootCertRef"] = {{"name", "shop-ca"}, {"key", "ca.crt"}};
  }
  controller::Outcome reconcile() { return reconciler_->reconcile(resource_); }
  json condition(const std::string& type) {
    for (const auto& c : resource_["status"]["conditions"])
      if (c["type"] == type) return c;
    return json();
  }
  bool hasEvent(const std::string& reason) {
    for (const auto& e : events_)
      if (e.reason == reason) return true;
    return false;
  }

  std::string db_;
  std::string runtimeDirPath_;
  json resource_;
  std::map<std::string, json> secrets_;
  ConnectionPool pool_;
  std::unique_ptr<Reconciler> reconciler_;
  std::vector<EventNote> events_;
  int writes_ = 0;
  std::vector<json> statusWrites_;  // every status written, in order
  bool conflictNext_ = false;
  bool secretReadFails_ = false;
  core::ManualClock clock_{std::chrono::system_clock::from_time_t(1795514400)};
};

}  // namespace

TEST_F(ReconcilerTest, AppliesReportsInSyncAndRequeuesAfterTheInterval) {
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed) << outcome.message;
  EXPECT_GE(outcome.requeueAfter.count(), 54000);
  EXPECT_LE(outcome.requeueAfter.count(), 66000);
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
  EXPECT_EQ(resource_["status"]["observedGeneration"], 1);
  EXPECT_EQ(resource_["status"]["appliedChanges"], 1);
  EXPECT_EQ(condition("Ready")["status"], "True");
  EXPECT_TRUE(hasEvent("Applied"));
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('t') IS NOT NULL"), "t");
}

TEST_F(ReconcilerTest, WritesStatusOnlyWhenSomethingChanged) {
  reconcile();
  EXPECT_EQ(writes_, 1);
  clock_.advance(std::chrono::seconds(10));
  reconcile();
  EXPECT_EQ(writes_, 1);  // same state, fresh enough
  clock_.advance(std::chrono::seconds(120));  // past the 1m interval: lastCheckedTime is refreshed
  reconcile();
  EXPECT_EQ(writes_, 2);
  pg().exec(db_, "ALTER TABLE t DROP COLUMN note");
  clock_.advance(std::chrono::seconds(1));
  reconcile();  // drift fixed: appliedChanges moves
  EXPECT_EQ(writes_, 3);
  EXPECT_EQ(resource_["status"]["appliedChanges"], 2);
}

TEST_F(ReconcilerTest, ModePlanReportsWithoutApplying) {
  resource_["spec"]["mode"] = "Plan";
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed);
  EXPECT_EQ(resource_["status"]["phase"], "Drifted");
  EXPECT_EQ(resource_["status"]["drift"]["count"], 1);
  EXPECT_EQ(condition("Drifted")["status"], "True");
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('t') IS NULL"), "t");
}

TEST_F(ReconcilerTest, ModePlanSaysWhatDriftedInOneEventPerPlan) {
  resource_["spec"]["mode"] = "Plan";
  reconcile();
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].reason, "DriftDetected");
  EXPECT_NE(events_[0].message.find("CreateTable t"), std::string::npos) << events_[0].message;
  const std::string hash = resource_["status"]["plan"]["hash"];
  EXPECT_NE(events_[0].message.find(hash), std::string::npos) << events_[0].message;
  clock_.advance(std::chrono::minutes(2));  // a resync past the interval: the same plan is not news
  reconcile();
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(ReconcilerTest, DestructiveChangesWaitForTheAnnotatedPlanHash) {
  reconcile();
  pg().exec(db_, "ALTER TABLE t ADD COLUMN legacy text");
  reconcile();
  EXPECT_EQ(resource_["status"]["phase"], "Drifted");
  EXPECT_EQ(condition("DestructiveChangesPending")["status"], "True");
  EXPECT_TRUE(hasEvent("DestructiveChangesPending"));
  const std::string hash = resource_["status"]["plan"]["hash"];
  EXPECT_NE(events_.back().message.find("kubectl annotate -n apps databaseschema shop dbschema.io/allow-destructive=" +
                                        hash + " --overwrite"),
            std::string::npos)
      << events_.back().message;
  resource_["metadata"]["annotations"] = {{"dbschema.io/allow-destructive", hash}};
  reconcile();
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'legacy'"), "0");
}

TEST_F(ReconcilerTest, AMissingSecretIsReportedAndRetried) {
  secrets_.clear();
  const auto outcome = reconcile();
  EXPECT_TRUE(outcome.failed);
  EXPECT_EQ(resource_["status"]["phase"], "Error");
  EXPECT_EQ(condition("DatabaseReachable")["status"], "False");
  EXPECT_EQ(condition("DatabaseReachable")["reason"], "SecretUnavailable");
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("apps/shop-db"), std::string::npos);
}

TEST_F(ReconcilerTest, ASecretThatCannotBeReadIsReportedAndRetried) {
  secretReadFails_ = true;
  const auto outcome = reconcile();
  EXPECT_TRUE(outcome.failed);
  EXPECT_EQ(condition("DatabaseReachable")["reason"], "SecretUnavailable");
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("apps/shop-db could not be read: connection refused"),
            std::string::npos)
      << condition("Ready");
  secretReadFails_ = false;
  EXPECT_FALSE(reconcile().failed);
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
}

TEST_F(ReconcilerTest, AWrongPasswordIsReportedWithoutItAndACorrectedSecretHeals) {
  setSecret(pg().tcpUrl(db_, "wrong-Secret-123"));
  resource_["spec"]["connection"]["sslMode"] = "require";
  const auto failed = reconcile();
  EXPECT_TRUE(failed.failed);
  EXPECT_EQ(condition("DatabaseReachable")["status"], "False");
  EXPECT_EQ(condition("DatabaseReachable")["reason"], "ConnectionFailed");
  const std::string message = condition("DatabaseReachable")["message"];
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_EQ(resource_.dump().find("wrong-Secret-123"), std::string::npos);
  for (const auto& e : events_) EXPECT_EQ(e.message.find("wrong-Secret-123"), std::string::npos);

  setSecret(pg().tcpUrl(db_));
  const auto healed = reconcile();
  EXPECT_FALSE(healed.failed) << healed.message;
  EXPECT_EQ(condition("DatabaseReachable")["status"], "True");
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
  EXPECT_EQ(resource_.dump().find(testsupport::kPassword), std::string::npos);
}

TEST_F(ReconcilerTest, ARootCertificateFromASecretVerifiesTheServer) {
  verifyWithTheServersCaFromASecret();
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed) << outcome.message;
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
}

TEST_F(ReconcilerTest, TheStricterOfTheDocumentsAndTheUrlsTlsModeWins) {
  // The Secret's URL asks for verify-full, the document for require: verify-full, and there is no
  // CA to verify the server with.
  setSecret(pg().tcpUrl(db_) + "?sslmode=verify-full&sslrootcert=" + pg().socketDir() + "/no-such-root.crt");
  resource_["spec"]["connection"]["sslMode"] = "require";
  const auto strict = reconcile();
  EXPECT_TRUE(strict.failed);
  const std::string message = condition("DatabaseReachable")["message"];
  EXPECT_NE(message.find("TLS verification failed"), std::string::npos) << message;

  // Both weaker than verify-full: the stricter, require, connects.
  setSecret(pg().tcpUrl(db_) + "?sslmode=disable");
  clock_.advance(std::chrono::seconds(60));
  const auto weaker = reconcile();
  EXPECT_FALSE(weaker.failed) << weaker.message;
  EXPECT_EQ(pg().queryValue(db_, "SELECT bool_and(ssl)::text FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) "
                                 "WHERE application_name = 'schema-operator' AND datname = current_database()"),
            "true");
}

TEST_F(ReconcilerTest, FilesAlreadyInTheRuntimeDirectoryAreNeitherTrustedNorFollowed) {
  const std::string pem = slurp(pg().caCertFile());
  const std::string hash = core::sha256Hex(pem).substr(0, 16);
  // Planted where the CA file would go: a file that is not the CA, and symlinks (one dangling)
  // to a file outside the directory that writing through them would overwrite.
  const std::string outside = runtimeDirPath_ + "-outside";
  std::ofstream(outside) << "outside\n";
  std::ofstream(runtimeDirPath_ + "/ca-" + hash + ".crt") << "not the CA\n";
  ASSERT_EQ(::symlink(outside.c_str(), (runtimeDirPath_ + "/ca-" + hash + "-1.crt").c_str()), 0);
  ASSERT_EQ(::symlink(outside.c_str(), (runtimeDirPath_ + "/ca-" + hash + ".crt.tmp").c_str()), 0);
  ASSERT_EQ(::symlink((runtimeDirPath_ + "-nowhere").c_str(), (runtimeDirPath_ + "/ca-" + hash + "-2.crt").c_str()), 0);

  verifyWithTheServersCaFromASecret();
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed) << outcome.message;
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
  EXPECT_EQ(slurp(runtimeDirPath_ + "/ca-" + hash + ".crt"), "not the CA\n");
  EXPECT_EQ(slurp(outside), "outside\n");
  EXPECT_FALSE(std::filesystem::exists(runtimeDirPath_ + "-nowhere"));
  // The one it wrote is its own, 0600, and holds the CA.
  const std::string own = runtimeDirPath_ + "/ca-" + hash + "-3.crt";
  EXPECT_EQ(slurp(own), pem);
  EXPECT_EQ(std::filesystem::status(own).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(ReconcilerTest, AConnectionTheServerClosedIsReportedInPlainWordsAndThenReplaced) {
  setSecret(pg().tcpUrl(db_) + "?sslmode=require");
  ASSERT_FALSE(reconcile().failed);  // the pool keeps the connection for the next check
  pg().exec("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ + "'");
  clock_.advance(std::chrono::seconds(60));
  const auto lost = reconcile();
  EXPECT_TRUE(lost.failed);
  const std::string message = condition("DatabaseReachable")["message"];
  EXPECT_NE(message.find("the database closed the connection"), std::string::npos) << message;
  for (const std::string& text : {message, lost.message}) {
    EXPECT_EQ(text.find("encoding"), std::string::npos) << text;
    EXPECT_EQ(text.find("not connected"), std::string::npos) << text;
  }
  for (const auto& e : events_) EXPECT_EQ(e.message.find("encoding"), std::string::npos) << e.message;
  EXPECT_EQ(resource_.dump().find(testsupport::kPassword), std::string::npos);

  clock_.advance(std::chrono::seconds(60));
  const auto healed = reconcile();
  EXPECT_FALSE(healed.failed) << healed.message;
  EXPECT_EQ(condition("DatabaseReachable")["status"], "True");
}

TEST_F(ReconcilerTest, AnInvalidSpecIsReportedAndNotRetried) {
  resource_["spec"]["tables"][0]["foreignKeys"] =
      json::array({{{"columns", json::array({"id"})}, {"references", {{"table", "nowhere"}, {"columns", json::array({"id"})}}}}});
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed);
  EXPECT_EQ(outcome.requeueAfter.count(), 0);
  EXPECT_EQ(resource_["status"]["phase"], "Error");
  EXPECT_EQ(condition("Ready")["reason"], "InvalidSpec");
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("spec.tables[0].foreignKeys[0]"), std::string::npos)
      << condition("Ready")["message"];
  EXPECT_TRUE(hasEvent("InvalidSpec"));
}

TEST_F(ReconcilerTest, AStatusConflictIsRetried) {
  conflictNext_ = true;
  const auto outcome = reconcile();
  EXPECT_TRUE(outcome.failed);
  EXPECT_NE(outcome.message.find("modified"), std::string::npos);
}

TEST_F(ReconcilerTest, ConnectionsAreReusedPerDatabase) {
  reconcile();
  clock_.advance(std::chrono::seconds(1));
  reconcile();
  EXPECT_EQ(pool_.open(), 1u);
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                                 "application_name = 'schema-operator'"),
            "1");
}

TEST_F(ReconcilerTest, SqlSmuggledIntoADefaultIsAnInvalidSpecAndDropsNothing) {
  reconcile();  // t (id, note) exists
  pg().exec(db_, "INSERT INTO t VALUES (1, 'keep')");
  resource_["metadata"]["generation"] = 2;
  resource_["spec"]["tables"][0]["columns"].push_back(
      {{"name", "x"}, {"type", "integer"}, {"default", "0, DROP COLUMN note"}});
  reconcile();
  EXPECT_EQ(condition("Ready")["reason"], "InvalidSpec");
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("spec.tables[0].columns[2].default"),
            std::string::npos)
      << condition("Ready")["message"];
  EXPECT_EQ(pg().queryValue(db_, "SELECT note FROM t WHERE id = 1"), "keep");
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'x'"),
            "0");
}

TEST_F(ReconcilerTest, ASecondResourceOnAClaimedSchemaIsAnOwnershipConflictAndAppliesNothing) {
  ASSERT_FALSE(reconcile().failed);
  ASSERT_EQ(condition("Ready")["status"], "True");
  // Another resource (another team's namespace), same database and schema, another table.
  resource_["metadata"]["namespace"] = "billing";
  resource_["metadata"]["uid"] = "uid-2";
  secrets_["billing/shop-db"] = secrets_["apps/shop-db"];
  resource_["spec"]["tables"][0]["name"] = "other";
  resource_.erase("status");
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed) << "re-checked at the interval, not backed off";
  EXPECT_GT(outcome.requeueAfter.count(), 0);
  EXPECT_EQ(condition("Ready")["status"], "False");
  EXPECT_EQ(condition("Ready")["reason"], "OwnershipConflict");
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("DatabaseSchema apps/shop (uid uid-1)"), std::string::npos)
      << condition("Ready")["message"];
  EXPECT_TRUE(hasEvent("OwnershipConflict"));
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('other') IS NULL"), "t");

  // The owner is deleted: its claim is released, and the other resource takes the schema.
  reconciler_->forget("apps", "shop");
  EXPECT_FALSE(reconcile().failed);
  EXPECT_EQ(condition("Ready")["status"], "True") << resource_["status"].dump(2);
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('other') IS NOT NULL"), "t");
}

TEST_F(ReconcilerTest, AnApplyThatStopsAtAnErrorKeepsWhatRanInStatusAndTheEvent) {
  // The table is created; its seed row breaks the table's check, so the seed step fails after it.
  resource_["spec"]["tables"][0]["checks"] = json::array({{{"name", "t_id_positive"}, {"expression", "id > 0"}}});
  resource_["spec"]["seed"] = json::array({{{"table", "t"}, {"rows", json::array({{{"id", -1}}})}}});
  const auto outcome = reconcile();
  EXPECT_TRUE(outcome.failed);
  EXPECT_EQ(resource_["status"]["phase"], "Error");
  const json& last = resource_["status"]["lastApply"];
  ASSERT_TRUE(last.is_object()) << resource_["status"].dump(2);
  EXPECT_GE(last["statementCount"].get<int>(), 1);
  EXPECT_NE(last["statements"][0].get<std::string>().find("CREATE TABLE"), std::string::npos) << last.dump(2);
  EXPECT_NE(last["failure"]["statement"].get<std::string>().find("INSERT"), std::string::npos) << last.dump(2);
  EXPECT_NE(condition("Ready")["message"].get<std::string>().find("applied before it"), std::string::npos);
  bool said = false;
  for (const auto& e : events_)
    if (e.reason == "ApplyFailed") said = e.message.find("applied before it") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('t') IS NOT NULL"), "t");
}

using testsupport::HeldLock;

TEST_F(ReconcilerTest, AStepWaitingForALockSaysSoInStatusAndAnEventThenApplies) {
  pg().exec(db_, "CREATE TABLE t (id bigint PRIMARY KEY)");
  HeldLock reader(pg().socketUrl(db_), "t", "ACCESS SHARE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    reader.release();
  });
  const auto outcome = reconcile();
  release.join();
  EXPECT_FALSE(outcome.failed) << outcome.message;

  // While it waited: phase Applying, Ready False with reason WaitingForLock naming the holder.
  const json* waiting = nullptr;
  for (const auto& s : statusWrites_)
    if (s.value("phase", "") == "Applying") waiting = &s;
  ASSERT_NE(waiting, nullptr) << json(statusWrites_).dump(2);
  json ready;
  for (const auto& c : (*waiting)["conditions"])
    if (c["type"] == "Ready") ready = c;
  EXPECT_EQ(ready["status"], "False");
  EXPECT_EQ(ready["reason"], "WaitingForLock");
  const std::string holder = "pid " + std::to_string(reader.pid()) + " (application \"nightly-report\", holding ACCESS SHARE";
  EXPECT_NE(ready["message"].get<std::string>().find(holder), std::string::npos) << ready.dump();
  EXPECT_NE(ready["message"].get<std::string>().find("needs ACCESS EXCLUSIVE on \"public\".\"t\""), std::string::npos);
  bool event = false;
  for (const auto& e : events_)
    if (e.reason == "WaitingForLock") event = e.message.find(holder) != std::string::npos;
  EXPECT_TRUE(event);

  // Then the outcome replaced it, written over the waiting write (no conflict with itself).
  EXPECT_EQ(resource_["status"]["phase"], "InSync") << resource_["status"].dump(2);
  EXPECT_EQ(condition("Ready")["reason"], "InSync");
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
                                 "column_name = 'note'"),
            "1");
}

TEST_F(ReconcilerTest, TheResourcesRetryBudgetBoundsTheWaitAndTheErrorNamesTheHolder) {
  pg().exec(db_, "CREATE TABLE t (id bigint PRIMARY KEY)");
  resource_["spec"]["apply"] = {{"lockTimeout", "100ms"}, {"lockRetryBudget", "1s"}};
  HeldLock migration(pg().socketUrl(db_), "t", "ACCESS EXCLUSIVE");
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = reconcile();
  const auto took = std::chrono::steady_clock::now() - started;
  migration.release();
  EXPECT_TRUE(outcome.failed);
  EXPECT_GE(took, std::chrono::seconds(1));
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(resource_["status"]["phase"], "Error");
  const std::string message = condition("Ready")["message"].get<std::string>();
  EXPECT_NE(message.find("within the lock retry budget: tried for 1."), std::string::npos) << message;
  EXPECT_NE(message.find("pid " + std::to_string(migration.pid()) + " (application \"nightly-report\""),
            std::string::npos)
      << message;
}

// Issue 16: objects of kinds the resource does not manage are listed in status.unmanaged and in
// the gauge's sample, and never touched.
TEST_F(ReconcilerTest, UnmanagedObjectsAreInStatusAndTheGaugeAndTheSchemaIsStillInSync) {
  pg().exec(db_, "CREATE TABLE t (id bigint PRIMARY KEY, note text); CREATE STATISTICS t_stats ON id, note FROM t;"
                 "CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING");
  const auto outcome = reconcile();
  EXPECT_FALSE(outcome.failed) << outcome.message;
  EXPECT_EQ(resource_["status"]["phase"], "InSync") << resource_["status"].dump(2);
  EXPECT_EQ(resource_["status"]["unmanaged"], json::parse(R"({"count": 2, "items": [
      {"kind": "Rule", "name": "t.t_keep"}, {"kind": "Statistics", "name": "t_stats"}]})"));
  metrics::OperatorMetrics metrics("test");
  metrics.resourceChecked(outcome.sample);
  std::string text;
  metrics.appendExposition(text);
  EXPECT_NE(text.find("schema_operator_unmanaged_objects{kind=\"Rule\",name=\"shop\",namespace=\"apps\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("schema_operator_unmanaged_objects{kind=\"Statistics\",name=\"shop\",namespace=\"apps\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(pg().queryValue(db_, "SELECT count(*) FROM pg_rewrite WHERE rulename = 't_keep'"), "1");
}

// spec.strict: nothing is applied, Ready is False with reason UnmanagedObjects, and the check is
// not an error to back off from (a person must act; the next check sees it).
TEST_F(ReconcilerTest, StrictRefusesWithReasonUnmanagedObjectsUntilTheyAreGone) {
  pg().exec(db_, "CREATE COLLATION leftover FROM \"C\"");
  resource_["spec"]["strict"] = true;
  const auto refused = reconcile();
  EXPECT_FALSE(refused.failed) << refused.message;
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('t') IS NULL"), "t");
  EXPECT_EQ(resource_["status"]["phase"], "Error");
  EXPECT_EQ(condition("Ready")["status"], "False");
  EXPECT_EQ(condition("Ready")["reason"], "UnmanagedObjects");
  const std::string message = condition("Ready")["message"];
  EXPECT_NE(message.find("Collation leftover"), std::string::npos) << message;
  EXPECT_EQ(resource_["status"]["drift"]["count"], 1);  // the table it would create
  EXPECT_EQ(resource_["status"]["unmanaged"]["count"], 1);

  pg().exec(db_, "DROP COLLATION leftover");
  clock_.advance(std::chrono::seconds(1));
  reconcile();
  EXPECT_EQ(pg().queryValue(db_, "SELECT to_regclass('t') IS NOT NULL"), "t");
  EXPECT_EQ(resource_["status"]["phase"], "InSync");
  EXPECT_EQ(condition("Ready")["reason"], "InSync");
  EXPECT_EQ(resource_["status"]["unmanaged"]["count"], 0);
}
