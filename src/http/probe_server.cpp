#include "http/probe_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// One connection: read one request, answer, close. Probes never pipeline.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const std::map<std::string, Handler>& routes)
      : stream_(std::move(socket)), routes_(routes) {}

  void run() {
    stream_.expires_after(std::chrono::seconds(5));  // a stalled client cannot hold the socket
    bhttp::async_read(stream_, buffer_, request_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->answer(ec); });
  }

 private:
  void answer(beast::error_code ec) {
    if (ec) return;
    Response r{404, "not found\n"};
    const std::string target(request_.target());
    const std::string path = target.substr(0, target.find('?'));
    if (request_.method() != bhttp::verb::get && request_.method() != bhttp::verb::head) {
      r = {405, "method not allowed\n"};
    } else if (auto it = routes_.find(path); it != routes_.end()) {
      r = it->second();
    }
    response_.version(request_.version());
    response_.result(static_cast<unsigned>(r.status));
    response_.set(bhttp::field::content_type, r.contentType);
    response_.keep_alive(false);
    if (request_.method() != bhttp::verb::head) response_.body() = std::move(r.body);
    response_.prepare_payload();
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  const std::map<std::string, Handler>& routes_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

struct ProbeServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::map<std::string, Handler> routes;
  std::thread thread;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(socket), routes)->run();
      accept();
    });
  }
};

core::Result<std::unique_ptr<ProbeServer>> ProbeServer::start(const BindAddress& address,
                                                              std::map<std::string, Handler> routes,
                                                              const std::string& flag) {
  auto impl = std::make_unique<Impl>();
  impl->routes = std::move(routes);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec) return core::invalid(flag, "\"" + address.host + "\" is not an IP address");
  const tcp::endpoint endpoint(ip, address.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::terminal("cannot listen on " + address.str() + ": " + ec.message());
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<ProbeServer>(new ProbeServer(std::move(impl)));
}

ProbeServer::ProbeServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ProbeServer::~ProbeServer() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

unsigned short ProbeServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace http
