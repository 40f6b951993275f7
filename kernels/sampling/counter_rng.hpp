// A counter-based random source for sampling (DESIGN §8): the draw for completion token n of a
// request is a pure function of (seed, n), so a request's tokens never depend on what else runs
// in the batch, on thread timing or on how many draws came before. SplitMix64's finaliser mixes
// the two words (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
#pragma once

#include <cstdint>

namespace agora::kernels {

/// A uniform float in [0, 1) for (seed, counter), 24 random bits.
float counter_uniform(uint64_t seed, uint64_t counter);

}  // namespace agora::kernels
