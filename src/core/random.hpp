#pragma once
// The process's one source of randomness for jitter and identifiers: a 64-bit Mersenne Twister per
// thread, seeded once from std::random_device. Not for secrets.
#include <cstdint>

#include "core/backoff.hpp"

namespace core {

double unitRandom();        // uniform in [0, 1)
std::uint64_t randomBits();  // uniform over all 64-bit values

// unitRandom as a Jitter, the default of everything that backs off.
inline Jitter randomJitter() { return unitRandom; }

}  // namespace core
