#include "transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>

#include "api.hpp"
#include "util.hpp"

namespace kubeapi {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
HttpRequest toRequest(const http::request<http::string_body>& r) {
  HttpRequest out;
  out.method = std::string(r.method_string());
  out.target = std::string(r.target());
  auto q = out.target.find('?');
  out.path = urlDecode(out.target.substr(0, q));
  if (q != std::string::npos)
    for (const auto& kv : split(out.target.substr(q + 1), '&')) {
      if (kv.empty()) continue;
      auto eq = kv.find('=');
      out.query[urlDecode(kv.substr(0, eq))] = eq == std::string::npos ? "" : urlDecode(kv.substr(eq + 1));
    }
  for (const auto& f : r) out.headers[toLower(std::string(f.name_string()))] = std::string(f.value());
  out.body = r.body();
  return out;
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Api& api) : stream_(std::move(stream)), api_(api) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        beast::get_lowest_layer(self->stream_).expires_never();
        if (!ec) self->read();
      });
    } else {
      read();
    }
  }

  // Watch stream operations (io thread).
  void streamWrite(std::string chunk) {
    if (ended_) return;
    char head[32];
    std::snprintf(head, sizeof head, "%zx\r\n", chunk.size());
    queue_.push_back(std::string(head) + chunk + "\r\n");
    flush();
  }
  void streamEnd(bool graceful) {
    if (ended_) return;
    ended_ = true;
    for (auto& t : timers_) t->cancel();
    timers_.clear();
    if (graceful) {
      queue_.push_back("0\r\n\r\n");
      closeAfterFlush_ = true;
      flush();
    } else {
      closeSocket();
    }
    auto callbacks = std::move(onClose_);
    onClose_.clear();
    for (auto& cb : callbacks) cb();
  }
  void streamAfter(long ms, std::function<void()> fn) {
    if (ended_) return;
    auto t = std::make_shared<net::steady_timer>(stream_.get_executor(), std::chrono::milliseconds(ms));
    timers_.push_back(t);
    t->async_wait([self = this->shared_from_this(), t, fn = std::move(fn)](beast::error_code ec) {
      auto& ts = self->timers_;
      ts.erase(std::remove(ts.begin(), ts.end(), t), ts.end());
      if (ec || self->ended_) return;
      fn();
    });
  }
  void streamOnClose(std::function<void()> fn) {
    if (ended_) fn();
    else onClose_.push_back(std::move(fn));
  }
  bool streamOpen() const { return !ended_; }

 private:
  class Adapter : public WatchStream {
   public:
    explicit Adapter(std::shared_ptr<Session> s) : s_(std::move(s)) {}
    void write(std::string chunk) override { s_->streamWrite(std::move(chunk)); }
    void end() override { s_->streamEnd(true); }
    bool open() const override { return s_->streamOpen(); }
    void after(long ms, std::function<void()> fn) override { s_->streamAfter(ms, std::move(fn)); }
    void onClose(std::function<void()> fn) override { s_->streamOnClose(std::move(fn)); }

   private:
    std::shared_ptr<Session> s_;
  };

  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->closeSocket();
        return;
      }
      self->onRequest();
    });
  }

  void onRequest() {
    auto req = parser_->release();
    HttpRequest hr = toRequest(req);
    HttpResponse res = api_.handle(hr);
    if (res.stream) {
      startStream(res);
      return;
    }
    auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), req.version());
    msg->set(http::field::content_type, res.contentType);
    msg->set("Audit-Id", newUid());
    msg->set(http::field::cache_control, "no-cache, private");
    for (const auto& [k, v] : res.headers) {
      if (beast::iequals(k, "Cache-Control")) msg->set(http::field::cache_control, v);
      else msg->insert(k, v);
    }
    msg->keep_alive(req.keep_alive());
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    http::async_write(stream_, *msg, [self = this->shared_from_this(), msg](beast::error_code ec, size_t) {
      if (ec || !msg->keep_alive()) {
        self->closeSocket();
        return;
      }
      self->read();
    });
  }

  void startStream(HttpResponse& res) {
    queue_.push_back("HTTP/1.1 200 OK\r\nContent-Type: " + res.contentType +
                     "\r\nCache-Control: no-cache, private\r\nTransfer-Encoding: chunked\r\nAudit-Id: " + newUid() +
                     "\r\n\r\n");
    flush();
    watchDisconnect();
    res.stream(std::make_shared<Adapter>(this->shared_from_this()));
  }

  // A watch client that goes away shows up as a failed read; nothing else is expected from it.
  void watchDisconnect() {
    stream_.async_read_some(net::buffer(sink_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->streamEnd(false);
        return;
      }
      self->watchDisconnect();
    });
  }

  void flush() {
    if (writing_) return;
    if (queue_.empty()) {
      if (closeAfterFlush_) closeSocket();
      return;
    }
    writing_ = true;
    net::async_write(stream_, net::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->writing_ = false;
      self->queue_.pop_front();
      if (ec) {
        self->queue_.clear();
        self->streamEnd(false);
        return;
      }
      self->flush();
    });
  }

  void closeSocket() {
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    if (sock.is_open()) {
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
    }
  }

  Stream stream_;
  Api& api_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<std::string> queue_;
  bool writing_ = false, ended_ = false, closeAfterFlush_ = false;
  std::vector<std::shared_ptr<net::steady_timer>> timers_;
  std::vector<std::function<void()>> onClose_;
  std::array<char, 512> sink_{};
};
}  // namespace

struct Transport::Impl {
  net::io_context& ioc;
  Api& api;
  net::ssl::context* ssl;
  tcp::acceptor acceptor;
  Impl(net::io_context& i, Api& a, net::ssl::context* s) : ioc(i), api(a), ssl(s), acceptor(i) {}

  void accept() {
    acceptor.async_accept(ioc, [this](beast::error_code ec, tcp::socket sock) {
      if (ec) return;  // acceptor closed
      sock.set_option(tcp::no_delay(true));
      if (ssl) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(sock)), *ssl), api)
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(sock)), api)->start();
      }
      accept();
    });
  }
};

Transport::Transport(net::io_context& ioc, Api& api, net::ssl::context* ssl)
    : impl_(std::make_unique<Impl>(ioc, api, ssl)) {}
Transport::~Transport() = default;

unsigned short Transport::listen(unsigned short port) {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->accept();
  return impl_->acceptor.local_endpoint().port();
}

void Transport::close() {
  beast::error_code ec;
  impl_->acceptor.close(ec);
}

}  // namespace kubeapi
