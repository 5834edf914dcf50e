// kube-test-server: the Kubernetes API test server as a process (for `make run` demos).
//   kube-test-server [--port N] [--token T] [--kubeconfig OUT] [--no-tls]
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "server.hpp"

int main(int argc, char** argv) {
  kubeapi::ServerOptions opts;
  std::string kubeconfig;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "kube-test-server: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") opts.port = static_cast<unsigned short>(std::stoi(value()));
    else if (a == "--token") opts.token = value();
    else if (a == "--kubeconfig") kubeconfig = value();
    else if (a == "--no-tls") opts.tls = false;
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: kube-test-server [--port N] [--token T] [--kubeconfig OUT] [--no-tls]\n";
      return 0;
    } else {
      std::cerr << "kube-test-server: unknown argument " << a << "\n";
      return 2;
    }
  }
  // Block the signals before threads start so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  kubeapi::Server server(opts);
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "kube-test-server: " << e.what() << "\n";
    return 1;
  }
  if (!kubeconfig.empty()) server.writeKubeconfig(kubeconfig);
  std::cout << server.url() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  server.stop();
  return 0;
}
