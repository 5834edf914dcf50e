#include "kube/transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>

namespace kube {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

struct ServerUrl {
  bool tls = true;
  std::string host;      // without brackets
  std::string port;
  std::string basePath;  // "" or "/prefix"
  std::string hostHeader;
};

core::Result<ServerUrl> parseServer(const std::string& server) {
  ServerUrl u;
  std::string rest;
  if (server.rfind("https://", 0) == 0) {
    rest = server.substr(8);
  } else if (server.rfind("http://", 0) == 0) {
    u.tls = false;
    rest = server.substr(7);
  } else {
    return core::invalid("server", "server URL must start with https:// or http://: " + server);
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.basePath = rest.substr(slash);
  while (!u.basePath.empty() && u.basePath.back() == '/') u.basePath.pop_back();
  if (authority.empty()) return core::invalid("server", "server URL has no host: " + server);
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return core::invalid("server", "bad IPv6 host in " + server);
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  }
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  u.hostHeader = authority;
  return u;
}

bool isIpLiteral(const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Connection {
  net::io_context ioc;
  std::optional<beast::tcp_stream> tcp;
  std::optional<TlsStream> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

// Runs one async operation to completion on the connection's io_context.
template <class Start>
error_code run(Connection& c, Start start) {
  error_code result = net::error::would_block;
  start([&](error_code ec, auto&&...) { result = ec; });
  c.ioc.restart();
  c.ioc.run();
  return result;
}

// Calls f with the TLS or the plain stream.
template <class F>
error_code withStream(Connection& c, F f) {
  if (c.tls) return f(*c.tls);
  return f(*c.tcp);
}

bool isEndOfStream(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == ssl::error::stream_truncated;
}

std::string describe(const error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

class HttpTransport final : public Transport {
 public:
  HttpTransport(ServerUrl url, const ClusterConfig& config, TransportOptions options)
      : url_(std::move(url)), options_(std::move(options)), ssl_(ssl::context::tls_client) {
    insecure_ = config.insecureSkipTlsVerify;
    verifyName_ = config.tlsServerName.empty() ? url_.host : config.tlsServerName;
  }

  core::Result<void> init(const ClusterConfig& config) {
    if (!url_.tls) return {};
    try {
      ssl_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      if (!config.caPem.empty()) {
        ssl_.add_certificate_authority(net::buffer(config.caPem));
      } else {
        ssl_.set_default_verify_paths();
      }
    } catch (const boost::system::system_error& e) {
      return core::invalid("certificate-authority", std::string("unusable CA certificate: ") + e.what());
    }
    if (!config.clientCertPem.empty()) {
      try {
        ssl_.use_certificate_chain(net::buffer(config.clientCertPem));
      } catch (const boost::system::system_error& e) {
        return core::invalid("client-certificate", std::string("unusable client certificate: ") + e.what());
      }
      try {
        ssl_.use_private_key(net::buffer(config.clientKeyPem), ssl::context::pem);
      } catch (const boost::system::system_error&) {
        return core::invalid("client-key", "unusable client key (***)");
      }
    }
    ssl_.set_verify_mode(insecure_ ? ssl::verify_none : ssl::verify_peer);
    return {};
  }

  ApiResult<HttpResponse> roundTrip(const Request& request, const Headers& headers, core::Millis timeout) override {
    for (int attempt = 0;; ++attempt) {
      bool reused = false;
      std::unique_ptr<Connection> c = takeIdle();
      if (c) {
        reused = true;
      } else {
        auto fresh = connect(std::min(options_.connectTimeout, timeout));  // a call's deadline covers its connect
        if (!fresh) return fresh.error();
        c = std::move(*fresh);
      }
      auto req = build(request, headers);
      c->lowest().expires_after(timeout);
      error_code ec = withStream(*c, [&](auto& s) { return run(*c, [&](auto h) { http::async_write(s, req, h); }); });
      const bool writeFailed = static_cast<bool>(ec);
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{512} << 20);
      if (!ec) ec = withStream(*c, [&](auto& s) {
        return run(*c, [&](auto h) { http::async_read(s, c->buffer, parser, h); });
      });
      if (ec) {
        // A pooled connection the server closed while idle fails at once: retry on a fresh one,
        // unless it may have been a create the server already processed.
        bool safe = writeFailed || request.method != "POST";
        if (reused && attempt == 0 && safe && ec != beast::error::timeout) continue;
        return transportError(request.method + " " + request.path + ": " + describe(ec));
      }
      auto& res = parser.get();
      HttpResponse out = toResponse(res);
      out.body = std::move(res.body());
      if (res.keep_alive()) giveBack(std::move(c));
      return out;
    }
  }

  ApiResult<HttpResponse> stream(const Request& request, const Headers& headers, core::Millis timeout,
                                 const std::function<bool(std::string_view)>& onLine, std::stop_token stop) override {
    auto fresh = connect(options_.connectTimeout);
    if (!fresh) return fresh.error();
    std::unique_ptr<Connection> c = std::move(*fresh);
    // Cancels whatever operation is pending (or the next one) on the connection's own thread.
    std::stop_callback onStop(stop, [&c] {
      net::post(c->ioc, [conn = c.get()] { conn->lowest().cancel(); });
    });
    auto req = build(request, headers);
    c->lowest().expires_after(timeout);
    error_code ec = withStream(*c, [&](auto& s) { return run(*c, [&](auto h) { http::async_write(s, req, h); }); });
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    if (!ec) ec = withStream(*c, [&](auto& s) {
      return run(*c, [&](auto h) { http::async_read_header(s, c->buffer, parser, h); });
    });
    if (stop.stop_requested()) return HttpResponse{200, {}, {}, {}};
    if (ec) return transportError("watch " + request.path + ": " + describe(ec));
    HttpResponse out = toResponse(parser.get());
    std::string pending;
    char chunk[16384];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      ec = withStream(*c, [&](auto& s) {
        return run(*c, [&](auto h) { http::async_read_some(s, c->buffer, parser, h); });
      });
      if (ec == http::error::need_buffer) ec = {};
      size_t n = sizeof chunk - parser.get().body().size;
      if (out.status != 200) {
        out.body.append(chunk, n);
      } else {
        pending.append(chunk, n);
        size_t start = 0, nl;
        while ((nl = pending.find('\n', start)) != std::string::npos) {
          std::string_view line(pending.data() + start, nl - start);
          start = nl + 1;
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          if (!line.empty() && !onLine(line)) return out;
        }
        pending.erase(0, start);
      }
      if (stop.stop_requested()) return out;
      if (ec) {
        if (isEndOfStream(ec) || ec == beast::error::timeout || ec == net::error::operation_aborted) break;
        return transportError("watch " + request.path + ": " + describe(ec));
      }
    }
    if (out.status == 200 && !pending.empty()) onLine(pending);
    return out;
  }

 private:
  std::unique_ptr<Connection> takeIdle() {
    std::lock_guard l(m_);
    if (idle_.empty()) return nullptr;
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  void giveBack(std::unique_ptr<Connection> c) {
    std::lock_guard l(m_);
    if (idle_.size() < options_.maxIdleConnections) idle_.push_back(std::move(c));
  }

  template <class Res>
  HttpResponse toResponse(const Res& res) {
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.contentType = std::string(res[http::field::content_type]);
    auto ra = res[http::field::retry_after];
    if (!ra.empty()) {
      try {
        out.retryAfterSeconds = std::stoi(std::string(ra));
      } catch (...) {
        // an HTTP-date Retry-After: fall back to our own backoff
      }
    }
    return out;
  }

  http::request<http::string_body> build(const Request& r, const Headers& headers) {
    http::request<http::string_body> req;
    req.method_string(r.method);
    req.target(url_.basePath + r.target());
    req.version(11);
    req.set(http::field::host, url_.hostHeader);
    req.set(http::field::user_agent, options_.userAgent);
    req.set(http::field::accept, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!r.contentType.empty()) req.set(http::field::content_type, r.contentType);
    req.body() = r.body;
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") req.prepare_payload();
    return req;
  }

  ApiResult<std::unique_ptr<Connection>> connect(core::Millis timeout) {
    auto c = std::make_unique<Connection>();
    std::string where = url_.host + ":" + url_.port;
    tcp::resolver resolver(c->ioc);
    error_code ec;
    auto endpoints = resolver.resolve(url_.host, url_.port, ec);
    if (ec) return transportError("cannot resolve " + where + ": " + ec.message());
    if (url_.tls) {
      c->tls.emplace(c->ioc, ssl_);
    } else {
      c->tcp.emplace(c->ioc);
    }
    c->lowest().expires_after(timeout);  // covers the TLS handshake too
    ec = run(*c, [&](auto h) { c->lowest().async_connect(endpoints, h); });
    if (ec) return transportError("cannot connect to " + where + ": " + describe(ec));
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (!url_.tls) return c;

    SSL* ssl = c->tls->native_handle();
    const bool ip = isIpLiteral(verifyName_);
    if (!ip) SSL_set_tlsext_host_name(ssl, verifyName_.c_str());  // SNI is for names only
    if (!insecure_) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, verifyName_.c_str())
                  : X509_VERIFY_PARAM_set1_host(param, verifyName_.c_str(), 0);
      if (ok != 1) return transportError("cannot set TLS verification name " + verifyName_);
    }
    ec = run(*c, [&](auto h) { c->tls->async_handshake(ssl::stream_base::client, h); });
    if (ec) {
      std::string why = describe(ec);
      long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) why = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      ApiError e = transportError("TLS handshake with " + where + " failed: " + why);
      // A server we cannot verify will not become trustworthy by retrying.
      if (verify != X509_V_OK) e.kind = core::ErrorKind::Terminal;
      return e;
    }
    return c;
  }

  ServerUrl url_;
  TransportOptions options_;
  ssl::context ssl_;
  bool insecure_ = false;
  std::string verifyName_;
  std::mutex m_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace

core::Result<std::unique_ptr<Transport>> makeHttpTransport(const ClusterConfig& config,
                                                           const TransportOptions& options) {
  auto url = parseServer(config.server);
  if (!url) return url.error();
  auto t = std::make_unique<HttpTransport>(*url, config, options);
  if (auto r = t->init(config); !r) return r.error();
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace kube
