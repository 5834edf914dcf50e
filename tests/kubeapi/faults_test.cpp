// The server's fault injection as clients meet it (contract §5.7, §5.8): failNext answers with a
// proper Status (kubectl names its reason; Retry-After makes it retry), and compact() expires
// old watch positions and continue tokens with 410.
#include "harness.hpp"

namespace kubetest {
namespace {

using nlohmann::json;

class Faults : public NamespaceSuite<Faults> {
 public:
  static bool withShop() { return true; }

 protected:
  size_t gets() {
    size_t n = 0;
    for (const auto& c : cluster().server().calls()) n += c.verb == "get" && c.resource == "databaseschemas" && c.ns == ns_;
    return n;
  }
};

TEST_F(Faults, InjectedStatusReachesKubectl) {
  const std::vector<std::pair<int, std::string>> cases = {
      {403, "Forbidden"}, {404, "NotFound"}, {500, "InternalError"}, {503, "ServiceUnavailable"}, {409, "Conflict"}};
  for (const auto& [code, reason] : cases) {
    cluster().server().failNext("GET", "/databaseschemas/shop$", code);
    auto r = kubectl({"-n", ns_, "get", "dbs", "shop"});
    EXPECT_EQ(r.exitCode, 1) << code;
    EXPECT_EQ(r.err.rfind("Error from server (" + reason + "): injected failure (" + std::to_string(code) + ")", 0), 0u)
        << r.describe();
    // Used up: the next request goes through.
    EXPECT_EQ(kubectl({"-n", ns_, "get", "dbs", "shop"}).exitCode, 0) << code;
  }
}

TEST_F(Faults, MethodAndTimesSelectTheRequests) {
  cluster().server().failNext("PATCH", "databaseschemas/shop", 409, 2);
  EXPECT_EQ(kubectl({"-n", ns_, "get", "dbs", "shop"}).exitCode, 0);  // GET is not PATCH
  for (int i = 0; i < 2; ++i) {
    auto r = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p", R"({"spec":{"mode":"Plan"}})"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("Error from server (Conflict)"), std::string::npos) << r.describe();
  }
  auto third = kubectl({"-n", ns_, "patch", "dbs", "shop", "--type=merge", "-p", R"({"spec":{"mode":"Plan"}})"});
  EXPECT_EQ(third.exitCode, 0) << third.describe();
}

TEST_F(Faults, RetryAfterMakesClientsRetry) {
  cluster().server().failNext("", "/databaseschemas/shop$", 429, 1, 1);
  auto raw = cluster().http("GET", collection() + "/shop");
  EXPECT_EQ(raw.status, 429);
  EXPECT_EQ(raw.header("Retry-After"), std::vector<std::string>{"1"});
  EXPECT_EQ(raw.json()["reason"], "TooManyRequests");
  EXPECT_EQ(raw.json()["details"]["retryAfterSeconds"], 1);

  // client-go waits the Retry-After and tries again: kubectl succeeds, one second later.
  cluster().server().failNext("GET", "/databaseschemas/shop$", 503, 1, 1);
  const size_t before = gets();
  const auto start = std::chrono::steady_clock::now();
  auto r = kubectl({"-n", ns_, "get", "dbs", "shop", "-o", "name"});
  EXPECT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "databaseschema.dbschema.io/shop\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_EQ(gets() - before, 2u);
}

TEST_F(Faults, CompactExpiresOldWatchPositions) {
  auto list = cluster().http("GET", collection());
  const std::string oldRv = list.json()["metadata"]["resourceVersion"];
  ASSERT_EQ(kubectl({"-n", ns_, "label", "dbs", "shop", "tier=gold"}).exitCode, 0);
  cluster().server().compact();

  auto expired = cluster().http("GET", collection() + "?watch=true&resourceVersion=" + oldRv);
  ASSERT_EQ(expired.status, 200);  // watch errors come as an event on an open stream
  auto events = expired.lines();
  ASSERT_EQ(events.size(), 1u) << expired.body;
  EXPECT_EQ(events[0]["type"], "ERROR");
  EXPECT_EQ(events[0]["object"]["kind"], "Status");
  EXPECT_EQ(events[0]["object"]["code"], 410);
  EXPECT_EQ(events[0]["object"]["reason"], "Expired");
  EXPECT_EQ(events[0]["object"]["message"].get<std::string>().rfind("too old resource version: " + oldRv, 0), 0u);

  // kubectl sees the same stream.
  auto viaKubectl = kubectl({"get", "--raw", collection() + "?watch=true&resourceVersion=" + oldRv});
  EXPECT_NE(viaKubectl.out.find(R"("type":"ERROR")"), std::string::npos) << viaKubectl.describe();

  // From now on is fine: a watch from the current version just waits (here: until its timeout).
  auto now = cluster().http("GET", collection());
  auto fresh = cluster().http("GET", collection() + "?watch=true&timeoutSeconds=1&resourceVersion=" +
                                         now.json()["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.body, "");
}

TEST_F(Faults, CompactExpiresContinueTokens) {
  ASSERT_EQ(kubectl({"apply", "-f", "-"}, schemaDoc("second", ns_)).exitCode, 0);
  auto page = cluster().http("GET", collection() + "?limit=1");
  ASSERT_EQ(page.status, 200);
  const std::string token = page.json()["metadata"]["continue"];
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(page.json()["metadata"]["remainingItemCount"], 1);

  ASSERT_EQ(kubectl({"-n", ns_, "label", "dbs", "shop", "tier=gold"}).exitCode, 0);
  cluster().server().compact();
  auto expired = cluster().http("GET", collection() + "?limit=1&continue=" + urlEncode(token));
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.json()["reason"], "Expired");
}

}  // namespace
}  // namespace kubetest
