// client.hpp over a scripted transport: retries, Retry-After, 401 token reload, watch decoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fake_transport.hpp"

namespace {

using namespace kube;
using namespace kube::testing;

const ResourceType dbs{"dbschema.io", "v1alpha1", "databaseschemas", "DatabaseSchema", true};

TEST(RetryDelay, GrowsExponentiallyWithJitterAndCap) {
  RetryPolicy p;
  p.backoff.initial = core::Millis(100);
  p.backoff.max = core::Millis(1000);
  EXPECT_EQ(retryDelay(p, 1, 1.0, {}), core::Millis(100));
  EXPECT_EQ(retryDelay(p, 2, 1.0, {}), core::Millis(200));
  EXPECT_EQ(retryDelay(p, 3, 0.0, {}), core::Millis(200));  // jitter scales into [1/2, 1]
  EXPECT_EQ(retryDelay(p, 10, 1.0, {}), core::Millis(1000));
  EXPECT_EQ(retryDelay(p, 1, 1.0, 7), core::Millis(7000));  // Retry-After wins
  EXPECT_EQ(retryDelay(p, 1, 1.0, 3600), p.maxRetryAfter);
}

TEST(Retryable, TransientOnlyAndCreatesOnlyWhenTheServerSaysSo) {
  EXPECT_TRUE(retryable("GET", fromResponse(500, "")));
  EXPECT_TRUE(retryable("PUT", transportError("reset")));
  EXPECT_FALSE(retryable("GET", fromResponse(404, "")));
  EXPECT_FALSE(retryable("PUT", fromResponse(409, "")));
  EXPECT_FALSE(retryable("POST", fromResponse(500, "")));
  EXPECT_FALSE(retryable("POST", transportError("timed out")));
  EXPECT_TRUE(retryable("POST", fromResponse(429, "")));
  EXPECT_TRUE(retryable("POST", fromResponse(503, "", 1)));
}

TEST(Client, ReturnsTheDecodedBodyAndSendsTheToken) {
  core::ManualClock clock;
  ClusterConfig cfg;
  cfg.token = "tok";
  auto f = makeFakeClient(clock, cfg);
  f.transport->respond = [](const Request&) { return json(200, {{"kind", "DatabaseSchema"}}); };
  auto r = f.client->send(request::get(dbs, "apps", "shop"));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["kind"], "DatabaseSchema");
  ASSERT_EQ(f.transport->sent.size(), 1u);
  EXPECT_EQ(f.transport->sent[0].headers, (Headers{{"Authorization", "Bearer tok"}}));
  EXPECT_EQ(f.transport->sent[0].timeout, core::Millis(30000));
}

TEST(Client, RetriesTransientErrorsWithBackoffThenSucceeds) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  int n = 0;
  f.transport->respond = [&](const Request&) -> ApiResult<HttpResponse> {
    if (++n == 1) return transportError("connection refused");
    if (n == 2) return json(500, status(500, "InternalError"));
    return json(200, {{"ok", true}});
  };
  auto r = f.client->call(request::get(dbs, "apps", "shop"));
  ASSERT_TRUE(r);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<core::Millis>{core::Millis(200), core::Millis(400)}));
}

TEST(Client, HonoursRetryAfterOn429And503) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  int n = 0;
  f.transport->respond = [&](const Request&) -> ApiResult<HttpResponse> {
    ++n;
    if (n == 1) return json(429, status(429, "TooManyRequests"), 3);
    if (n == 2) return json(503, status(503, "ServiceUnavailable"), 1);
    return json(201, {{"created", true}});
  };
  auto r = f.client->call(request::create(dbs, "apps", {{"metadata", {{"name", "x"}}}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(clock.sleeps(), (std::vector<core::Millis>{core::Millis(3000), core::Millis(1000)}));
}

TEST(Client, GivesUpAfterMaxAttemptsWithTheLastError) {
  core::ManualClock clock;
  ClientOptions o;
  o.retry.maxAttempts = 3;
  auto f = makeFakeClient(clock, {}, o);
  f.transport->respond = [](const Request&) { return json(503, status(503, "ServiceUnavailable", "busy")); };
  auto r = f.client->call(request::get(dbs, "apps", "shop"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 503);
  EXPECT_EQ(f.transport->sent.size(), 3u);
  EXPECT_EQ(clock.sleeps().size(), 2u);
  auto once = f.client->call(request::get(dbs, "apps", "shop"), CallOptions{core::Millis(5), 1});
  EXPECT_EQ(f.transport->sent.size(), 4u);
  EXPECT_EQ(f.transport->sent.back().timeout, core::Millis(5));
}

TEST(Client, DoesNotRetryTerminalConflictOrInvalid) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  for (int code : {400, 401, 403, 404, 409, 410, 422}) {
    f.transport->sent.clear();
    f.transport->respond = [code](const Request&) { return json(code, status(code, "")); };
    auto r = f.client->call(request::get(dbs, "apps", "shop"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(f.transport->sent.size(), 1u) << code;
  }
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(Client, Reloads401TokenFromFileOnce) {
  auto dir = std::filesystem::temp_directory_path() / "kube-client-test-token";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "old";
  core::ManualClock clock;
  ClusterConfig cfg;
  cfg.token = "old";
  cfg.tokenFile = (dir / "token").string();
  auto f = makeFakeClient(clock, cfg);
  std::ofstream(dir / "token") << "new";  // rotated
  f.transport->respond = [](const Request&) { return json(401, status(401, "Unauthorized")); };
  f.transport->respond = [&](const Request&) -> ApiResult<HttpResponse> {
    for (const auto& [k, v] : f.transport->sent.back().headers)
      if (v == "Bearer new") return json(200, {{"ok", 1}});
    return json(401, status(401, "Unauthorized"));
  };
  auto r = f.client->call(request::get(dbs, "apps", "shop"));
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ(f.transport->sent.size(), 2u);
  EXPECT_TRUE(clock.sleeps().empty());
  std::filesystem::remove_all(dir);
}

TEST(Client, EmptyBodyIsAnEmptyObjectAndGarbageIsAnError) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->respond = [](const Request&) { return HttpResponse{200, "", "", {}}; };
  EXPECT_EQ(*f.client->call(request::get(dbs, "a", "b")), nlohmann::json::object());
  f.transport->respond = [](const Request&) { return HttpResponse{200, "", "<html>", {}}; };
  EXPECT_FALSE(f.client->call(request::get(dbs, "a", "b")));
}

TEST(ClientWatch, DeliversEachEventAndStopsWhenTheCallbackSaysSo) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->streams.push_back(StreamScript{{R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})",
                                               R"({"type":"MODIFIED","object":{"metadata":{"name":"a"}}})",
                                               R"({"type":"DELETED","object":{"metadata":{"name":"a"}}})"}});
  std::vector<std::string> types;
  auto r = f.client->watch(request::watch(dbs, "apps", {}), [&](const nlohmann::json& e) {
    types.push_back(e["type"]);
    return types.size() < 2;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED", "MODIFIED"}));
  EXPECT_EQ(f.transport->watches[0].timeout, core::Millis((290 + 30) * 1000));
}

TEST(ClientWatch, NonOkAnswerIsATypedError) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->streams.push_back(StreamScript{{}, json(410, status(410, "Expired"))});
  auto r = f.client->watch(request::watch(dbs, "apps", {}), [](const nlohmann::json&) { return true; });
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().isGone());
  f.transport->streams.push_back(StreamScript{{"not json"}});
  auto bad = f.client->watch(request::watch(dbs, "apps", {}), [](const nlohmann::json&) { return true; });
  EXPECT_FALSE(bad);
}

TEST(ClientWatch, ShutdownStopsAWatch) {
  core::ManualClock clock;
  auto f = makeFakeClient(clock);
  f.transport->streams.push_back(StreamScript{{R"({"type":"ADDED","object":{}})", R"({"type":"ADDED","object":{}})"}});
  int seen = 0;
  auto r = f.client->watch(request::watch(dbs, "apps", {}), [&](const nlohmann::json&) {
    ++seen;
    f.client->shutdown();
    return true;
  });
  EXPECT_TRUE(r);
  EXPECT_EQ(seen, 1);
  EXPECT_FALSE(f.client->call(request::get(dbs, "a", "b")));  // fails fast after shutdown
}

}  // namespace

namespace {

struct Observed {
  std::string method, host;
  int status;
  bool operator==(const Observed&) const = default;
};

}  // namespace

TEST(ClientRequestObserver, SeesEveryAttemptWithItsStatusAndTheServersHostWithoutCredentials) {
  core::ManualClock clock;
  std::vector<Observed> seen;
  ClientOptions options;
  options.onRequest = [&](const std::string& method, const std::string& host, int status) {
    seen.push_back({method, host, status});
  };
  ClusterConfig cfg;
  cfg.server = "https://admin:s3cret@10.1.2.3:6443/prefix";
  auto f = makeFakeClient(clock, cfg, options);
  int n = 0;
  f.transport->respond = [&](const Request&) -> ApiResult<HttpResponse> {
    if (++n == 1) return transportError("connection refused");
    if (n == 2) return json(503, status(503, "ServiceUnavailable"));
    return json(200, {{"ok", true}});
  };
  ASSERT_TRUE(f.client->call(request::get(dbs, "apps", "shop")));
  f.transport->streams.push_back({{R"({"type":"ADDED","object":{}})"}});
  ASSERT_TRUE(f.client->watch(request::watch(dbs, "apps"), [](const nlohmann::json&) { return true; }));
  EXPECT_EQ(seen, (std::vector<Observed>{{"GET", "10.1.2.3:6443", 0},
                                         {"GET", "10.1.2.3:6443", 503},
                                         {"GET", "10.1.2.3:6443", 200},
                                         {"GET", "10.1.2.3:6443", 200}}));
}
