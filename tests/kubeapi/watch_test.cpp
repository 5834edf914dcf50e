// kubectl get -w against the server (contract §5.7, §6, §11): Table watches whose rows follow the
// changes, JSON watch events, and the end of the stream ending kubectl.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Watch : public NamespaceSuite<Watch> {
 public:
  static bool withShop() { return true; }
};

// The JSON documents kubectl writes one after another (one a line, or pretty-printed).
std::vector<json> jsonDocuments(const std::string& text) {
  std::vector<json> out;
  std::string doc;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // an incomplete last line
    doc += text.substr(pos, nl - pos + 1);
    pos = nl + 1;
    if (json::accept(doc)) {
      out.push_back(json::parse(doc));
      doc.clear();
    }
  }
  return out;
}

TEST_F(Watch, GetWatchPrintsChangesAndEndsWithTheStream) {
  auto w = cluster().kubectlBackground({"-n", ns_, "get", "dbs", "-w"});
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0 && w->out().find("shop") != std::string::npos; }))
      << w->out() << w->err();
  EXPECT_EQ(tableHeader(w->out()), (std::vector<std::string>{"NAME", "PHASE", "DRIFT", "DESTRUCTIVE", "MODE", "AGE"}));

  auto st = kubectl({"-n", ns_, "patch", "dbs", "shop", "--subresource=status", "--type=merge", "-p",
                     R"({"status":{"phase":"Drifted","drift":{"count":2}}})"});
  ASSERT_EQ(st.exitCode, 0) << st.describe();
  auto created = kubectl({"apply", "-f", "-"}, schemaDoc("inventory", ns_, "  mode: Plan\n"));
  ASSERT_EQ(created.exitCode, 0) << created.describe();
  ASSERT_TRUE(eventually([&] { return w->out().find("inventory") != std::string::npos; })) << w->out();
  const std::string out = w->out();
  const size_t drifted = out.find("Drifted");
  ASSERT_NE(drifted, std::string::npos) << out;
  const std::string line = out.substr(out.rfind('\n', drifted) + 1, out.find('\n', drifted) - out.rfind('\n', drifted) - 1);
  EXPECT_EQ(line.rfind("shop ", 0), 0u) << line;
  EXPECT_NE(line.find(" 2 "), std::string::npos) << line;
  EXPECT_TRUE(w->running());

  // kubectl get -w does not re-watch: the stream's end is its end.
  cluster().server().dropWatches();
  auto r = w->wait(10s);
  EXPECT_FALSE(r.timedOut);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(cluster().server().openWatches(), 0u);
}

TEST_F(Watch, JsonWatchEventsCarryTypeAndObject) {
  auto w = cluster().kubectlBackground({"-n", ns_, "get", "dbs", "-w", "-o", "json", "--output-watch-events"});
  ASSERT_TRUE(eventually([&] { return cluster().server().openWatches() > 0 && !jsonDocuments(w->out()).empty(); }))
      << w->out() << w->err();

  ASSERT_EQ(kubectl({"apply", "-f", "-"}, schemaDoc("inventory", ns_)).exitCode, 0);
  ASSERT_EQ(kubectl({"-n", ns_, "label", "dbs", "inventory", "tier=gold"}).exitCode, 0);
  ASSERT_EQ(kubectl({"-n", ns_, "delete", "dbs", "inventory"}).exitCode, 0);
  ASSERT_TRUE(eventually([&] { return jsonDocuments(w->out()).size() >= 4; })) << w->out();

  auto events = jsonDocuments(w->out());
  ASSERT_EQ(events.size(), 4u) << w->out();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"ADDED", "shop"}, {"ADDED", "inventory"}, {"MODIFIED", "inventory"}, {"DELETED", "inventory"}};
  std::string lastRv = "0";
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(events[i]["type"], expected[i].first) << events[i].dump();
    const json& object = events[i]["object"];
    EXPECT_EQ(object["kind"], "DatabaseSchema");
    EXPECT_EQ(object["metadata"]["name"], expected[i].second);
    // Every event carries the resourceVersion of its change, ever growing.
    const std::string rv = object["metadata"]["resourceVersion"];
    EXPECT_GT(std::stoull(rv), std::stoull(lastRv));
    lastRv = rv;
  }
  EXPECT_EQ(events[2]["object"]["metadata"]["labels"]["tier"], "gold");

  cluster().server().dropWatches();
  auto r = w->wait(10s);
  EXPECT_EQ(r.exitCode, 0) << r.describe();
}

TEST_F(Watch, WatchFromAResourceVersionReplaysLaterChangesOnly) {
  auto list = cluster().http("GET", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ + "/databaseschemas");
  ASSERT_EQ(list.status, 200) << list.body;
  const std::string listRv = list.json()["metadata"]["resourceVersion"];
  ASSERT_EQ(kubectl({"-n", ns_, "label", "dbs", "shop", "tier=gold"}).exitCode, 0);

  auto watch = cluster().http("GET", "/apis/dbschema.io/v1alpha1/namespaces/" + ns_ +
                                         "/databaseschemas?watch=true&timeoutSeconds=1&resourceVersion=" + listRv);
  ASSERT_EQ(watch.status, 200);
  auto events = watch.lines();
  ASSERT_EQ(events.size(), 1u) << watch.body;
  EXPECT_EQ(events[0]["type"], "MODIFIED");
  EXPECT_EQ(events[0]["object"]["metadata"]["labels"]["tier"], "gold");
}

}  // namespace
}  // namespace kubetest
