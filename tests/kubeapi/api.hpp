#pragma once
// The API server proper: turns HttpRequests into HttpResponses over the registry and the store.
// Runs on the io thread; every entry point takes mu_, so tests may call the accessors from any thread.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "faults.hpp"
#include "http_types.hpp"
#include "options.hpp"
#include "registry.hpp"
#include "store.hpp"

namespace kubeapi {

struct RequestInfo {
  std::string verb, group, version, plural, ns, name, sub;
  const ResourceType* rt = nullptr;
};

class Api {
 public:
  explicit Api(ServerOptions opts);
  HttpResponse handle(const HttpRequest& req);

  void setServerAddress(std::string hostPort);
  std::vector<CallRecord> calls() const;
  json get(const std::string& group, const std::string& version, const std::string& plural, const std::string& ns,
           const std::string& name) const;
  void compact();
  void failNext(const std::string& method, const std::string& pathRegex, int code, int times, int retryAfter);
  void dropWatches();  // io thread only
  size_t openWatches() const;

 private:
  HttpResponse route(const HttpRequest& req);
  HttpResponse resource(const HttpRequest& req, RequestInfo& ri);
  bool parseResourcePath(const std::vector<std::string>& segs, size_t start, RequestInfo& ri) const;

  // handlers.cpp
  HttpResponse getOne(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse list(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse create(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse update(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse patchOne(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse remove(const HttpRequest& req, const RequestInfo& ri);
  HttpResponse removeCollection(const HttpRequest& req, const RequestInfo& ri);

  // Shared write paths.
  json decodeBody(const HttpRequest& req, const RequestInfo& ri) const;
  json toStorage(const RequestInfo& ri, json obj) const;    // request version -> stored form
  json toVersion(const RequestInfo& ri, json obj) const;    // stored form -> the request's version
  json processCustom(const RequestInfo& ri, json obj, const HttpRequest& req, std::vector<std::string>& warnings) const;
  json createObject(const HttpRequest& req, const RequestInfo& ri, json obj, std::vector<std::string>& warnings, bool dryRun);
  // Commits an update of `old` to `next` (generation, finalizers, RV, events); returns the stored object.
  json commitUpdate(const HttpRequest& req, const RequestInfo& ri, const json& old, json next, bool dryRun,
                    bool managedFieldsSet, std::vector<std::string>& warnings);
  json finalizeDelete(const RequestInfo& ri, const json& obj, bool dryRun);
  void collectDependents(const std::string& ns, const std::string& ownerUid);
  void onCrdChanged(const json& crd, bool deleted);
  std::string manager(const HttpRequest& req) const;
  HttpResponse objectResponse(const HttpRequest& req, const RequestInfo& ri, int code, const json& storedObj,
                              const std::vector<std::string>& warnings) const;

  // watch.cpp
  HttpResponse watch(const HttpRequest& req, const RequestInfo& ri);

  ServerOptions opts_;
  mutable std::recursive_mutex mu_;
  Registry registry_;
  Store store_;
  Faults faults_;
  std::vector<CallRecord> calls_;
  std::map<uint64_t, WatchStreamPtr> streams_;
  uint64_t nextStream_ = 1;
  std::string serverAddress_ = "127.0.0.1:0";
};

}  // namespace kubeapi
