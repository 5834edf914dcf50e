#pragma once
// Transport-neutral request/response values: the API layer never sees Beast.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kubeapi {

struct HttpRequest {
  std::string method;
  std::string target;                         // path + query as sent
  std::string path;                           // decoded path, no query
  std::map<std::string, std::string> query;   // decoded, last value wins
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;

  std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  bool has(const std::string& name) const { return query.count(name) != 0; }
};

// A long-lived chunked response (watch). Lives on the io thread; write() queues a chunk.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual void write(std::string chunk) = 0;
  virtual void end() = 0;  // last chunk, then the connection closes
  virtual bool open() const = 0;
  // Runs fn on the io thread after ms unless the stream has ended; fn may reschedule.
  virtual void after(long ms, std::function<void()> fn) = 0;
  // Called once when the stream ends for any reason (timeout, drop, client gone).
  virtual void onClose(std::function<void()> fn) = 0;
};
using WatchStreamPtr = std::shared_ptr<WatchStream>;

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set the transport answers 200 chunked with contentType and hands the stream over.
  std::function<void(WatchStreamPtr)> stream;
};

}  // namespace kubeapi
