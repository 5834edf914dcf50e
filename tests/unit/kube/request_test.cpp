// request.hpp: exact paths, queries and bodies.
#include <gtest/gtest.h>

#include "kube/request.hpp"

namespace {

using namespace kube;

const ResourceType dbs{"dbschema.io", "v1alpha1", "databaseschemas", "DatabaseSchema", true};

TEST(Request, BuildsNamespacedAndClusterPaths) {
  EXPECT_EQ(collectionPath(dbs, "apps"), "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas");
  EXPECT_EQ(collectionPath(dbs, ""), "/apis/dbschema.io/v1alpha1/databaseschemas");
  EXPECT_EQ(objectPath(dbs, "apps", "shop"), "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop");
  EXPECT_EQ(objectPath(dbs, "apps", "shop", "status"),
            "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop/status");
  EXPECT_EQ(objectPath(resources::namespaces(), "ignored", "kube-system"), "/api/v1/namespaces/kube-system");
  EXPECT_EQ(collectionPath(resources::event(), "default"), "/api/v1/namespaces/default/events");
  EXPECT_EQ(objectPath(resources::lease(), "kube-system", "op"),
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/op");
}

TEST(Request, GetHasNoQueryNorBody) {
  Request r = request::get(dbs, "apps", "shop");
  EXPECT_EQ(r.method, "GET");
  EXPECT_TRUE(r.query.empty());
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.target(), "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop");
}

TEST(Request, ListCarriesEveryParameterEncoded) {
  ListParams p;
  p.labelSelector = "app in (a,b),tier!=db";
  p.fieldSelector = "metadata.name=shop";
  p.limit = 500;
  p.continueToken = "abc=";
  p.resourceVersion = "0";
  Request r = request::list(dbs, "apps", p);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.query.at("labelSelector"), "app in (a,b),tier!=db");
  EXPECT_EQ(r.query.at("limit"), "500");
  EXPECT_EQ(r.target(),
            "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas?continue=abc%3D&fieldSelector=metadata.name%3Dshop"
            "&labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&limit=500&resourceVersion=0");
}

TEST(Request, ListWithoutParametersHasNoQuery) {
  EXPECT_EQ(request::list(dbs, "").target(), "/apis/dbschema.io/v1alpha1/databaseschemas");
}

TEST(Request, WatchAsksForBookmarksAndATimeout) {
  WatchParams p;
  p.resourceVersion = "42";
  Request r = request::watch(dbs, "apps", p);
  EXPECT_EQ(r.target(),
            "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas?allowWatchBookmarks=true&resourceVersion=42"
            "&timeoutSeconds=290&watch=true");
  p.allowWatchBookmarks = false;
  p.timeoutSeconds.reset();
  p.resourceVersion = "";
  EXPECT_EQ(request::watch(dbs, "", p).target(), "/apis/dbschema.io/v1alpha1/databaseschemas?watch=true");
}

TEST(Request, CreateReplaceAndStatusCarryJson) {
  nlohmann::json o = {{"metadata", {{"name", "shop"}, {"resourceVersion", "7"}}}};
  Request c = request::create(dbs, "apps", o, WriteParams{"schema-operator", "", ""});
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.target(), "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas?fieldManager=schema-operator");
  EXPECT_EQ(c.contentType, "application/json");
  EXPECT_EQ(nlohmann::json::parse(c.body), o);
  Request u = request::replace(dbs, "apps", "shop", o);
  EXPECT_EQ(u.method, "PUT");
  EXPECT_EQ(u.path, "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop");
  Request s = request::replaceStatus(dbs, "apps", "shop", o);
  EXPECT_EQ(s.method, "PUT");
  EXPECT_EQ(s.path, "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop/status");
}

TEST(Request, PatchTypesSetTheirContentType) {
  nlohmann::json body = {{"metadata", {{"labels", {{"a", "b"}}}}}};
  EXPECT_EQ(request::patch(dbs, "apps", "shop", PatchType::Merge, body).contentType, "application/merge-patch+json");
  EXPECT_EQ(request::patch(dbs, "apps", "shop", PatchType::Json, nlohmann::json::array()).contentType,
            "application/json-patch+json");
  PatchParams apply{"schema-operator", true, "", ""};
  Request a = request::patch(dbs, "apps", "shop", PatchType::Apply, body, apply);
  EXPECT_EQ(a.method, "PATCH");
  EXPECT_EQ(a.contentType, "application/apply-patch+yaml");
  EXPECT_EQ(a.target(),
            "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop?fieldManager=schema-operator&force=true");
  Request s = request::patchStatus(dbs, "apps", "shop", PatchType::Merge, {{"status", {{"phase", "Ready"}}}});
  EXPECT_EQ(s.path, "/apis/dbschema.io/v1alpha1/namespaces/apps/databaseschemas/shop/status");
  // force only means something for apply
  EXPECT_FALSE(request::patch(dbs, "apps", "shop", PatchType::Merge, body, apply).query.count("force"));
}

TEST(Request, DeleteSendsOptionsOnlyWhenGiven) {
  Request plain = request::remove(dbs, "apps", "shop");
  EXPECT_EQ(plain.method, "DELETE");
  EXPECT_TRUE(plain.body.empty());
  DeleteParams p;
  p.propagationPolicy = "Background";
  p.preconditionUid = "u-1";
  p.preconditionResourceVersion = "9";
  Request d = request::remove(dbs, "apps", "shop", p);
  auto body = nlohmann::json::parse(d.body);
  EXPECT_EQ(body["propagationPolicy"], "Background");
  EXPECT_EQ(body["preconditions"]["uid"], "u-1");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "9");
  EXPECT_EQ(body["kind"], "DeleteOptions");
}

}  // namespace
