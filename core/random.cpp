// Randomness sources: the OS CSPRNG and a seeded xoshiro256** generator.
#include "core/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "core/assert.hpp"

namespace agora {

uint64_t random_source::next_u64() {
  uint8_t raw[8];
  fill(raw);
  uint64_t v = 0;
  std::memcpy(&v, raw, sizeof v);
  return v;
}

uint64_t random_source::uniform(uint64_t bound) {
  AGORA_ASSERT(bound > 0);
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound;  // reject the biased tail
  for (;;) {
    uint64_t v = next_u64();
    if (v < limit)
      return v % bound;
  }
}

void os_random::fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0 && errno == EINTR)
      continue;
    AGORA_ASSERT(n > 0);  // no entropy is not a recoverable state for key generation
    done += static_cast<size_t>(n);
  }
}

namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

seeded_random::seeded_random(uint64_t seed) {
  for (auto& word : s_)
    word = splitmix64(seed);
}

uint64_t seeded_random::next() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void seeded_random::fill(std::span<uint8_t> out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t v = next();
    size_t n = std::min(out.size() - i, sizeof v);
    std::memcpy(out.data() + i, &v, n);
    i += n;
  }
}

}  // namespace agora
