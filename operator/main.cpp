// Wiring only: the process's streams and environment into cli::run.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  cli::Io io{std::cin, std::cout, std::cerr, [](const std::string& name) -> std::optional<std::string> {
               const char* value = std::getenv(name.c_str());
               if (!value) return std::nullopt;
               return std::string(value);
             }};
  const int status = cli::run(args, io);
  // `plan` may leave a catalog read running on a detached thread when the file turned out to be
  // invalid (cli::EarlyRead): end the process without static destructors running under it.
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(status);
}
