#pragma once
// A scripted Transport: tests answer requests with a function and read back what was sent.
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kube/client.hpp"
#include "kube/transport.hpp"

namespace kube::testing {

struct Sent {
  Request request;
  Headers headers;
  core::Millis timeout;
};

inline HttpResponse json(int status, const nlohmann::json& body, std::optional<int> retryAfter = {}) {
  return HttpResponse{status, "application/json", body.dump(), retryAfter};
}

inline nlohmann::json status(int code, const std::string& reason, const std::string& message = "msg") {
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()}, {"status", "Failure"},
          {"message", message}, {"reason", reason}, {"code", code}};
}

// A watch stream's script: lines to deliver, then the response to return.
struct StreamScript {
  std::vector<std::string> lines;
  ApiResult<HttpResponse> end = HttpResponse{200, "application/json", "", {}};
};

class FakeTransport final : public Transport {
 public:
  std::function<ApiResult<HttpResponse>(const Request&)> respond;
  std::deque<StreamScript> streams;  // consumed one per stream() call
  std::vector<Sent> sent;
  std::vector<Sent> watches;

  ApiResult<HttpResponse> roundTrip(const Request& r, const Headers& h, core::Millis timeout) override {
    sent.push_back({r, h, timeout});
    return respond(r);
  }
  ApiResult<HttpResponse> stream(const Request& r, const Headers& h, core::Millis timeout,
                                 const std::function<bool(std::string_view)>& onLine, std::stop_token stop) override {
    watches.push_back({r, h, timeout});
    if (streams.empty()) {
      onStreamsExhausted();
      return HttpResponse{200, "application/json", "", {}};
    }
    StreamScript s = std::move(streams.front());
    streams.pop_front();
    for (const auto& l : s.lines) {
      if (stop.stop_requested()) return HttpResponse{200, "", "", {}};
      if (!onLine(l)) return HttpResponse{200, "", "", {}};
    }
    return s.end;
  }
  std::function<void()> onStreamsExhausted = [] {};
};

// A Client over a FakeTransport the test keeps a pointer to.
struct FakeClient {
  FakeTransport* transport;
  std::unique_ptr<Client> client;
};

inline FakeClient makeFakeClient(core::Clock& clock, ClusterConfig config = {}, ClientOptions options = {},
                                 double jitter = 1.0) {
  auto t = std::make_unique<FakeTransport>();
  FakeTransport* raw = t.get();
  if (config.server.empty()) config.server = "https://127.0.0.1:6443";
  auto c = std::make_unique<Client>(std::move(t), config, options, clock, [jitter] { return jitter; });
  return {raw, std::move(c)};
}

}  // namespace kube::testing
