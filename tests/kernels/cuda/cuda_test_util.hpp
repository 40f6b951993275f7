// Helpers for the GPU tests: skip when no GPU is present, copy vectors to and from the device,
// round to the 16-bit storage types on the host, and compare vectors by relative L2 error.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/cuda/device_buffer.hpp"
#include "kernels/device_info.hpp"

/// Skips the test (and says why) on a host without a usable GPU: CI, the development machine.
#define AGORA_REQUIRE_GPU()                                                                        \
  do {                                                                                             \
    const ::agora::kernels::gpu_inventory agora_inv_ = ::agora::kernels::query_gpus();             \
    if (agora_inv_.gpus.empty())                                                                   \
      GTEST_SKIP() << "no GPU: " << agora_inv_.unavailable_reason;                                 \
  } while (false)

namespace agora::kernels::cuda::testing {

/// `values` copied into a new device buffer (the test fails on a CUDA error).
template <class T>
device_buffer to_device(const std::vector<T>& values) {
  auto buffer = device_buffer::allocate(values.size() * sizeof(T));
  EXPECT_TRUE(buffer.ok());
  if (!buffer)
    return {};
  EXPECT_EQ(
      cudaMemcpy(buffer->get(), values.data(), values.size() * sizeof(T), cudaMemcpyHostToDevice),
      cudaSuccess);
  return std::move(*buffer);
}

/// `count` values of T from `buffer` (synchronises the device first).
template <class T>
std::vector<T> to_host(const device_buffer& buffer, size_t count) {
  std::vector<T> out(count);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(out.data(), buffer.get(), count * sizeof(T), cudaMemcpyDeviceToHost),
            cudaSuccess);
  return out;
}

/// fp32 → bf16 bits (round to nearest even) and back.
inline uint16_t bf16_bits(float v) {
  uint32_t u = std::bit_cast<uint32_t>(v);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}
inline float bf16_value(uint16_t bits) {
  return std::bit_cast<float>(uint32_t{bits} << 16);
}
inline float bf16_round(float v) {
  return bf16_value(bf16_bits(v));
}

/// Normal(0, scale) values from a fixed seed.
inline std::vector<float> random_values(size_t count, float scale, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> out(count);
  for (float& v : out)
    v = normal(gen);
  return out;
}

/// ‖got − want‖ / ‖want‖ in double.
inline double relative_l2(const std::vector<float>& got, const std::vector<float>& want) {
  EXPECT_EQ(got.size(), want.size());
  double diff = 0, norm = 0;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    diff += (double{got[i]} - want[i]) * (double{got[i]} - want[i]);
    norm += double{want[i]} * want[i];
    EXPECT_FALSE(std::isnan(got[i])) << i;
  }
  return std::sqrt(diff / norm);
}

}  // namespace agora::kernels::cuda::testing
