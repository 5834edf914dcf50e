// What a platform team's monitoring sees: /metrics checked by promtool and scraped by a real
// Prometheus server, the kubelet's probes, and JSON logs.
#include <cstdio>
#include <fstream>

#include "e2e_fixture.hpp"

namespace e2e {

namespace {

const char* kSpec = R"(  connection:
    secretRef: {name: shop-db, key: DATABASE_URL}
  interval: 1s
  tables:
    - name: orders
      columns:
        - {name: id, type: bigint, identity: by-default}
        - {name: note, type: text}
      primaryKey: [id]
)";

std::string urlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// A Prometheus server scraping one target every second, its data in a folder of its own.
class PrometheusServer {
 public:
  PrometheusServer(const std::string& dir, unsigned short target) : port_(freePort()) {
    std::filesystem::create_directories(dir + "/data");
    std::ofstream(dir + "/prometheus.yml") << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                              "scrape_configs:\n  - job_name: schema-operator\n"
                                              "    static_configs: [{targets: ['127.0.0.1:"
                                           << target << "']}]\n";
    process_ = std::make_unique<testsupport::BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                                 "--storage.tsdb.path=" + dir + "/data",
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
        std::map<std::string, std::string>{}, dir + "/prometheus.log");
  }
  // The instant vector of a PromQL query (data.result), or null while the server cannot answer.
  json query(const std::string& promql) const {
    const auto [status, body] = httpGet(port_, "/api/v1/query?query=" + urlEncode(promql));
    if (status != 200) return nullptr;
    return json::parse(body)["data"]["result"];
  }
  std::string log() const { return process_->output(); }

 private:
  unsigned short port_;
  std::unique_ptr<testsupport::BackgroundProcess> process_;
};

double valueOf(const json& sample) { return std::stod(sample["value"][1].get<std::string>()); }

}  // namespace

TEST_F(E2ETest, MetricsPassPromtoolProbesAnswerAndADeletedResourceLeavesNoSeries) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator({"--log-format", "json"});
  // Ready once the caches synced; healthy from the start.
  EXPECT_TRUE(testsupport::eventually([&] { return httpGet(probePort(), "/readyz").first == 200; }, 10s));
  EXPECT_EQ(httpGet(probePort(), "/healthz").first, 200);
  apply(schemaDoc("shop", kSpec));
  ASSERT_TRUE(waitReady("shop"));

  const auto [status, scrape] = httpGet(metricsPort(), "/metrics");
  ASSERT_EQ(status, 200);
  const auto check = testsupport::runProcess({"/usr/bin/promtool", "check", "metrics"}, {}, scrape, 30s);
  EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
  const std::string labels = "{name=\"shop\",namespace=\"" + ns_ + "\"}";
  for (const std::string& line : std::vector<std::string>{"schema_operator_in_sync" + labels + " 1", "schema_operator_database_up" + labels + " 1",
                                 "schema_operator_destructive_pending" + labels + " 0", "schema_operator_leader 1",
                                 "schema_operator_build_info{version=\"0.1.0\"} 1"})
    EXPECT_NE(scrape.find(line + "\n"), std::string::npos) << line << "\n" << scrape;
  for (const char* name : {"schema_operator_changes_applied_total{change=\"CreateTable\"",
                           "schema_operator_reconcile_total{result=\"success\"}",
                           "schema_operator_reconcile_total{result=\"error\"} 0",
                           "schema_operator_reconcile_duration_seconds_bucket", "schema_operator_introspection_duration_seconds_count",
                           "schema_operator_last_check_timestamp_seconds" , "process_resident_memory_bytes", "process_cpu_seconds_total"})
    EXPECT_NE(scrape.find(name), std::string::npos) << name;
  // controller-runtime's queue and client series: the queue took the key and the status write was a PUT.
  for (const char* name : {"workqueue_adds_total{name=\"databaseschema\"}", "workqueue_depth{name=\"databaseschema\"}",
                           "workqueue_work_duration_seconds_count{name=\"databaseschema\"}",
                           "workqueue_retries_total{name=\"databaseschema\"}",
                           "workqueue_longest_running_processor_seconds{name=\"databaseschema\"}"})
    EXPECT_NE(scrape.find(name), std::string::npos) << name;
  bool putCounted = false;
  for (size_t at = scrape.find("\nrest_client_requests_total{code=\"200\""); at != std::string::npos && !putCounted;
       at = scrape.find("\nrest_client_requests_total{code=\"200\"", at + 1))
    putCounted = scrape.substr(at, scrape.find('\n', at + 1) - at).find("method=\"PUT\"") != std::string::npos;
  EXPECT_TRUE(putCounted) << scrape;

  const auto deleted = kubectl({"delete", "-n", ns_, "databaseschema/shop"});
  ASSERT_EQ(deleted.exitCode, 0) << deleted.err;
  EXPECT_TRUE(testsupport::eventually(
      [&] { return httpGet(metricsPort(), "/metrics").second.find("name=\"shop\"") == std::string::npos; }, 10s))
      << httpGet(metricsPort(), "/metrics").second;

  // One JSON object per line, each reconcile's lines carrying its id.
  std::istringstream lines(operators_.at(0)->output());
  int reconciled = 0;
  for (std::string line; std::getline(lines, line);) {
    const json entry = json::parse(line);  // throws (and fails the test) on a line that is not JSON
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("msg")) << line;
    if (entry["msg"] == "reconciled") {
      ++reconciled;
      EXPECT_EQ(entry.value("namespace", ""), ns_);
      EXPECT_EQ(entry.value("name", ""), "shop");
      EXPECT_FALSE(entry.value("reconcile_id", "").empty()) << line;
    }
  }
  EXPECT_GE(reconciled, 1);
}

TEST_F(E2ETest, PrometheusSeesDriftAndThenInSyncAfterTheFix) {
  secret("shop-db", pg().socketUrl(db_));
  startOperator();
  apply(schemaDoc("shop", kSpec));
  ASSERT_TRUE(waitReady("shop"));
  PrometheusServer prometheus(cluster().dir() + "/prometheus-" + ns_, metricsPort());
  const std::string selector = "{namespace=\"" + ns_ + "\",name=\"shop\"}";

  // A column added by hand: dropping it is destructive, so the drift stays and is reported.
  pg().exec(db_, "ALTER TABLE orders ADD COLUMN legacy text");
  json drift;
  ASSERT_TRUE(testsupport::eventually(
      [&] {
        drift = prometheus.query("schema_operator_drift_items" + selector);
        return drift.is_array() && !drift.empty();
      },
      30s))
      << prometheus.log();
  ASSERT_EQ(drift.size(), 1u) << drift.dump();
  EXPECT_EQ(drift[0]["metric"]["change"], "DropColumn");
  EXPECT_EQ(drift[0]["metric"]["class"], "destructive");
  EXPECT_EQ(valueOf(drift[0]), 1.0);
  const json pending = prometheus.query("schema_operator_destructive_pending" + selector);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(valueOf(pending[0]), 1.0);

  // Approved: the operator drops it, and Prometheus sees the resource in sync with no drift left.
  const auto approved = kubectl({"annotate", "-n", ns_, "databaseschema/shop", "dbschema.io/allow-destructive=true"});
  ASSERT_EQ(approved.exitCode, 0) << approved.err;
  EXPECT_TRUE(testsupport::eventually(
      [&] {
        const json inSync = prometheus.query("schema_operator_in_sync" + selector);
        return inSync.is_array() && inSync.size() == 1 && valueOf(inSync[0]) == 1.0 &&
               prometheus.query("schema_operator_drift_items" + selector).empty();
      },
      30s));
  const json applied = prometheus.query("schema_operator_changes_applied_total{change=\"DropColumn\"}");
  ASSERT_EQ(applied.size(), 1u) << applied.dump();
  EXPECT_EQ(valueOf(applied[0]), 1.0);
}

}  // namespace e2e
