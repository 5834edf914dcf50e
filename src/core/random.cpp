#include "core/random.hpp"

#include <random>

namespace core {
namespace {

std::mt19937_64& engine() {
  thread_local std::mt19937_64 seeded{std::random_device{}()};
  return seeded;
}

}  // namespace

double unitRandom() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine()); }

std::uint64_t randomBits() { return engine()(); }

}  // namespace core
