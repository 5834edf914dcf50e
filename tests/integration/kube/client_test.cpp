// The client against the real API server: TLS, auth, CRUD, typed errors, pagination; retries
// on answers injected by the fault proxy, plain HTTP through it, and a proxy that went away.
#include "kube_fixture.hpp"

namespace {

using namespace kube;
using namespace kube::testing;

const ResourceType cm = resources::configMap();

TEST_F(KubeFixture, TlsVerifiedWithTheCaFromTheKubeconfig) {
  auto c = client();
  auto r = c->call(request::get(resources::namespaces(), "", "default"));
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ((*r)["metadata"]["name"], "default");
}

TEST_F(KubeFixture, RefusesAServerItCannotVerify) {
  ClusterConfig noCa = config_;
  noCa.caPem.clear();  // the system trust store does not know the test CA
  auto r = client(noCa)->call(request::get(resources::namespaces(), "", "default"), CallOptions{{}, 1});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().kind, core::ErrorKind::Terminal);

  ClusterConfig wrongName = config_;
  wrongName.tlsServerName = "not-the-server.example";
  auto w = client(wrongName)->call(request::get(resources::namespaces(), "", "default"), CallOptions{{}, 1});
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("certificate verify failed"), std::string::npos) << w.error().message;

  ClusterConfig insecure = noCa;
  insecure.insecureSkipTlsVerify = true;
  EXPECT_TRUE(client(insecure)->call(request::get(resources::namespaces(), "", "default")));
}

TEST_F(KubeFixture, BadTokenIsUnauthorized) {
  ClusterConfig bad = config_;
  bad.token = "wrong";
  auto r = client(bad)->call(request::get(resources::namespaces(), "", "default"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().isUnauthorized());
  EXPECT_EQ(r.error().kind, core::ErrorKind::Terminal);
  EXPECT_NE(r.error().toError().describe().find("Unauthorized"), std::string::npos);
  EXPECT_EQ(r.error().toError().describe().find("wrong"), std::string::npos);
}

TEST_F(KubeFixture, CrudWithTypedErrors) {
  auto c = client();
  auto created = c->call(request::create(cm, ns_, configMap("crud", {{"k", "v1"}})));
  ASSERT_TRUE(created) << created.error().toError().describe();
  std::string rv = resourceVersionOf(*created);
  EXPECT_FALSE(rv.empty());

  auto again = c->call(request::create(cm, ns_, configMap("crud")));
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().isAlreadyExists());
  EXPECT_EQ(again.error().kind, core::ErrorKind::Conflict);

  auto got = c->call(request::get(cm, ns_, "crud"));
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["data"]["k"], "v1");

  nlohmann::json updated = *got;
  updated["data"]["k"] = "v2";
  auto put = c->call(request::replace(cm, ns_, "crud", updated));
  ASSERT_TRUE(put) << put.error().toError().describe();
  EXPECT_EQ((*put)["data"]["k"], "v2");

  // a stale resourceVersion loses
  updated["data"]["k"] = "v3";
  auto stale = c->call(request::replace(cm, ns_, "crud", updated));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_EQ(stale.error().reason, "Conflict");
  EXPECT_EQ(stale.error().kind, core::ErrorKind::Conflict);

  auto patched = c->call(request::patch(cm, ns_, "crud", PatchType::Merge, {{"data", {{"other", "x"}}}}));
  ASSERT_TRUE(patched) << patched.error().toError().describe();
  EXPECT_EQ((*patched)["data"]["k"], "v2");
  EXPECT_EQ((*patched)["data"]["other"], "x");

  auto jsonPatch = c->call(request::patch(cm, ns_, "crud", PatchType::Json,
                                          nlohmann::json::array({{{"op", "remove"}, {"path", "/data/other"}}})));
  ASSERT_TRUE(jsonPatch) << jsonPatch.error().toError().describe();
  EXPECT_FALSE((*jsonPatch)["data"].contains("other"));

  ASSERT_TRUE(c->call(request::remove(cm, ns_, "crud")));
  auto gone = c->call(request::get(cm, ns_, "crud"));
  ASSERT_FALSE(gone);
  EXPECT_TRUE(gone.error().isNotFound());
  EXPECT_EQ(gone.error().kind, core::ErrorKind::Terminal);
  auto missingNs = c->call(request::create(cm, "no-such-ns", configMap("x")));
  ASSERT_FALSE(missingNs);
  EXPECT_TRUE(missingNs.error().isNotFound());
}

TEST_F(KubeFixture, ListsInPages) {
  auto c = client();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("page-" + std::to_string(i)))));
  ListParams p;
  p.labelSelector = "suite=kube";
  p.limit = 2;
  std::vector<std::string> names;
  int pages = 0;
  do {
    auto r = c->call(request::list(cm, ns_, p));
    ASSERT_TRUE(r) << r.error().toError().describe();
    ++pages;
    for (const auto& item : (*r)["items"]) names.push_back(item["metadata"]["name"]);
    p.continueToken = (*r)["metadata"].value("continue", "");
  } while (!p.continueToken.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"page-0", "page-1", "page-2", "page-3", "page-4"}));
}

TEST_F(KubeFixture, RetryAfterIsHonouredOn429And503) {
  core::ManualClock clock;
  auto c = client(proxiedConfig(), clock);
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("busy"))));
  proxy().inject({"GET", "configmaps/busy", 429, 1, 0, 2});
  proxy().inject({"GET", "configmaps/busy", 503, 1, 0, 1});
  auto r = c->call(request::get(cm, ns_, "busy"));
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ((*r)["metadata"]["name"], "busy");
  EXPECT_EQ(clock.sleeps(), (std::vector<core::Millis>{core::Millis(2000), core::Millis(1000)}));
  // a create is retried on 429 too: the server did not process it
  proxy().inject({"POST", "configmaps", 429, 1, 0, 1});
  ASSERT_TRUE(c->call(request::create(cm, ns_, configMap("busy2"))));
  EXPECT_EQ(clock.sleeps().size(), 3u);
  // but not on a 500, which may have come after the object was made
  proxy().inject({"POST", "configmaps", 500, 1, 0, -1});
  auto failed = c->call(request::create(cm, ns_, configMap("busy3")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, 500);
  EXPECT_EQ(clock.sleeps().size(), 3u);
  EXPECT_FALSE(client(config_)->call(request::get(cm, ns_, "busy3"))) << "the injected 500 reached the server";
  // The N-th matching request: the first passes, the second is answered 500.
  proxy().inject({"GET", "configmaps/busy", 500, 1, 1, -1});
  ASSERT_TRUE(c->call(request::get(cm, ns_, "busy"), CallOptions{{}, 1}));
  auto second = c->call(request::get(cm, ns_, "busy"), CallOptions{{}, 1});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, 500);
  EXPECT_TRUE(c->call(request::get(cm, ns_, "busy"), CallOptions{{}, 1}));
}

TEST_F(KubeFixture, KeepAliveReusesConnectionsAcrossManyRequests) {
  auto c = client();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c->call(request::get(resources::namespaces(), "", "default")));
}

TEST_F(KubeFixture, AServerThatWentAwayIsATransientErrorThatIsRetried) {
  core::ManualClock clock;
  auto c = client(proxiedConfig(), clock);
  ASSERT_TRUE(c->call(request::get(resources::namespaces(), "", "default")));  // a pooled connection
  proxy_.reset();  // nothing listens on its port any more
  auto r = c->call(request::get(resources::namespaces(), "", "default"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 0);
  EXPECT_EQ(r.error().kind, core::ErrorKind::Transient);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
  EXPECT_EQ(clock.sleeps().size(), 4u);  // 5 attempts
}

TEST_F(KubeFixture, PlainHttpWorksToo) {
  const ClusterConfig plain = [&] {
    proxy({.tls = false});
    return proxiedConfig();
  }();
  EXPECT_EQ(plain.server.rfind("http://", 0), 0u);
  auto r = client(plain)->call(request::get(resources::namespaces(), "", ns_));
  ASSERT_TRUE(r) << r.error().toError().describe();
  EXPECT_EQ((*r)["metadata"]["name"], ns_);
}

}  // namespace
