#pragma once
// HTTP/1.1 over TCP or TLS with Boost.Beast. One io_context thread owns every socket; requests are
// answered synchronously by the Api, watches become chunked streams that the Api writes to.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace kubeapi {

class Api;

class Transport {
 public:
  // ssl == nullptr: plain HTTP.
  Transport(boost::asio::io_context& ioc, Api& api, boost::asio::ssl::context* ssl);
  ~Transport();
  unsigned short listen(unsigned short port);  // 127.0.0.1 only; returns the bound port
  void close();                                // stop accepting (io thread)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubeapi
