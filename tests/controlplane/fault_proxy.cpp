#include "controlplane/fault_proxy.hpp"

#include <sys/socket.h>

#include <atomic>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "controlplane/control_plane.hpp"

namespace controlplane {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// Unblocks whatever a thread is doing on the socket: blocking reads and writes on it return.
void cut(int fd) {
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

std::string reasonOf(int code) {
  switch (code) {
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "";
  }
}

bool isWatch(const std::string& target) {
  return target.find("watch=true") != std::string::npos || target.find("watch=1") != std::string::npos;
}

}  // namespace

// One client connection: its socket descriptors (for cutting it from other threads) and whether
// it is streaming a watch now.
struct Connection {
  std::atomic<int> clientFd{-1}, upstreamFd{-1};
  std::atomic<bool> watching{false};
  // Called with the proxy's mutex held, as is forget(): a descriptor is never cut after its
  // socket closed, when the number may already be another connection's.
  void close() {
    cut(clientFd);
    cut(upstreamFd);
  }
  void forget() {
    clientFd = -1;
    upstreamFd = -1;
  }
};

struct FaultProxy::Impl {
  FaultProxyOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  tcp::endpoint upstream;
  ssl::context serverTls{ssl::context::tls_server};
  ssl::context clientTls{ssl::context::tls_client};
  std::thread acceptThread;
  std::atomic<bool> stopping{false};

  mutable std::mutex mutex;  // guards what follows
  std::list<std::shared_ptr<Connection>> connections;
  std::list<std::thread> threads;
  std::vector<InjectedAnswer> answers;
  std::vector<std::string> cutTargets;
  std::vector<SeenRequest> seen;

  // The injected answer for this request, if one is due (consuming one use of it).
  std::optional<InjectedAnswer> answerFor(const std::string& method, const std::string& target) {
    std::lock_guard lock(mutex);
    for (auto it = answers.begin(); it != answers.end(); ++it) {
      if (!it->method.empty() && it->method != method) continue;
      if (target.find(it->targetPart) == std::string::npos) continue;
      if (it->skip > 0) {
        --it->skip;
        return std::nullopt;
      }
      InjectedAnswer due = *it;
      if (--it->times <= 0) answers.erase(it);
      return due;
    }
    return std::nullopt;
  }

  bool takeCut(const std::string& target) {
    std::lock_guard lock(mutex);
    for (auto it = cutTargets.begin(); it != cutTargets.end(); ++it)
      if (target.find(*it) != std::string::npos) return cutTargets.erase(it), true;
    return false;
  }

  void record(const std::string& method, const std::string& target, bool injected) {
    std::lock_guard lock(mutex);
    seen.push_back({method, target, injected});
  }

  void acceptLoop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (ec || stopping) return;
      auto connection = std::make_shared<Connection>();
      connection->clientFd = socket.native_handle();
      std::lock_guard lock(mutex);
      connections.push_back(connection);
      threads.emplace_back([this, connection, s = std::move(socket)]() mutable { serve(*connection, std::move(s)); });
    }
  }

  void serve(Connection& connection, tcp::socket socket) {
    boost::system::error_code ec;
    if (!options.tls) return relay(connection, socket);
    ssl::stream<tcp::socket> stream(std::move(socket), serverTls);
    stream.handshake(ssl::stream_base::server, ec);
    if (!ec) return relay(connection, stream);
    std::lock_guard lock(mutex);
    connection.forget();
  }

  // Requests from the client, one after the other on its connection, each answered by the
  // server (through a connection of its own, kept alive alongside) or by an injected fault.
  template <class ClientStream>
  void relay(Connection& connection, ClientStream& client) {
    beast::flat_buffer clientBuffer, upstreamBuffer;
    std::unique_ptr<ssl::stream<tcp::socket>> server;
    boost::system::error_code ec;
    for (;;) {
      http::request<http::string_body> request;
      http::read(client, clientBuffer, request, ec);
      if (ec) break;
      const std::string method(request.method_string()), target(request.target());
      if (auto due = answerFor(method, target)) {
        record(method, target, true);
        http::response<http::string_body> answer{static_cast<http::status>(due->code), request.version()};
        answer.set(http::field::content_type, "application/json");
        if (due->retryAfterSeconds >= 0) answer.set(http::field::retry_after, std::to_string(due->retryAfterSeconds));
        answer.body() = nlohmann::json{{"kind", "Status"},
                                       {"apiVersion", "v1"},
                                       {"status", "Failure"},
                                       {"message", "injected by the test's fault proxy"},
                                       {"reason", reasonOf(due->code)},
                                       {"code", due->code}}
                            .dump();
        answer.keep_alive(request.keep_alive());
        answer.prepare_payload();
        http::write(client, answer, ec);
        if (ec || !request.keep_alive()) break;
        continue;
      }
      record(method, target, false);
      if (!server) {
        server = std::make_unique<ssl::stream<tcp::socket>>(io, clientTls);
        server->next_layer().connect(upstream, ec);
        if (!ec) server->handshake(ssl::stream_base::client, ec);
        if (ec) break;
        std::lock_guard lock(mutex);
        connection.upstreamFd = server->next_layer().native_handle();
        upstreamBuffer.clear();
      }
      http::write(*server, request, ec);
      if (ec) break;
      connection.watching = isWatch(target);
      const bool keepAlive = relayResponse(client, *server, upstreamBuffer, request.method() == http::verb::head, target, ec);
      connection.watching = false;
      if (ec || !keepAlive) break;
    }
    std::lock_guard lock(mutex);
    connection.close();
    connection.forget();
  }

  // The server's response, passed on piece by piece as it arrives (a watch's events as they come);
  // whether both connections stay usable for the next request.
  template <class ClientStream>
  bool relayResponse(ClientStream& client, ssl::stream<tcp::socket>& server, beast::flat_buffer& buffer, bool head,
                     const std::string& target, boost::system::error_code& ec) {
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head);
    http::read_header(server, buffer, parser, ec);
    if (ec) return false;
    http::response_serializer<http::buffer_body> serializer(parser.get());
    auto& body = parser.get().body();
    body.data = nullptr;
    body.more = !parser.is_done();
    http::write_header(client, serializer, ec);
    if (ec) return false;
    std::array<char, 8192> piece;
    while (!parser.is_done()) {
      body.data = piece.data();
      body.size = piece.size();
      http::read_some(server, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return false;
      const size_t got = piece.size() - body.size;
      if (got == 0 && !parser.is_done()) continue;  // only framing so far
      body.data = piece.data();
      body.size = got;
      body.more = !parser.is_done();
      const bool cutHere = got > 1 && isWatch(target) && takeCut(target);
      if (cutHere) body.size = got / 2, body.more = true;
      http::write(client, serializer, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return false;
      if (cutHere) return false;
    }
    // The chunked body's last chunk, when the parser ended on one.
    if (!serializer.is_done()) {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
      http::write(client, serializer, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return false;
    }
    return parser.keep_alive();
  }
};

FaultProxy::FaultProxy(const ControlPlane& plane, FaultProxyOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->upstream = {asio::ip::make_address("127.0.0.1"), plane.apiPort()};
  impl_->serverTls.use_certificate_chain_file(plane.pki().servingCert);
  impl_->serverTls.use_private_key_file(plane.pki().servingKey, ssl::context::pem);
  impl_->clientTls.load_verify_file(plane.pki().caCert);
  impl_->clientTls.set_verify_mode(ssl::verify_peer);
  impl_->acceptThread = std::thread([this] { impl_->acceptLoop(); });
}

FaultProxy::~FaultProxy() {
  impl_->stopping = true;
  cut(impl_->acceptor.native_handle());
  impl_->acceptThread.join();
  std::list<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& c : impl_->connections) c->close();
    threads.swap(impl_->threads);
  }
  for (auto& t : threads) t.join();
}

unsigned short FaultProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string FaultProxy::url() const {
  return std::string(impl_->options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

void FaultProxy::inject(const InjectedAnswer& answer) {
  std::lock_guard lock(impl_->mutex);
  impl_->answers.push_back(answer);
}

void FaultProxy::stopInjecting() {
  std::lock_guard lock(impl_->mutex);
  impl_->answers.clear();
}

size_t FaultProxy::dropWatches() {
  std::lock_guard lock(impl_->mutex);
  size_t n = 0;
  for (auto& c : impl_->connections)
    if (c->watching) c->close(), ++n;
  return n;
}

void FaultProxy::cutNextWatchEvent(const std::string& targetPart) {
  std::lock_guard lock(impl_->mutex);
  impl_->cutTargets.push_back(targetPart);
}

size_t FaultProxy::openWatches() const {
  std::lock_guard lock(impl_->mutex);
  size_t n = 0;
  for (auto& c : impl_->connections) n += c->watching ? 1 : 0;
  return n;
}

std::vector<SeenRequest> FaultProxy::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen;
}

}  // namespace controlplane
