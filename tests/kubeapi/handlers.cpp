// The verbs on resources (§4, §5): get, list, create, update, patch, delete, deletecollection.
#include <regex>

#include "api.hpp"
#include "builtins.hpp"
#include "crd_schema.hpp"
#include "patch.hpp"
#include "protobuf.hpp"
#include "selectors.hpp"
#include "status.hpp"
#include "table.hpp"
#include "util.hpp"

namespace kubeapi {

namespace {
std::string mediaType(const std::string& contentType) {
  return toLower(trim(contentType.substr(0, contentType.find(';'))));
}

json& meta(json& o) {
  if (!o.contains("metadata") || !o["metadata"].is_object()) o["metadata"] = json::object();
  return o["metadata"];
}

std::string metaStr(const json& o, const char* k) {
  if (!o.is_object() || !o.contains("metadata") || !o["metadata"].is_object()) return "";
  const json& m = o["metadata"];
  return m.contains(k) && m[k].is_string() ? m[k].get<std::string>() : "";
}

bool dryRunOf(const HttpRequest& req) { return req.param("dryRun") == "All"; }

std::vector<std::string> finalizersOf(const json& o) {
  std::vector<std::string> out;
  if (o.contains("metadata") && o["metadata"].contains("finalizers") && o["metadata"]["finalizers"].is_array())
    for (const auto& f : o["metadata"]["finalizers"])
      if (f.is_string()) out.push_back(f);
  return out;
}

// What generation tracks: everything but metadata (and status when it has its own endpoint).
json specPart(const json& o, bool statusSub) {
  json c = o;
  c.erase("metadata");
  c.erase("apiVersion");
  c.erase("kind");
  if (statusSub) c.erase("status");
  return c;
}

// What a no-op write leaves equal. managedFields count: a write that changes only them (kubectl's
// client-side to server-side apply migration replaces them with a JSON patch) is a real change.
// Writes that change nothing else leave them alone (same entries, same times).
json withoutResourceVersion(json o) {
  if (o.contains("metadata")) o["metadata"].erase("resourceVersion");
  return o;
}

void checkName(const ResourceType& rt, const std::string& name) {
  static const std::regex subdomain("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  if (name.size() > 253 || !std::regex_match(name, subdomain))
    throw invalid(rt, name, {{"FieldValueInvalid", "metadata.name",
                              "Invalid value: \"" + name + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}});
}

std::string warningHeader(const std::string& text) {
  std::string esc;
  for (char c : text) {
    if (c == '"' || c == '\\') esc += '\\';
    esc += c;
  }
  return "299 - \"" + esc + "\"";
}

struct ContinueToken {
  uint64_t rv = 0;
  std::string start;  // "namespace/name" of the first object of the next page
};

// Lists come out of the store ordered by (namespace, name); a continue token must resume in that
// order. Comparing "ns/name" strings would not: "apps/x" sorts after "apps-b/y" ('/' > '-'),
// so a page boundary at a namespace that prefixes another skipped or repeated objects.
bool beforeStart(const std::string& ns, const std::string& name, const std::string& start) {
  size_t slash = start.find('/');
  const std::string startNs = start.substr(0, slash);
  const std::string startName = slash == std::string::npos ? "" : start.substr(slash + 1);
  return ns != startNs ? ns < startNs : name < startName;
}

std::string encodeContinue(const ContinueToken& t) {
  return base64Encode(json{{"v", "meta.k8s.io/v1"}, {"rv", t.rv}, {"start", t.start}}.dump());
}

ContinueToken decodeContinue(const std::string& s) {
  std::string raw;
  if (!base64Decode(s, raw)) throw badRequest("continue key is not valid: illegal base64 data");
  json j = json::parse(raw, nullptr, false);
  if (j.is_discarded() || !j.contains("rv") || !j.contains("start")) throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  return {j["rv"].get<uint64_t>(), j["start"].get<std::string>()};
}
}  // namespace

std::string Api::manager(const HttpRequest& req) const {
  std::string m = req.param("fieldManager");
  if (!m.empty()) return m;
  std::string ua = req.header("user-agent");
  m = ua.substr(0, ua.find('/'));
  return m.empty() ? "unknown" : m;
}

json Api::decodeBody(const HttpRequest& req, const RequestInfo& ri) const {
  std::string mt = mediaType(req.header("content-type"));
  if (mt == "application/vnd.kubernetes.protobuf") {
    std::string err;
    auto obj = protobuf::decode(req.body, err);
    if (!obj) throw ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - " + err);
    return *obj;
  }
  json j;
  try {
    j = parseJsonOrYaml(req.body);
  } catch (const std::exception& e) {
    throw badRequest("couldn't get version/kind; json parse error: " + std::string(e.what()));
  }
  if (!j.is_object())
    throw badRequest(ri.rt->kind + " in version \"" + ri.version + "\" cannot be handled as a " + ri.rt->kind +
                     ": json: cannot unmarshal into Go value of type map[string]interface {}");
  return j;
}

json Api::toStorage(const RequestInfo& ri, json obj) const {
  const ResourceType& rt = *ri.rt;
  if (rt.group == "events.k8s.io") return builtins::eventToCore(obj);
  obj["apiVersion"] = rt.apiVersion(rt.custom ? rt.storageVersion : ri.version);
  obj["kind"] = rt.kind;
  return obj;
}

json Api::toVersion(const RequestInfo& ri, json obj) const {
  const ResourceType& rt = *ri.rt;
  if (rt.group == "events.k8s.io") return builtins::eventFromCore(obj);
  obj["apiVersion"] = rt.apiVersion(ri.version);
  obj["kind"] = rt.kind;
  return obj;
}

json Api::processCustom(const RequestInfo& ri, json obj, const HttpRequest& req, std::vector<std::string>& warnings) const {
  const ResourceType& rt = *ri.rt;
  const json* s = rt.schema(ri.version);
  if (!rt.custom || !s) return obj;
  schema::applyDefaults(obj, *s);
  auto unknown = schema::prune(obj, *s);
  std::string mode = req.param("fieldValidation");
  if (mode.empty()) mode = "Warn";
  if (!unknown.empty()) {
    if (mode == "Strict") {
      std::string msg = rt.kind + " in version \"" + ri.version + "\" cannot be handled as a " + rt.kind + ": strict decoding error: ";
      for (size_t i = 0; i < unknown.size(); ++i) msg += (i ? ", " : "") + std::string("unknown field \"") + unknown[i] + "\"";
      throw badRequest(msg);
    }
    if (mode == "Warn")
      for (const auto& u : unknown) warnings.push_back("unknown field \"" + u + "\"");
  }
  auto errs = schema::validate(obj, *s);
  if (!errs.empty()) throw invalid(rt, metaStr(obj, "name"), errs);
  return obj;
}

HttpResponse Api::objectResponse(const HttpRequest& req, const RequestInfo& ri, int code, const json& storedObj,
                                 const std::vector<std::string>& warnings) const {
  HttpResponse r;
  r.status = code;
  json obj = toVersion(ri, storedObj);
  if (table::wanted(req)) {
    r.contentType = table::kContentType;
    r.body = table::build(*ri.rt, ri.version, {obj}, req.param("includeObject"), {{"resourceVersion", metaStr(obj, "resourceVersion")}}).dump();
  } else {
    r.body = obj.dump();
  }
  for (const auto& w : warnings) r.headers.push_back({"Warning", warningHeader(w)});
  return r;
}

HttpResponse Api::getOne(const HttpRequest& req, const RequestInfo& ri) {
  const json* o = store_.get(ri.rt->storeGroup(), ri.plural, ri.ns, ri.name);
  if (!o) throw notFound(*ri.rt, ri.name);
  return objectResponse(req, ri, 200, *o, {});
}

HttpResponse Api::list(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  auto labels = parseLabelSelector(req.param("labelSelector"));
  auto fields = parseFieldSelector(req.param("fieldSelector"));
  if (rt.custom || rt.plural == "namespaces" || rt.plural == "customresourcedefinitions")
    for (const auto& f : fields)
      if (f.field != "metadata.name" && f.field != "metadata.namespace" && !(rt.plural == "namespaces" && f.field == "status.phase"))
        throw badRequest("field label not supported: " + f.field);
  std::string rvParam = req.param("resourceVersion");
  if (req.param("resourceVersionMatch") == "Exact" && !rvParam.empty() && std::stoull(rvParam) < store_.floor())
    throw ApiError(410, "Expired", "The resourceVersion for the provided list is too old.");

  ContinueToken token;
  bool continuing = !req.param("continue").empty();
  if (continuing) {
    token = decodeContinue(req.param("continue"));
    if (token.rv < store_.floor())
      throw ApiError(410, "Expired",
                     "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
  }
  long limit = req.has("limit") ? std::strtol(req.param("limit").c_str(), nullptr, 10) : 0;

  std::vector<json> matched;
  for (const json* o : store_.list(rt.storeGroup(), ri.plural, ri.ns)) {
    if (continuing && beforeStart(metaStr(*o, "namespace"), metaStr(*o, "name"), token.start)) continue;
    json v = toVersion(ri, *o);
    if (!labelsMatch(labels, v) || !fieldsMatch(fields, v)) continue;
    matched.push_back(std::move(v));
  }
  uint64_t listRv = continuing ? token.rv : store_.rv();
  json listMeta = {{"resourceVersion", std::to_string(listRv)}};
  if (limit > 0 && matched.size() > static_cast<size_t>(limit)) {
    const json& next = matched[limit];
    listMeta["continue"] = encodeContinue({listRv, metaStr(next, "namespace") + "/" + metaStr(next, "name")});
    listMeta["remainingItemCount"] = matched.size() - limit;
    matched.resize(limit);
  }
  HttpResponse r;
  if (table::wanted(req)) {
    r.contentType = table::kContentType;
    r.body = table::build(rt, ri.version, matched, req.param("includeObject"), listMeta).dump();
  } else {
    r.body = json{{"kind", rt.listKind}, {"apiVersion", rt.apiVersion(ri.version)}, {"metadata", listMeta}, {"items", matched}}.dump();
  }
  return r;
}

json Api::createObject(const HttpRequest& req, const RequestInfo& ri, json obj, std::vector<std::string>& warnings, bool dryRun) {
  const ResourceType& rt = *ri.rt;
  json& m = meta(obj);
  if (rt.namespaced) {
    std::string ns = m.value("namespace", "");
    if (!ns.empty() && ns != ri.ns) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    m["namespace"] = ri.ns;
    if (!store_.get("", "namespaces", "", ri.ns)) {
      static const ResourceType* nsType = registry_.find("", "v1", "namespaces");
      throw notFound(*nsType, ri.ns);
    }
  } else {
    m.erase("namespace");
  }
  std::string name = m.value("name", "");
  if (name.empty()) {
    std::string gen = m.value("generateName", "");
    if (gen.empty())
      throw invalid(rt, "", {{"FieldValueRequired", "metadata.name", "Required value: name or generateName is required"}});
    name = gen + randomSuffix(5);
    m["name"] = name;
  }
  checkName(rt, name);
  if (rt.custom && rt.statusSubresource) obj.erase("status");
  if (rt.group == "events.k8s.io") builtins::validateEventsV1(rt, obj);
  obj = processCustom(ri, obj, req, warnings);
  obj = toStorage(ri, obj);
  builtins::prepare(rt, obj, nullptr);
  if (rt.plural == "customresourcedefinitions") {
    auto errs = builtins::validateCrd(obj);
    if (!errs.empty()) throw invalid(rt, name, errs);
    Registry probe = registry_;
    if (auto err = probe.applyCrd(obj)) throw invalid(rt, name, {{"FieldValueInvalid", "spec", *err}});
    builtins::setCrdStatus(obj);
  }
  if (store_.get(rt.storeGroup(), ri.plural, rt.namespaced ? ri.ns : "", name)) throw alreadyExists(rt, name);
  json& mm = meta(obj);
  mm["uid"] = newUid();
  mm["creationTimestamp"] = nowRfc3339();
  mm.erase("deletionTimestamp");
  mm.erase("deletionGracePeriodSeconds");
  mm.erase("resourceVersion");
  if (rt.hasGeneration) mm["generation"] = 1;
  else mm.erase("generation");
  if (!mm.contains("managedFields") || mm["managedFields"].empty()) {
    mm.erase("managedFields");
    patch::recordUpdate(obj, json::object(), manager(req), rt.apiVersion(ri.version), "");
  }
  if (dryRun) return obj;
  obj["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
  store_.put(rt.storeGroup(), ri.plural, obj);
  if (rt.plural == "customresourcedefinitions") onCrdChanged(obj, false);
  return obj;
}

HttpResponse Api::create(const HttpRequest& req, const RequestInfo& ri) {
  json obj = decodeBody(req, ri);
  std::vector<std::string> warnings;
  json stored = createObject(req, ri, std::move(obj), warnings, dryRunOf(req));
  return objectResponse(req, ri, 201, stored, warnings);
}

json Api::commitUpdate(const HttpRequest& req, const RequestInfo& ri, const json& old, json next, bool dryRun,
                       bool managedFieldsSet, std::vector<std::string>& warnings) {
  const ResourceType& rt = *ri.rt;
  json& m = meta(next);
  const json& om = old["metadata"];
  for (const char* k : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    if (om.contains(k)) m[k] = om[k];
    else m.erase(k);
  }
  next = processCustom(ri, next, req, warnings);
  next = toStorage(ri, next);
  builtins::prepare(rt, next, old);
  const std::string name = metaStr(old, "name");
  if (rt.plural == "customresourcedefinitions") {
    auto errs = builtins::validateCrd(next);
    if (!errs.empty()) throw invalid(rt, name, errs);
    Registry probe = registry_;
    if (auto err = probe.applyCrd(next)) throw invalid(rt, name, {{"FieldValueInvalid", "spec", *err}});
    builtins::setCrdStatus(next);
  }
  if (om.contains("deletionTimestamp")) {
    auto before = finalizersOf(old);
    std::vector<std::string> added;
    for (const auto& f : finalizersOf(next))
      if (std::find(before.begin(), before.end(), f) == before.end()) added.push_back(f);
    if (!added.empty()) {
      std::string list = "[]string{";
      for (size_t i = 0; i < added.size(); ++i) list += (i ? ", " : "") + std::string("\"") + added[i] + "\"";
      list += "}";
      throw invalid(rt, name, {{"FieldValueForbidden", "metadata.finalizers",
                                "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers " + list}});
    }
  }
  json& nm = meta(next);
  if (!managedFieldsSet) {
    if (om.contains("managedFields")) nm["managedFields"] = om["managedFields"];
    else nm.erase("managedFields");
    patch::recordUpdate(next, old, manager(req), rt.apiVersion(ri.version), ri.sub);
  } else if (nm.contains("managedFields") && nm["managedFields"].empty()) {
    nm.erase("managedFields");
  }
  if (rt.hasGeneration && specPart(old, rt.statusSubresource) != specPart(next, rt.statusSubresource))
    next["metadata"]["generation"] = om.value("generation", 0) + 1;
  // A no-op write keeps its RV and emits nothing.
  if (withoutResourceVersion(old) == withoutResourceVersion(next)) return old;
  next["metadata"]["resourceVersion"] = om.value("resourceVersion", "");
  if (dryRun) return next;
  if (next["metadata"].contains("deletionTimestamp") && finalizersOf(next).empty()) return finalizeDelete(ri, next, false);
  next["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
  store_.put(rt.storeGroup(), ri.plural, next);
  if (rt.plural == "customresourcedefinitions") onCrdChanged(next, false);
  return next;
}

HttpResponse Api::update(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  const json* found = store_.get(rt.storeGroup(), ri.plural, ri.ns, ri.name);
  if (!found) throw notFound(rt, ri.name);
  json old = *found;
  json body = decodeBody(req, ri);
  std::string bodyName = metaStr(body, "name");
  if (bodyName != ri.name)
    throw badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + ri.name + ")");
  if (rt.namespaced && !metaStr(body, "namespace").empty() && metaStr(body, "namespace") != ri.ns)
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  std::string rv = metaStr(body, "resourceVersion");
  if (rv.empty()) {
    if (!rt.allowUnconditionalUpdate)
      throw invalid(rt, ri.name, {{"FieldValueInvalid", "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update"}});
  } else if (rv != metaStr(old, "resourceVersion")) {
    throw staleConflict(rt, ri.name);
  }
  json current = toVersion(ri, old);
  json next;
  if (ri.sub == "status") {
    next = current;
    if (body.contains("status")) next["status"] = body["status"];
    else next.erase("status");
  } else {
    next = body;
    if (rt.statusSubresource) {
      if (current.contains("status")) next["status"] = current["status"];
      else next.erase("status");
    }
  }
  bool mfSet = ri.sub.empty() && body["metadata"].contains("managedFields") &&
               body["metadata"]["managedFields"] != current["metadata"].value("managedFields", json(nullptr));
  std::vector<std::string> warnings;
  json stored = commitUpdate(req, ri, old, next, dryRunOf(req), mfSet, warnings);
  return objectResponse(req, ri, 200, stored, warnings);
}

HttpResponse Api::patchOne(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  std::string mt = mediaType(req.header("content-type"));
  const json* found = store_.get(rt.storeGroup(), ri.plural, ri.ns, ri.name);
  std::vector<std::string> warnings;
  bool dryRun = dryRunOf(req);
  const std::string accepted = "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

  if (mt == "application/apply-patch+yaml") {
    if (req.param("fieldManager").empty())
      throw ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                     {{"group", "meta.k8s.io"}, {"kind", "PatchOptions"}, {"causes", {{{"reason", "FieldValueRequired"}, {"message", "Required value: is required for apply patch"}, {"field", "fieldManager"}}}}});
    json applied;
    try {
      applied = parseJsonOrYaml(req.body);
    } catch (const std::exception& e) {
      throw badRequest(std::string("error decoding YAML: ") + e.what());
    }
    if (!applied.is_object()) throw badRequest("error decoding YAML: object expected");
    if (metaStr(applied, "name") != ri.name)
      throw badRequest("the name of the object (" + metaStr(applied, "name") + ") does not match the name on the URL (" + ri.name + ")");
    bool force = req.param("force") == "true";
    auto res = patch::serverSideApply(found ? toVersion(ri, *found) : json(nullptr), applied, req.param("fieldManager"),
                                      rt.apiVersion(ri.version), force, ri.sub);
    if (!res.conflicts.empty()) {
      json causes = json::array();
      std::string msg = "Apply failed with " + std::to_string(res.conflicts.size()) + " conflict" + (res.conflicts.size() > 1 ? "s" : "") + ": ";
      for (size_t i = 0; i < res.conflicts.size(); ++i) {
        const auto& [field, owner] = res.conflicts[i];
        std::string c = "conflict with \"" + owner + "\" using " + rt.apiVersion(ri.version);
        causes.push_back({{"reason", "FieldManagerConflict"}, {"message", c}, {"field", field}});
        msg += (i ? "\n" : "") + c + ": " + field;
      }
      throw ApiError(409, "Conflict", msg, {{"causes", causes}});
    }
    if (!found) {
      if (!ri.sub.empty()) throw notFound(rt, ri.name);
      json stored = createObject(req, ri, res.object, warnings, dryRun);
      return objectResponse(req, ri, 201, stored, warnings);
    }
    json old = *found;
    json next = res.object;
    json current = toVersion(ri, old);
    if (ri.sub == "status") {
      json n = current;
      n["metadata"]["managedFields"] = next["metadata"]["managedFields"];
      if (next.contains("status")) n["status"] = next["status"];
      next = n;
    } else if (rt.statusSubresource) {
      if (current.contains("status")) next["status"] = current["status"];
      else next.erase("status");
    }
    json stored = commitUpdate(req, ri, old, next, dryRun, true, warnings);
    return objectResponse(req, ri, 200, stored, warnings);
  }

  if (mt == "application/strategic-merge-patch+json" && rt.custom)
    throw ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - " + accepted);
  if (mt != "application/merge-patch+json" && mt != "application/json-patch+json" && mt != "application/strategic-merge-patch+json")
    throw ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - " + accepted + ", application/strategic-merge-patch+json");
  if (!found) throw notFound(rt, ri.name);
  json old = *found;
  json current = toVersion(ri, old);
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) throw badRequest("error decoding patch: invalid JSON");
  json patched;
  if (mt == "application/merge-patch+json") {
    if (!body.is_object()) throw badRequest("error decoding patch: a merge patch must be a JSON object");
    patched = patch::mergePatch(current, body);
  } else if (mt == "application/strategic-merge-patch+json") {
    if (!body.is_object()) throw badRequest("error decoding patch: a strategic merge patch must be a JSON object");
    patched = patch::strategicMerge(current, body);
  } else {
    try {
      patched = patch::jsonPatch(current, body);
    } catch (const std::invalid_argument& e) {
      throw badRequest(e.what());  // as DecodePatch's error
    } catch (const std::domain_error&) {
      // kube-apiserver answers a patch that does not apply (a failed `test`, a missing path) with
      // NewGenericServerResponse(422, …, isUnexpectedResponse=false): a fixed message and empty
      // details, the library's text dropped; kubectl prints "The request is invalid: <message>".
      throw ApiError(422, "Invalid", "the server rejected our request due to an error in our request", json::object());
    }
  }
  if (!patched.is_object()) throw badRequest("patch produced a non-object");
  std::string rv = metaStr(patched, "resourceVersion");
  if (!rv.empty() && rv != metaStr(old, "resourceVersion")) throw staleConflict(rt, ri.name);
  json next;
  if (ri.sub == "status") {
    next = current;
    if (patched.contains("status")) next["status"] = patched["status"];
    else next.erase("status");
  } else {
    next = patched;
    if (rt.statusSubresource) {
      if (current.contains("status")) next["status"] = current["status"];
      else next.erase("status");
    }
  }
  bool mfSet = ri.sub.empty() && patched["metadata"].value("managedFields", json(nullptr)) != current["metadata"].value("managedFields", json(nullptr));
  json stored = commitUpdate(req, ri, old, next, dryRun, mfSet, warnings);
  return objectResponse(req, ri, 200, stored, warnings);
}

json Api::finalizeDelete(const RequestInfo& ri, const json& obj, bool dryRun) {
  const ResourceType& rt = *ri.rt;
  json last = obj;
  if (dryRun) return last;
  last["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
  store_.erase(rt.storeGroup(), ri.plural, last);
  if (rt.plural == "customresourcedefinitions") onCrdChanged(last, true);
  if (rt.namespaced) collectDependents(metaStr(last, "namespace"), metaStr(last, "uid"));
  if (rt.group.empty() && rt.plural == "namespaces") {
    // The namespace controller's job, done at once: everything inside goes with the namespace.
    std::string ns = metaStr(last, "name");
    for (const auto* t : registry_.all()) {
      if (!t->namespaced || t->storageGroup) continue;  // shared storage: emptied through its owner
      std::vector<json> victims;
      for (const json* o : store_.list(t->group, t->plural, ns)) victims.push_back(*o);
      for (auto& v : victims) {
        v["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
        store_.erase(t->group, t->plural, v);
      }
    }
  }
  return last;
}

void Api::collectDependents(const std::string& ns, const std::string& ownerUid) {
  // The garbage collector's background deletion, done at once: objects in the owner's namespace
  // whose every ownerReference names it go with it (and theirs with them).
  if (ownerUid.empty()) return;
  for (const auto* t : registry_.all()) {
    if (!t->namespaced || t->storageGroup) continue;
    std::vector<json> victims;
    for (const json* o : store_.list(t->group, t->plural, ns)) {
      const json refs = (*o)["metadata"].value("ownerReferences", json::array());
      if (!refs.is_array() || refs.empty()) continue;
      bool onlyThisOwner = true;
      for (const auto& r : refs) onlyThisOwner = onlyThisOwner && r.is_object() && r.value("uid", "") == ownerUid;
      if (onlyThisOwner) victims.push_back(*o);
    }
    for (auto& v : victims) {
      v["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
      store_.erase(t->group, t->plural, v);
      collectDependents(ns, metaStr(v, "uid"));
    }
  }
}

void Api::onCrdChanged(const json& crd, bool deleted) {
  std::string name = metaStr(crd, "name");
  if (!deleted) {
    registry_.applyCrd(crd);
    return;
  }
  // Deleting a CRD removes its custom resources, then stops serving them.
  for (const auto* t : registry_.all()) {
    if (!t->custom || t->crdName != name) continue;
    std::vector<json> victims;
    for (const json* o : store_.list(t->group, t->plural, "")) victims.push_back(*o);
    for (auto& v : victims) {
      v["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
      store_.erase(t->group, t->plural, v);
    }
  }
  registry_.removeCrd(name);
}

HttpResponse Api::remove(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  const json* found = store_.get(rt.storeGroup(), ri.plural, ri.ns, ri.name);
  if (!found) throw notFound(rt, ri.name);
  json old = *found;
  json opts = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  if (opts.is_discarded() || !opts.is_object()) opts = json::object();
  bool dryRun = dryRunOf(req) || (opts.contains("dryRun") && opts["dryRun"].is_array() && !opts["dryRun"].empty());
  if (opts.contains("preconditions") && opts["preconditions"].is_object()) {
    const json& p = opts["preconditions"];
    if (p.contains("uid") && p["uid"].is_string() && p["uid"] != metaStr(old, "uid"))
      throw conflict(rt, ri.name, "Precondition failed: UID in precondition: " + p["uid"].get<std::string>() + ", UID in object meta: " + metaStr(old, "uid"));
    if (p.contains("resourceVersion") && p["resourceVersion"].is_string() && p["resourceVersion"] != metaStr(old, "resourceVersion"))
      throw conflict(rt, ri.name, "Precondition failed: ResourceVersion in precondition: " + p["resourceVersion"].get<std::string>() +
                                      ", ResourceVersion in object meta: " + metaStr(old, "resourceVersion"));
  }
  std::string policy = opts.value("propagationPolicy", "");
  bool foreground = policy == "Foreground" || (opts.contains("orphanDependents") && opts["orphanDependents"] == false);
  if (!finalizersOf(old).empty()) {
    if (old["metadata"].contains("deletionTimestamp")) return objectResponse(req, ri, 200, old, {});
    json next = old;
    next["metadata"]["deletionTimestamp"] = nowRfc3339();
    next["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (rt.hasGeneration && next["metadata"].value("generation", 0) > 0)
      next["metadata"]["generation"] = next["metadata"].value("generation", 0) + 1;
    if (!dryRun) {
      next["metadata"]["resourceVersion"] = std::to_string(store_.nextRv());
      store_.put(rt.storeGroup(), ri.plural, next);
    }
    return objectResponse(req, ri, foreground ? 202 : 200, next, {});
  }
  json last = finalizeDelete(ri, old, dryRun);
  if (rt.group.empty() && rt.plural == "namespaces") {
    last["metadata"]["deletionTimestamp"] = nowRfc3339();
    last["status"]["phase"] = "Terminating";
    return objectResponse(req, ri, 200, last, {});
  }
  json details = {{"name", ri.name}, {"kind", rt.plural}, {"uid", metaStr(old, "uid")}};
  if (!rt.group.empty()) details["group"] = rt.group;
  HttpResponse r;
  r.body = statusSuccess(details).dump();
  return r;
}

HttpResponse Api::removeCollection(const HttpRequest& req, const RequestInfo& ri) {
  const ResourceType& rt = *ri.rt;
  auto labels = parseLabelSelector(req.param("labelSelector"));
  auto fields = parseFieldSelector(req.param("fieldSelector"));
  std::vector<json> targets;
  for (const json* o : store_.list(rt.storeGroup(), ri.plural, ri.ns)) {
    json v = toVersion(ri, *o);
    if (labelsMatch(labels, v) && fieldsMatch(fields, v)) targets.push_back(*o);
  }
  json items = json::array();
  for (const auto& t : targets) {
    RequestInfo one = ri;
    one.name = metaStr(t, "name");
    one.ns = metaStr(t, "namespace");
    HttpRequest sub = req;
    remove(sub, one);
    items.push_back(toVersion(ri, t));
  }
  HttpResponse r;
  r.body = json{{"kind", rt.listKind}, {"apiVersion", rt.apiVersion(ri.version)},
                {"metadata", {{"resourceVersion", std::to_string(store_.rv())}}}, {"items", items}}.dump();
  return r;
}

}  // namespace kubeapi
