// Request routing: authentication, fault injection, non-resource endpoints and the resource URL layout (§1).
#include <algorithm>

#include "api.hpp"
#include "builtins.hpp"
#include "discovery.hpp"
#include "openapi.hpp"
#include "status.hpp"
#include "util.hpp"

namespace kubeapi {

namespace {
HttpResponse jsonResponse(int code, const json& body) {
  HttpResponse r;
  r.status = code;
  r.body = body.dump();
  return r;
}

HttpResponse errorResponse(const ApiError& e) {
  HttpResponse r = jsonResponse(e.code, statusObject(e.code, e.reason, e.what(), e.details));
  if (e.retryAfter > 0) r.headers.push_back({"Retry-After", std::to_string(e.retryAfter)});
  return r;
}

bool anonymousPath(const std::string& path) {
  return path == "/version" || path == "/healthz" || path == "/readyz" || path == "/livez" ||
         path.rfind("/healthz/", 0) == 0 || path.rfind("/readyz/", 0) == 0 || path.rfind("/livez/", 0) == 0;
}
}  // namespace

Api::Api(ServerOptions opts) : opts_(std::move(opts)), store_(opts_.watchHistory) {
  for (auto ns : builtins::initialNamespaces()) {
    ns["metadata"]["uid"] = newUid();
    ns["metadata"]["creationTimestamp"] = nowRfc3339();
    ns["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
    store_.put("", "namespaces", ns);
  }
}

void Api::setServerAddress(std::string hostPort) {
  std::lock_guard lock(mu_);
  serverAddress_ = std::move(hostPort);
}

std::vector<CallRecord> Api::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

json Api::get(const std::string& group, const std::string& version, const std::string& plural, const std::string& ns,
              const std::string& name) const {
  std::lock_guard lock(mu_);
  const ResourceType* rt = registry_.find(group, version, plural);
  if (!rt) return nullptr;
  const json* o = store_.get(rt->storeGroup(), plural, rt->namespaced ? ns : "", name);
  if (!o) return nullptr;
  RequestInfo ri;
  ri.group = group;
  ri.version = version;
  ri.plural = plural;
  ri.rt = rt;
  return toVersion(ri, *o);
}

void Api::compact() {
  std::lock_guard lock(mu_);
  store_.compact();
}

void Api::failNext(const std::string& method, const std::string& pathRegex, int code, int times, int retryAfter) {
  std::lock_guard lock(mu_);
  faults_.add(method, pathRegex, code, times, retryAfter);
}

void Api::dropWatches() {
  std::lock_guard lock(mu_);
  auto streams = streams_;  // end() runs onClose, which erases from streams_
  for (auto& [id, s] : streams) s->end();
}

size_t Api::openWatches() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

HttpResponse Api::handle(const HttpRequest& req) {
  std::lock_guard lock(mu_);
  try {
    if (!anonymousPath(req.path)) {
      std::string auth = req.header("authorization");
      if (auth != "Bearer " + opts_.token) throw ApiError(401, "Unauthorized", "Unauthorized");
    }
    return route(req);
  } catch (const ApiError& e) {
    return errorResponse(e);
  } catch (const json::exception& e) {
    return errorResponse(badRequest(std::string("json: ") + e.what()));
  } catch (const std::exception& e) {
    return errorResponse(ApiError(500, "InternalError", std::string("Internal error occurred: ") + e.what()));
  }
}

HttpResponse Api::route(const HttpRequest& req) {
  std::vector<std::string> segs;
  for (auto& s : split(req.path, '/'))
    if (!s.empty()) segs.push_back(s);

  auto nonResource = [&]() -> std::optional<HttpResponse> {
    if (segs.empty()) {
      json paths = {"/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version"};
      return jsonResponse(200, {{"paths", paths}});
    }
    const std::string& s0 = segs[0];
    if (segs.size() == 1 && s0 == "version") return jsonResponse(200, discovery::version());
    if (s0 == "healthz" || s0 == "readyz" || s0 == "livez") {
      HttpResponse r;
      r.contentType = "text/plain; charset=utf-8";
      r.body = "ok";
      return r;
    }
    if (s0 == "openapi") {
      if (segs.size() >= 2 && segs[1] == "v3") {
        if (segs.size() == 2) return jsonResponse(200, openapi::root(registry_));
        std::string key;
        for (size_t i = 2; i < segs.size(); ++i) key += (i > 2 ? "/" : "") + segs[i];
        if (auto doc = openapi::document(registry_, key)) {
          HttpResponse r = jsonResponse(200, *doc);
          // The hash in the URL pins the content, as on a real server.
          r.headers.push_back({"Cache-Control", req.has("hash") ? "public, immutable" : "no-cache, private"});
          return r;
        }
      }
      throw pathNotFound();
    }
    if (req.method != "GET") return std::nullopt;
    if (segs.size() == 1 && (s0 == "api" || s0 == "apis")) return discovery::root(registry_, s0 == "api", req, serverAddress_);
    if (segs.size() == 2 && s0 == "api" && segs[1] == "v1")
      return jsonResponse(200, *discovery::resourceList(registry_, "", "v1"));
    if (segs.size() == 2 && s0 == "apis") {
      if (auto g = discovery::group(registry_, segs[1])) return jsonResponse(200, *g);
      throw pathNotFound();
    }
    if (segs.size() == 3 && s0 == "apis") {
      if (auto l = discovery::resourceList(registry_, segs[1], segs[2])) return jsonResponse(200, *l);
      throw pathNotFound();
    }
    return std::nullopt;
  };
  if (auto r = nonResource()) return *r;

  RequestInfo ri;
  size_t start;
  if (segs.size() >= 3 && segs[0] == "api" && segs[1] == "v1") {
    ri.version = "v1";
    start = 2;
  } else if (segs.size() >= 4 && segs[0] == "apis") {
    ri.group = segs[1];
    ri.version = segs[2];
    start = 3;
  } else {
    throw pathNotFound();
  }
  if (!parseResourcePath(segs, start, ri)) throw pathNotFound();
  return resource(req, ri);
}

bool Api::parseResourcePath(const std::vector<std::string>& segs, size_t start, RequestInfo& ri) const {
  std::vector<std::string> rest(segs.begin() + static_cast<long>(start), segs.end());
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    const ResourceType* inner = registry_.find(ri.group, ri.version, rest[2]);
    if (inner && inner->namespaced) {
      if (rest.size() > 5) return false;
      ri.ns = rest[1];
      ri.plural = rest[2];
      if (rest.size() > 3) ri.name = rest[3];
      if (rest.size() > 4) ri.sub = rest[4];
      ri.rt = inner;
      return ri.sub.empty() || (ri.sub == "status" && inner->statusSubresource);
    }
  }
  if (rest.size() > 3) return false;
  ri.plural = rest[0];
  if (rest.size() > 1) ri.name = rest[1];
  if (rest.size() > 2) ri.sub = rest[2];
  ri.rt = registry_.find(ri.group, ri.version, ri.plural);
  if (!ri.rt) return false;
  // Namespaced kinds are reachable without a namespace only as a collection (list/watch across namespaces).
  if (ri.rt->namespaced && !ri.name.empty()) return false;
  return ri.sub.empty() || (ri.sub == "status" && ri.rt->statusSubresource);
}

HttpResponse Api::resource(const HttpRequest& req, RequestInfo& ri) {
  const std::string& m = req.method;
  bool named = !ri.name.empty();
  if (m == "GET") ri.verb = named ? "get" : (req.param("watch") == "true" || req.param("watch") == "1" ? "watch" : "list");
  else if (m == "POST" && !named) ri.verb = "create";
  else if (m == "PUT" && named) ri.verb = "update";
  else if (m == "PATCH" && named) ri.verb = "patch";
  else if (m == "DELETE") ri.verb = named ? "delete" : "deletecollection";
  else throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  if (ri.rt->namespaced && ri.ns.empty() && ri.verb != "list" && ri.verb != "watch") throw pathNotFound();
  calls_.push_back({ri.verb, ri.group, ri.plural, ri.sub, ri.ns, req.header("user-agent")});
  if (auto fault = faults_.take(m, req.target)) throw *fault;

  if (ri.verb == "get") return getOne(req, ri);
  if (ri.verb == "list") return list(req, ri);
  if (ri.verb == "watch") return watch(req, ri);
  if (ri.verb == "create") return create(req, ri);
  if (ri.verb == "update") return update(req, ri);
  if (ri.verb == "patch") return patchOne(req, ri);
  if (ri.verb == "delete") return remove(req, ri);
  return removeCollection(req, ri);
}

}  // namespace kubeapi
