// counter_uniform: two rounds of the SplitMix64 finaliser over (seed, counter).
#include "kernels/sampling/counter_rng.hpp"

namespace agora::kernels {
namespace {

uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

float counter_uniform(uint64_t seed, uint64_t counter) {
  uint64_t bits = mix64(mix64(seed) ^ counter);
  float u = static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);  // 24 bits → [0, 1)
  return u;
}

}  // namespace agora::kernels
