#include "harness_http.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace kubetest {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

nlohmann::json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::vector<std::string> HttpResult::header(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) out.push_back(v);
  return out;
}

std::vector<nlohmann::json> HttpResult::lines() const {
  std::vector<nlohmann::json> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
  return out;
}

std::string urlEncode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace {
template <class Stream>
HttpResult exchange(Stream& stream, http::request<http::string_body>& req) {
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buf, parser);
  auto res = parser.release();
  HttpResult r;
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res) r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  return r;
}
}  // namespace

HttpResult httpRequest(const std::string& baseUrl, const std::string& caPem, const std::string& method,
                       const std::string& target, const std::string& body, const Headers& headers,
                       std::chrono::seconds timeout) {
  const bool tls = baseUrl.rfind("https://", 0) == 0;
  const std::string hostPort = baseUrl.substr(baseUrl.find("://") + 3);
  const std::string host = hostPort.substr(0, hostPort.rfind(':'));
  const auto port = static_cast<unsigned short>(std::stoi(hostPort.substr(hostPort.rfind(':') + 1)));

  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address(host), port));
  // Blocking reads give up after the timeout instead of hanging the suite on a stream that never ends.
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  if (req.method() == http::verb::unknown) throw std::invalid_argument("unknown HTTP method " + method);
  req.set(http::field::host, hostPort);
  req.set(http::field::user_agent, "schema-operator/0.1 (kubeapi proof suite)");
  req.set(http::field::accept, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();

  if (!tls) return exchange(sock, req);
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.add_certificate_authority(net::buffer(caPem));
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<tcp::socket> stream(std::move(sock), ctx);
  stream.handshake(net::ssl::stream_base::client);
  return exchange(stream, req);
}

}  // namespace kubetest
