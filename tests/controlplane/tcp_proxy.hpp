#pragma once
// A TCP proxy on 127.0.0.1 in front of the real API server, for the one fault a real server does
// not make on demand: every open connection cut at once (a load balancer restarting, a network
// blip), watches included. TLS passes through untouched, so the client still verifies the API
// server's certificate.
#include <memory>

namespace controlplane {

class TcpProxy {
 public:
  explicit TcpProxy(unsigned short targetPort);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  unsigned short port() const;
  // Closes every connection open now, both sides; connections made afterwards pass as before.
  // Returns how many were cut.
  size_t dropConnections();
  // While refusing, a new connection is closed as soon as it is accepted: the API server is
  // unreachable, so a client cannot resume its watches until allowed again.
  void refuseConnections(bool refuse);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace controlplane
