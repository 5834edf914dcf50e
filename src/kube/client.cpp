#include "kube/client.hpp"

#include <algorithm>

namespace kube {

namespace {

// The server URL's host[:port] as written (client-go's `host` label), without any user:password@.
std::string hostOf(const std::string& server) {
  const size_t scheme = server.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t end = std::min(server.find('/', start), server.size());
  if (const size_t at = server.rfind('@', end); at != std::string::npos && at >= start) start = at + 1;
  return server.substr(start, end - start);
}

}  // namespace

core::Millis retryDelay(const RetryPolicy& p, int retry, double jitter, std::optional<int> retryAfterSeconds) {
  if (retryAfterSeconds && *retryAfterSeconds >= 0)
    return std::min<core::Millis>(std::chrono::seconds(*retryAfterSeconds), p.maxRetryAfter);
  return core::jittered(core::backoffDelay(p.backoff, retry), jitter);
}

bool retryable(const std::string& method, const ApiError& e) {
  if (e.kind != core::ErrorKind::Transient) return false;
  if (method == "POST") return e.code == 429 || e.retryAfterSeconds.has_value();
  return true;
}

core::Result<std::unique_ptr<Client>> Client::create(const ClusterConfig& config, ClientOptions options,
                                                     core::Clock& clock, Jitter jitter) {
  auto transport = makeHttpTransport(config, options.transport);
  if (!transport) return transport.error();
  return std::make_unique<Client>(std::move(*transport), config, std::move(options), clock, std::move(jitter));
}

Client::Client(std::unique_ptr<Transport> transport, const ClusterConfig& config, ClientOptions options,
               core::Clock& clock, Jitter jitter)
    : transport_(std::move(transport)),
      config_(config),
      options_(std::move(options)),
      clock_(clock),
      jitter_(std::move(jitter)),
      auth_(config, clock),
      host_(hostOf(config.server)) {}

void Client::observe(const std::string& method, int status) const {
  if (options_.onRequest) options_.onRequest(method, host_, status);
}

Headers Client::headers() {
  Headers h;
  if (auto a = auth_.header()) h.emplace_back("Authorization", *a);
  return h;
}

ApiResult<nlohmann::json> Client::call(const Request& request, const CallOptions& callOptions) {
  const int attempts = std::max(1, callOptions.maxAttempts.value_or(options_.retry.maxAttempts));
  const core::Millis timeout = callOptions.timeout.value_or(options_.requestTimeout);
  bool reauthenticated = false;
  for (int attempt = 1;; ++attempt) {
    if (shutdown_.stop_requested()) return transportError(request.method + " " + request.path + ": client shut down");
    auto res = transport_->roundTrip(request, headers(), timeout);
    observe(request.method, res ? res->status : 0);
    ApiError err;
    if (res && res->status >= 200 && res->status < 300) {
      if (res->body.empty()) return ApiResult<nlohmann::json>(boost::system::in_place_value, nlohmann::json::object());
      auto body = nlohmann::json::parse(res->body, nullptr, false);
      if (body.is_discarded()) {
        ApiError bad = transportError(request.method + " " + request.path + ": response is not JSON");
        bad.kind = core::ErrorKind::Terminal;
        bad.code = res->status;
        return bad;
      }
      return ApiResult<nlohmann::json>(boost::system::in_place_value, std::move(body));
    }
    err = res ? fromResponse(res->status, res->body, res->retryAfterSeconds) : res.error();
    if (err.code == 401 && !reauthenticated && !config_.tokenFile.empty()) {
      // A rotated projected token: re-read the file and try once more right away.
      auth_.invalidate();
      reauthenticated = true;
      --attempt;
      continue;
    }
    if (attempt >= attempts || !retryable(request.method, err)) return err;
    core::Millis delay = retryDelay(options_.retry, attempt, jitter_(), err.retryAfterSeconds);
    if (!clock_.sleepFor(delay, shutdown_.get_token())) return err;
  }
}

ApiResult<void> Client::watch(const Request& request, const std::function<bool(const nlohmann::json&)>& onEvent,
                              std::stop_token stop) {
  core::Millis timeout = std::chrono::hours(2);
  if (auto t = request.query.find("timeoutSeconds"); t != request.query.end()) {
    try {
      timeout = std::chrono::seconds(std::stoi(t->second)) + options_.watchMargin;
    } catch (...) {
    }
  }
  // One stop for the stream: the caller's token or the client's shutdown.
  std::stop_source local;
  std::stop_callback fromCaller(stop, [&] { local.request_stop(); });
  std::stop_callback fromShutdown(shutdown_.get_token(), [&] { local.request_stop(); });
  std::optional<ApiError> bad;
  auto res = transport_->stream(
      request, headers(), timeout,
      [&](std::string_view line) {
        auto event = nlohmann::json::parse(line, nullptr, false);
        if (!event.is_object()) {
          bad = transportError("watch " + request.path + ": undecodable event");
          return false;
        }
        return onEvent(event);
      },
      local.get_token());
  observe(request.method, res ? res->status : 0);
  if (!res) return res.error();
  if (res->status != 200) {
    ApiError e = fromResponse(res->status, res->body, res->retryAfterSeconds);
    if (e.code == 401) auth_.invalidate();
    return e;
  }
  if (bad) return *bad;
  return {};
}

}  // namespace kube
