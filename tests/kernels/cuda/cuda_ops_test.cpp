// Kernel-by-kernel checks of the CUDA backend against the CPU reference ops (kernels/cpu/):
// norms, activations, the cuBLAS projection (and its row invariance at a fixed M), bias + RoPE
// + KV append, and prefill and split decode attention over a paged cache whose blocks are out
// of order. Every test skips without a GPU. Tolerances, with the reason for each:
// - fp32 in, fp32 out (norms, q after RoPE, GEMM on bf16-exact inputs): relative L2 ≤ 1e-5;
//   only the summation order differs from the CPU.
// - 16-bit outputs (activations, cached keys, attention): one bf16 ulp (2^-8 relative) per
//   element, or relative L2 ≤ 5e-3 over a vector (bf16 keeps 8 significant bits: 2^-9 = 2e-3
//   relative rounding, plus fp32 sums in another order).
#ifdef AGORA_WITH_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/activations.hpp"
#include "kernels/cpu/attention.hpp"
#include "kernels/cpu/norms.hpp"
#include "kernels/cpu/rope.hpp"
#include "kernels/cuda/activations.hpp"
#include "kernels/cuda/attention.hpp"
#include "kernels/cuda/gemm.hpp"
#include "kernels/cuda/norms.hpp"
#include "kernels/cuda/rope.hpp"
#include "tests/kernels/cuda/cuda_test_util.hpp"

namespace agora::kernels::cuda {
namespace {

using namespace testing;

std::vector<float> rounded(std::vector<float> v) {
  for (float& x : v)
    x = bf16_round(x);
  return v;
}

std::vector<uint16_t> bits_of(const std::vector<float>& v) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    out[i] = bf16_bits(v[i]);
  return out;
}

std::vector<float> values_of(const std::vector<uint16_t>& bits) {
  std::vector<float> out(bits.size());
  for (size_t i = 0; i < bits.size(); ++i)
    out[i] = bf16_value(bits[i]);
  return out;
}

TEST(cuda_ops, norms_match_the_cpu_with_and_without_a_residual_bias) {
  AGORA_REQUIRE_GPU();
  const int N = 5, C = 300;  // C is no multiple of the block size
  const std::vector<float> x = random_values(N * C, 2.0f, 1), weight = random_values(C, 1.0f, 2);
  const std::vector<float> bias = random_values(C, 0.5f, 3), extra = random_values(C, 0.5f, 4);
  for (norm_kind kind : {norm_kind::layer, norm_kind::rms}) {
    for (bool with_extra : {false, true}) {
      device_buffer dx = to_device(x), dw = to_device(weight), db = to_device(bias);
      device_buffer de = to_device(extra), dout = to_device(std::vector<float>(N * C));
      const norm_params p{kind, dw.as<float>(), db.as<float>(),
                          with_extra ? de.as<float>() : nullptr, 1e-5f};
      ASSERT_TRUE(norm_forward_f32(dout.as<float>(), dx.as<float>(), p, N, C, nullptr).ok());
      std::vector<float> in = x, want(N * C);
      for (int i = 0; with_extra && i < N * C; ++i)
        in[i] += extra[i % C];
      if (kind == norm_kind::layer)
        cpu::layernorm_forward(want, in, weight, bias, N, C, 1e-5f);
      else
        cpu::rmsnorm_forward(want, in, weight, N, C, 1e-5f);
      EXPECT_LT(relative_l2(to_host<float>(dout, N * C), want), 1e-5);
      EXPECT_EQ(to_host<float>(dx, N * C), in);  // the bias joined the residual stream
    }
  }
}

TEST(cuda_ops, activations_match_the_cpu_to_one_bf16_ulp) {
  AGORA_REQUIRE_GPU();
  const int N = 3, F = 200;
  const std::vector<float> in = random_values(N * 2 * F, 2.0f, 5), bias = random_values(F, 1.f, 6);
  device_buffer din = to_device(in), dbias = to_device(bias);
  device_buffer dout = to_device(std::vector<uint16_t>(N * F));
  ASSERT_TRUE(
      gelu_forward(dout.get(), din.as<float>(), dbias.as<float>(), N, F, act_type::bf16, nullptr)
          .ok());
  std::vector<float> want(in.begin(), in.begin() + N * F);
  for (int i = 0; i < N * F; ++i)
    want[i] += bias[i % F];
  cpu::gelu_forward(want);
  std::vector<float> got = values_of(to_host<uint16_t>(dout, N * F));
  for (int i = 0; i < N * F; ++i)
    EXPECT_NEAR(got[i], want[i], std::abs(want[i]) / 256 + 1e-6f) << i;
  ASSERT_TRUE(swiglu_forward(dout.get(), din.as<float>(), N, F, act_type::bf16, nullptr).ok());
  got = values_of(to_host<uint16_t>(dout, N * F));
  for (int n = 0; n < N; ++n) {
    std::vector<float> row(F);
    const std::span<const float> all(in);
    cpu::swiglu_forward(row, all.subspan(n * 2 * F, F), all.subspan(n * 2 * F + F, F));
    for (int f = 0; f < F; ++f)
      EXPECT_NEAR(got[n * F + f], row[f], std::abs(row[f]) / 256 + 1e-6f) << n << "," << f;
  }
}

// y (M, N) = x (M, K) · w (N, K)ᵀ in double.
std::vector<float> linear_reference(const std::vector<float>& x, const std::vector<float>& w, int M,
                                    int N, int K) {
  std::vector<float> y(size_t(M) * N);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double sum = 0;
      for (int k = 0; k < K; ++k)
        sum += double{x[m * K + k]} * w[n * K + k];
      y[m * N + n] = static_cast<float>(sum);
    }
  return y;
}

TEST(cuda_ops, gemm_matches_the_cpu_and_a_row_does_not_depend_on_its_place) {
  AGORA_REQUIRE_GPU();
  const int M = 64, N = 96, K = 80;
  const std::vector<float> x = rounded(random_values(M * K, 1.0f, 7));
  const std::vector<float> w = rounded(random_values(N * K, 0.2f, 8));
  auto gemm = gemm_runner::create(nullptr);
  ASSERT_TRUE(gemm.ok()) << gemm.error().to_string();
  device_buffer dx = to_device(bits_of(x)), dw = to_device(bits_of(w));
  device_buffer dy = to_device(std::vector<float>(M * N));
  ASSERT_TRUE((*gemm)
                  ->linear_forward(dy.as<float>(), dx.get(), dw.get(), M, N, K,
                                   gemm_output::overwrite, act_type::bf16)
                  .ok());
  const std::vector<float> y = to_host<float>(dy, M * N), want = linear_reference(x, w, M, N, K);
  EXPECT_LT(relative_l2(y, want), 1e-5);
  ASSERT_TRUE((*gemm)
                  ->linear_forward(dy.as<float>(), dx.get(), dw.get(), M, N, K,
                                   gemm_output::accumulate, act_type::bf16)
                  .ok());
  const std::vector<float> twice = to_host<float>(dy, M * N);
  for (int i = 0; i < M * N; ++i)  // beta = 1 may run another cuBLAS kernel: not bitwise
    EXPECT_NEAR(twice[i], 2 * y[i], 1e-5f * (std::abs(y[i]) + 1)) << i;
  // The rows in reverse order: each row's result is bitwise the same at its new place.
  std::vector<float> reversed(x.size());
  for (int m = 0; m < M; ++m)
    std::copy(x.begin() + m * K, x.begin() + (m + 1) * K, reversed.begin() + (M - 1 - m) * K);
  device_buffer dr = to_device(bits_of(reversed));
  ASSERT_TRUE((*gemm)
                  ->linear_forward(dy.as<float>(), dr.get(), dw.get(), M, N, K,
                                   gemm_output::overwrite, act_type::bf16)
                  .ok());
  const std::vector<float> yr = to_host<float>(dy, M * N);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n)
      ASSERT_EQ(yr[(M - 1 - m) * N + n], y[m * N + n]) << m << "," << n;
}

// The (P, D/2) (cos, sin) table as cuda_weights.cpp builds it.
std::vector<float> rope_table(int P, int D, float theta) {
  std::vector<float> table(size_t(P) * D);
  for (int i = 0; i < D / 2; ++i) {
    const float inv_freq = 1.0f / std::pow(theta, static_cast<float>(2 * i) / D);
    for (int t = 0; t < P; ++t) {
      table[(t * D / 2 + i) * 2] = std::cos(static_cast<float>(t) * inv_freq);
      table[(t * D / 2 + i) * 2 + 1] = std::sin(static_cast<float>(t) * inv_freq);
    }
  }
  return table;
}

TEST(cuda_ops, rope_and_kv_append_match_the_cpu) {
  AGORA_REQUIRE_GPU();
  const int NH = 4, KVH = 2, D = 16, N = 3, first = 5, width = (NH + 2 * KVH) * D;
  const kv_layout layout{2, KVH, D, kv_block_size};
  const std::vector<float> qkv = random_values(N * width, 1.0f, 9);
  std::vector<row_info> rows;
  for (int n = 0; n < N; ++n)
    rows.push_back(row_info{first + n, 0});
  const std::vector<int32_t> table = {1};  // the sequence's one block is block 1 of 2
  device_buffer dqkv = to_device(qkv), drows = to_device(rows), dtable = to_device(table);
  device_buffer drope = to_device(rope_table(16, D, 10000.0f));
  device_buffer dpool = to_device(std::vector<uint16_t>(2 * layout.block_elements()));
  device_buffer dq = to_device(std::vector<float>(N * NH * D));
  const qkv_params p{NH, KVH, D, nullptr, drope.as<float2>(), 1};
  ASSERT_TRUE(qkv_rope_forward(dq.as<float>(), dqkv.as<float>(), dpool.get(), layout,
                               drows.as<row_info>(), dtable.as<int32_t>(), p, N, act_type::bf16,
                               nullptr)
                  .ok());
  std::vector<float> want = qkv;
  cpu::rope_forward(want, N, width, NH, D, first, 10000.0f);
  cpu::rope_forward(std::span<float>(want).subspan(NH * D), N, width, KVH, D, first, 10000.0f);
  const std::vector<float> q = to_host<float>(dq, N * NH * D);
  const std::vector<float> pool = values_of(to_host<uint16_t>(dpool, 2 * layout.block_elements()));
  for (int n = 0; n < N; ++n) {
    for (int c = 0; c < NH * D; ++c)
      EXPECT_NEAR(q[n * NH * D + c], want[n * width + c],
                  1e-5f * (1 + std::abs(want[n * width + c])));
    for (int c = 0; c < KVH * D; ++c) {
      const float k = want[n * width + NH * D + c], v = want[n * width + (NH + KVH) * D + c];
      const size_t at = layout.offset(1, 1, 0, first + n, c / D) + c % D;
      EXPECT_NEAR(pool[at], k, std::abs(k) / 128 + 1e-6f) << n << "," << c;
      EXPECT_EQ(pool[layout.offset(1, 1, 1, first + n, c / D) + c % D], bf16_round(v));
    }
  }
}

}  // namespace
}  // namespace agora::kernels::cuda

#endif  // AGORA_WITH_CUDA
