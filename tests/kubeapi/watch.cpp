// Watch (§5.7): synthetic ADDED or replay from history, live events, BOOKMARKs, timeouts, 410.
#include "api.hpp"
#include "selectors.hpp"
#include "status.hpp"
#include "table.hpp"
#include "util.hpp"

namespace kubeapi {

namespace {
struct WatchState {
  bool columnsSent = false;
};
}  // namespace

HttpResponse Api::watch(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  auto labels = parseLabelSelector(req.param("labelSelector"));
  auto fields = parseFieldSelector(req.param("fieldSelector"));
  if (rt.custom)
    for (const auto& f : fields)
      if (f.field != "metadata.name" && f.field != "metadata.namespace") throw badRequest("field label not supported: " + f.field);
  std::string rvParam = req.param("resourceVersion");
  bool initial = rvParam.empty() || rvParam == "0" || req.param("sendInitialEvents") == "true";
  uint64_t fromRv = 0;
  if (!initial) {
    char* end;
    fromRv = std::strtoull(rvParam.c_str(), &end, 10);
    if (*end) throw badRequest("invalid resource version: " + rvParam);
  }
  long timeoutSeconds = req.has("timeoutSeconds") ? std::strtol(req.param("timeoutSeconds").c_str(), nullptr, 10) : 0;
  bool bookmarks = req.param("allowWatchBookmarks") == "true";
  bool asTable = table::wanted(req);
  std::string includeObject = req.param("includeObject");
  bool initialEndMarker = req.param("sendInitialEvents") == "true" && bookmarks;

  HttpResponse res;
  res.contentType = asTable ? table::kContentType : "application/json";
  RequestInfo info = ri;
  res.stream = [this, info, labels, fields, initial, fromRv, timeoutSeconds, bookmarks, asTable, includeObject,
                initialEndMarker](WatchStreamPtr s) {
    std::lock_guard lock(mu_);
    const ResourceType* rtp = registry_.find(info.group, info.version, info.plural);
    if (!rtp) {
      s->end();
      return;
    }
    RequestInfo ri = info;
    ri.rt = rtp;
    auto state = std::make_shared<WatchState>();
    auto matches = [ri, labels, fields](const json& storedObj) {
      if (storedObj.is_null()) return false;
      const json& m = storedObj["metadata"];
      if (!ri.ns.empty() && m.value("namespace", "") != ri.ns) return false;
      return labelsMatch(labels, storedObj) && fieldsMatch(fields, storedObj);
    };
    auto line = [this, ri, state, asTable, includeObject](const std::string& type, const json& storedObj) {
      json obj = toVersion(ri, storedObj);
      if (asTable) {
        obj = table::build(*ri.rt, ri.version, {obj}, includeObject,
                           {{"resourceVersion", obj["metadata"].value("resourceVersion", "")}}, !state->columnsSent);
        state->columnsSent = true;
      }
      return json{{"type", type}, {"object", obj}}.dump() + "\n";
    };
    auto deliver = [s, matches, line](const StoredEvent& e) {
      bool now = e.type != "DELETED" && matches(e.object);
      bool before = e.type == "DELETED" ? matches(e.object) || matches(e.previous) : matches(e.previous);
      std::string type;
      if (e.type == "DELETED") type = before ? "DELETED" : "";
      else if (now && before) type = "MODIFIED";
      else if (now) type = "ADDED";
      else if (before) type = "DELETED";  // no longer matches the selector
      if (type.empty()) return;
      s->write(line(type, e.object));
    };

    if (initial) {
      for (const json* o : store_.list(ri.rt->storeGroup(), ri.plural, ri.ns))
        if (matches(*o)) s->write(line("ADDED", *o));
      if (initialEndMarker) {
        json bm = {{"kind", ri.rt->kind}, {"apiVersion", ri.rt->apiVersion(ri.version)},
                   {"metadata", {{"resourceVersion", std::to_string(store_.rv())}, {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}};
        s->write(json{{"type", "BOOKMARK"}, {"object", bm}}.dump() + "\n");
      }
    } else {
      if (fromRv < store_.floor()) {
        json st = statusObject(410, "Expired", "too old resource version: " + std::to_string(fromRv) + " (" + std::to_string(store_.floor() + 1) + ")");
        s->write(json{{"type", "ERROR"}, {"object", st}}.dump() + "\n");
        s->end();
        return;
      }
      for (const StoredEvent* e : store_.since(fromRv, ri.rt->storeGroup(), ri.plural)) deliver(*e);
    }

    uint64_t id = nextStream_++;
    streams_[id] = s;
    uint64_t sub = store_.subscribe(ri.rt->storeGroup(), ri.plural, deliver);
    s->onClose([this, id, sub] {
      std::lock_guard lock(mu_);
      store_.unsubscribe(sub);
      streams_.erase(id);
    });
    if (timeoutSeconds > 0) s->after(timeoutSeconds * 1000, [s] { s->end(); });
    if (bookmarks) {
      auto bookmark = std::make_shared<std::function<void()>>();
      std::weak_ptr<std::function<void()>> weak = bookmark;
      std::string kind = ri.rt->kind, apiVersion = ri.rt->apiVersion(ri.version);
      *bookmark = [this, s, kind, apiVersion, weak] {
        {
          std::lock_guard lock(mu_);
          json bm = {{"kind", kind}, {"apiVersion", apiVersion}, {"metadata", {{"resourceVersion", std::to_string(store_.rv())}}}};
          s->write(json{{"type", "BOOKMARK"}, {"object", bm}}.dump() + "\n");
        }
        if (auto self = weak.lock()) s->after(opts_.bookmarkIntervalMs, [self] { (*self)(); });
      };
      // The stream keeps the bookmark function alive through its pending timer.
      s->after(opts_.bookmarkIntervalMs, [bookmark] { (*bookmark)(); });
    }
  };
  return res;
}

}  // namespace kubeapi
