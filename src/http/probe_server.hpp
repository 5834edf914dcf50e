#pragma once
// A small HTTP/1.1 server for the kubelet's probes (/healthz, /readyz) and Prometheus' scrapes
// (/metrics): GET and HEAD only, one answer per connection, on its own thread.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "http/bind_address.hpp"

namespace http {

struct Response {
  int status = 200;
  std::string body;
  std::string contentType = "text/plain; charset=utf-8";
};

using Handler = std::function<Response()>;

class ProbeServer {
 public:
  // Listens at once (port 0: a free port), answering the given paths; 404 for others.
  // `flag` names the option the address came from, for errors.
  static core::Result<std::unique_ptr<ProbeServer>> start(const BindAddress& address,
                                                          std::map<std::string, Handler> routes,
                                                          const std::string& flag = "--health-probe-bind-address");
  ~ProbeServer();  // stops listening and joins the thread
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

  unsigned short port() const;

 private:
  struct Impl;
  explicit ProbeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace http
