#include "http/probe_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>

namespace {

namespace bhttp = boost::beast::http;

std::pair<int, std::string> request(unsigned short port, const std::string& target, bhttp::verb verb = bhttp::verb::get) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::empty_body> req(verb, target, 11);
  req.set(bhttp::field::host, "localhost");
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace

TEST(BindAddress, ParsesTheControllerRuntimeSpellings) {
  auto any = http::parseBindAddress(":8081", "--health-probe-bind-address");
  ASSERT_TRUE(any && *any);
  EXPECT_EQ((*any)->host, "0.0.0.0");
  EXPECT_EQ((*any)->port, 8081);
  auto local = http::parseBindAddress("127.0.0.1:9000", "f");
  ASSERT_TRUE(local && *local);
  EXPECT_EQ((*local)->str(), "127.0.0.1:9000");
  auto v6 = http::parseBindAddress("[::1]:8080", "f");
  ASSERT_TRUE(v6 && *v6);
  EXPECT_EQ((*v6)->host, "::1");
  EXPECT_EQ((*v6)->str(), "[::1]:8080");
  auto off = http::parseBindAddress("0", "f");
  ASSERT_TRUE(off);
  EXPECT_FALSE(*off);
}

TEST(BindAddress, RejectsWhatIsNotAnAddressNamingTheFlag) {
  for (const char* bad : {"8080", ":http", ":70000", "host:", ""}) {
    auto r = http::parseBindAddress(bad, "--metrics-bind-address");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "--metrics-bind-address");
  }
}

TEST(ProbeServer, AnswersItsRoutesFromTheHandlersAtRequestTime) {
  std::atomic<bool> ready{false};
  auto server = http::ProbeServer::start(
      {"127.0.0.1", 0},
      {{"/healthz", [] { return http::Response{200, "ok\n"}; }},
       {"/readyz", [&] { return ready ? http::Response{200, "ok\n"} : http::Response{503, "caches not synced\n"}; }}});
  ASSERT_TRUE(server) << server.error().describe();
  const unsigned short port = (*server)->port();
  EXPECT_EQ(request(port, "/healthz"), (std::pair<int, std::string>{200, "ok\n"}));
  EXPECT_EQ(request(port, "/readyz"), (std::pair<int, std::string>{503, "caches not synced\n"}));
  ready = true;
  EXPECT_EQ(request(port, "/readyz?verbose").first, 200);
  EXPECT_EQ(request(port, "/metrics").first, 404);
  EXPECT_EQ(request(port, "/healthz", bhttp::verb::post).first, 405);
}

TEST(ProbeServer, APortInUseIsAnErrorThatNamesIt) {
  auto first = http::ProbeServer::start({"127.0.0.1", 0}, {});
  ASSERT_TRUE(first);
  auto second = http::ProbeServer::start({"127.0.0.1", (*first)->port()}, {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().describe().find("127.0.0.1:" + std::to_string((*first)->port())), std::string::npos)
      << second.error().describe();
}
