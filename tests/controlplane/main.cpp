// kube-control-plane: the tests' control plane as a process, for `make run`
// (examples/operator-demo.sh) and for trying things by hand. Starts etcd and kube-apiserver (and
// with --garbage-collector kube-controller-manager's garbage collector), writes the admin's
// kubeconfig to --kubeconfig, prints "ready", and stops everything and removes its folder on
// SIGINT or SIGTERM.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <string>

#include "controlplane/control_plane.hpp"

int main(int argc, char** argv) {
  std::string kubeconfig;
  bool garbageCollector = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--kubeconfig" && i + 1 < argc) {
      kubeconfig = argv[++i];
    } else if (arg == "--garbage-collector") {
      garbageCollector = true;
    } else {
      std::cerr << "usage: kube-control-plane --kubeconfig PATH [--garbage-collector]\n";
      return 2;
    }
  }
  if (kubeconfig.empty()) {
    std::cerr << "kube-control-plane: --kubeconfig PATH is required\n";
    return 2;
  }
  // Blocked before any thread starts, then waited for: the plane is stopped by its destructor.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  try {
    controlplane::ControlPlane plane;
    if (garbageCollector) plane.startGarbageCollector();
    std::filesystem::copy_file(plane.adminKubeconfig(), kubeconfig, std::filesystem::copy_options::overwrite_existing);
    std::cout << "ready: " << plane.serverUrl() << " (etcd and kube-apiserver in " << plane.dir() << ")" << std::endl;
    int signal = 0;
    sigwait(&stopSignals, &signal);
    std::cout << "stopping" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "kube-control-plane: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
