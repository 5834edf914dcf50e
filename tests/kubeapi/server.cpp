#include "server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <csignal>
#include <fstream>
#include <future>
#include <thread>

#include "api.hpp"
#include "tls.hpp"
#include "transport.hpp"
#include "util.hpp"

namespace kubeapi {

namespace net = boost::asio;

struct Server::Impl {
  ServerOptions opts;
  net::io_context ioc{1};
  TlsMaterial tls;
  std::unique_ptr<net::ssl::context> ssl;
  std::unique_ptr<Api> api;
  std::unique_ptr<Transport> transport;
  std::thread thread;
  unsigned short port = 0;
  bool running = false;

  // Runs fn on the io thread and waits for it.
  template <class F>
  void onIoThread(F fn) {
    if (!running) {
      fn();
      return;
    }
    std::promise<void> done;
    net::post(ioc, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }
};

Server::Server(ServerOptions o) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(o);
  impl_->api = std::make_unique<Api>(impl_->opts);
  if (impl_->opts.tls) {
    impl_->tls = generateTls();
    impl_->ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    impl_->ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    impl_->ssl->use_certificate_chain(net::buffer(impl_->tls.certPem));
    impl_->ssl->use_private_key(net::buffer(impl_->tls.keyPem), net::ssl::context::pem);
  }
  impl_->transport = std::make_unique<Transport>(impl_->ioc, *impl_->api, impl_->ssl.get());
}

Server::~Server() {
  stop();
  // Sessions still referenced by open streams hold sockets of ioc: release them before ioc goes.
  impl_->transport.reset();
  impl_->api.reset();
}

void Server::start() {
  if (impl_->running) return;
  // A client that hangs up mid-write must not kill the process hosting the server.
  std::signal(SIGPIPE, SIG_IGN);
  impl_->port = impl_->transport->listen(impl_->opts.port);
  impl_->api->setServerAddress("127.0.0.1:" + std::to_string(impl_->port));
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void Server::stop() {
  if (!impl_->running) return;
  impl_->onIoThread([this] {
    impl_->transport->close();
    impl_->api->dropWatches();
  });
  impl_->running = false;
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string Server::url() const {
  return std::string(impl_->opts.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(impl_->port);
}

unsigned short Server::port() const { return impl_->port; }

std::string Server::caPem() const { return impl_->tls.caPem; }

std::string Server::writeKubeconfig(const std::string& path, const std::string& ns) const {
  std::ofstream out(path);
  out << "apiVersion: v1\nkind: Config\nclusters:\n- name: kube-test\n  cluster:\n    server: " << url() << "\n";
  if (impl_->opts.tls) out << "    certificate-authority-data: " << base64Encode(impl_->tls.caPem) << "\n";
  out << "users:\n- name: kube-test\n  user:\n    token: " << impl_->opts.token << "\n"
      << "contexts:\n- name: kube-test\n  context:\n    cluster: kube-test\n    user: kube-test\n    namespace: " << ns
      << "\ncurrent-context: kube-test\npreferences: {}\n";
  return path;
}

void Server::dropWatches() {
  impl_->onIoThread([this] { impl_->api->dropWatches(); });
}

void Server::compact() { impl_->api->compact(); }

void Server::failNext(const std::string& method, const std::string& pathRegex, int code, int times, int retryAfterSeconds) {
  impl_->api->failNext(method, pathRegex, code, times, retryAfterSeconds);
}

std::vector<Server::Call> Server::calls() const { return impl_->api->calls(); }

size_t Server::openWatches() const { return impl_->api->openWatches(); }

nlohmann::json Server::get(const std::string& group, const std::string& version, const std::string& plural,
                           const std::string& ns, const std::string& name) const {
  return impl_->api->get(group, version, plural, ns, name);
}

}  // namespace kubeapi
