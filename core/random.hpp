// Randomness sources (DESIGN §4, style §6): logic receives a random_source and never reads OS
// randomness itself. Two kinds: os_random (explicitly nondeterministic: keys, session ids in the
// live node) and seeded_random (deterministic: simulation, tests, seeded jitter and tie-breaks).
#pragma once

#include <cstdint>
#include <span>

namespace agora {

class random_source {
 public:
  virtual ~random_source() = default;
  /// Fills `out` with random bytes.
  virtual void fill(std::span<uint8_t> out) = 0;

  uint64_t next_u64();
  /// Uniform in [0, bound), without modulo bias. REQUIRES: bound > 0.
  uint64_t uniform(uint64_t bound);
};

/// The operating system's CSPRNG (getrandom(2)). Aborts if the kernel cannot supply entropy:
/// there is no safe fallback for key generation.
class os_random final : public random_source {
 public:
  void fill(std::span<uint8_t> out) override;
};

/// xoshiro256** seeded through splitmix64: fast, deterministic, not for secrets outside tests.
class seeded_random final : public random_source {
 public:
  explicit seeded_random(uint64_t seed);
  void fill(std::span<uint8_t> out) override;
  uint64_t next();

 private:
  uint64_t s_[4];
};

}  // namespace agora
