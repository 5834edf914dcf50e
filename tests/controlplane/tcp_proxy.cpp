#include "controlplane/tcp_proxy.hpp"

#include <array>
#include <atomic>
#include <future>
#include <list>
#include <thread>

#include <boost/asio.hpp>

namespace controlplane {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// One client connection and its upstream twin; bytes pumped both ways until either side ends.
class Pipe : public std::enable_shared_from_this<Pipe> {
 public:
  Pipe(tcp::socket client, tcp::socket upstream) : client_(std::move(client)), upstream_(std::move(upstream)) {}
  void start() {
    pump(client_, upstream_, toUpstream_);
    pump(upstream_, client_, toClient_);
  }
  void close() {
    boost::system::error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
  }
  bool open() const { return client_.is_open(); }

 private:
  void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
    from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](auto ec, size_t n) {
      if (ec) return self->close();
      asio::async_write(to, asio::buffer(buffer, n), [self, &from, &to, &buffer](auto ec2, size_t) {
        if (ec2) return self->close();
        self->pump(from, to, buffer);
      });
    });
  }

  tcp::socket client_, upstream_;
  std::array<char, 16384> toUpstream_{}, toClient_{};
};

}  // namespace

struct TcpProxy::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  tcp::endpoint target;
  std::list<std::weak_ptr<Pipe>> pipes;  // touched on the io thread only
  std::atomic<bool> refusing{false};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](auto ec, tcp::socket client) {
      if (ec) return;  // the acceptor was closed
      if (refusing) {
        boost::system::error_code ignored;
        client.close(ignored);
        return accept();
      }
      tcp::socket upstream(io);
      boost::system::error_code connectError;
      upstream.connect(target, connectError);  // loopback: immediate
      if (!connectError) {
        auto pipe = std::make_shared<Pipe>(std::move(client), std::move(upstream));
        pipes.remove_if([](const auto& p) { return p.expired(); });
        pipes.push_back(pipe);
        pipe->start();
      }
      accept();
    });
  }
};

TcpProxy::TcpProxy(unsigned short targetPort) : impl_(std::make_unique<Impl>()) {
  impl_->target = {asio::ip::make_address("127.0.0.1"), targetPort};
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

TcpProxy::~TcpProxy() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    for (auto& p : impl_->pipes)
      if (auto pipe = p.lock()) pipe->close();
  });
  impl_->thread.join();
}

unsigned short TcpProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

size_t TcpProxy::dropConnections() {
  std::promise<size_t> cut;
  asio::post(impl_->io, [this, &cut] {
    size_t n = 0;
    for (auto& p : impl_->pipes)
      if (auto pipe = p.lock(); pipe && pipe->open()) pipe->close(), ++n;
    impl_->pipes.clear();
    cut.set_value(n);
  });
  return cut.get_future().get();
}

void TcpProxy::refuseConnections(bool refuse) { impl_->refusing = refuse; }

}  // namespace controlplane

