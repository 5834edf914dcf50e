// Wiring only: the process's streams into cli::run. Every exit returns from main, so destructors
// (of the daemon's servers and threads, of pending output) run.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  cli::Io io{std::cin, std::cout, std::cerr};
  return cli::run(std::vector<std::string>(argv + 1, argv + argc), io);
}
