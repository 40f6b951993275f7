// Tests for the CPU reference backend's ops on hand-checked values: the projections in both
// weight layouts, LayerNorm, RMSNorm, GELU-tanh, SwiGLU, RoPE's pairing and causal GQA attention.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/activations.hpp"
#include "kernels/cpu/attention.hpp"
#include "kernels/cpu/gemm.hpp"
#include "kernels/cpu/norms.hpp"
#include "kernels/cpu/rope.hpp"

namespace agora::kernels::cpu {
namespace {

TEST(cpu_ops, linear_in_both_layouts_with_bias) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};                                 // (2, 3)
  linear_weights conv{{1, 0, 0, 1, 1, 1}, {10, 20}, 3, 2, weight_layout::in_out};  // (3, 2)
  std::vector<float> y(4);
  linear_forward(y, x, 2, conv.view());
  EXPECT_EQ(y, (std::vector<float>{10 + 1 + 3, 20 + 2 + 3, 10 + 4 + 6, 20 + 5 + 6}));
  linear_weights lin{{1, 0, 1, 0, 1, 1}, {}, 3, 2, weight_layout::out_in};  // (2, 3)
  linear_forward(y, x, 2, lin.view());
  EXPECT_EQ(y, (std::vector<float>{4, 5, 10, 11}));
}

TEST(cpu_ops, layernorm_and_rmsnorm) {
  const std::vector<float> x = {1, 2, 3, 4};
  std::vector<float> y(4);
  layernorm_forward(y, x, std::vector<float>(4, 2.0f), std::vector<float>(4, 1.0f), 1, 4, 0.0f);
  const float rstd = 1.0f / std::sqrt(1.25f);  // variance of 1..4 is 1.25
  EXPECT_NEAR(y[0], -1.5f * rstd * 2 + 1, 1e-6);
  EXPECT_NEAR(y[3], 1.5f * rstd * 2 + 1, 1e-6);
  rmsnorm_forward(y, x, std::vector<float>{1, 1, 1, 0.5f}, 1, 4, 0.0f);
  const float rms = std::sqrt(30.0f / 4);
  EXPECT_NEAR(y[1], 2 / rms, 1e-6);
  EXPECT_NEAR(y[3], 0.5f * 4 / rms, 1e-6);
}

TEST(cpu_ops, gelu_tanh_and_swiglu) {
  std::vector<float> x = {0.0f, 1.0f, -1.0f, 3.0f};
  gelu_forward(x);
  EXPECT_EQ(x[0], 0.0f);
  EXPECT_NEAR(x[1], 0.8411920f, 1e-6);  // HF gelu_new(1)
  EXPECT_NEAR(x[2], -0.1588080f, 1e-6);
  EXPECT_NEAR(x[3], 2.9963627f, 1e-6);
  std::vector<float> out(2);
  swiglu_forward(out, std::vector<float>{0.0f, 2.0f}, std::vector<float>{5.0f, 3.0f});
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_NEAR(out[1], 2.0f / (1.0f + std::exp(-2.0f)) * 3.0f, 1e-6);
}

TEST(cpu_ops, rope_rotates_element_i_with_i_plus_half) {
  // One head of 4: pairs (0, 2) and (1, 3); position 0 leaves everything as it is.
  std::vector<float> x = {1, 2, 3, 4, 1, 2, 3, 4};
  rope_forward(x, 2, 4, 1, 4, 0, 10000.0f);
  EXPECT_EQ((std::vector<float>(x.begin(), x.begin() + 4)), (std::vector<float>{1, 2, 3, 4}));
  // Row 1 is at position 1: pair (0, 2) turns by 1 radian, pair (1, 3) by 1/100.
  EXPECT_NEAR(x[4], 1 * std::cos(1.0f) - 3 * std::sin(1.0f), 1e-6);
  EXPECT_NEAR(x[6], 3 * std::cos(1.0f) + 1 * std::sin(1.0f), 1e-6);
  EXPECT_NEAR(x[5], 2 * std::cos(0.01f) - 4 * std::sin(0.01f), 1e-6);
  EXPECT_NEAR(x[7], 4 * std::cos(0.01f) + 2 * std::sin(0.01f), 1e-6);
}

TEST(cpu_ops, causal_attention_with_grouped_heads) {
  // 2 query heads share 1 KV head of dim 2; two positions.
  const std::vector<float> keys = {1, 0, 0, 1};
  const std::vector<float> values = {10, 20, 30, 40};
  const std::vector<float> q = {1, 0, 0, 1, 1, 0, 0, 1};  // (T=2, 2 heads × 2)
  std::vector<float> out(8);
  attention_forward(out, q, 4, keys, values, 2, 0, {2, 1, 2});
  // Position 0 sees only itself: both heads return value 0.
  EXPECT_EQ((std::vector<float>(out.begin(), out.begin() + 4)),
            (std::vector<float>{10, 20, 10, 20}));
  // Position 1, head 0 (q = [1, 0]): scores [1, 0] / sqrt(2).
  const float w0 = 1.0f / (1.0f + std::exp(-1.0f / std::sqrt(2.0f)));
  EXPECT_NEAR(out[4], w0 * 10 + (1 - w0) * 30, 1e-5);
  EXPECT_NEAR(out[6], (1 - w0) * 10 + w0 * 30, 1e-5);  // head 1 (q = [0, 1]) prefers position 1
}

}  // namespace
}  // namespace agora::kernels::cpu
