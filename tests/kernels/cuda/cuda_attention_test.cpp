// Prefill and decode attention of the CUDA backend against the CPU reference
// (kernels/cpu/attention.hpp) over one paged KV cache whose blocks lie out of order, with GQA,
// a query tile cut short, a prefill chunk that starts mid-sequence, and decode rows split over
// several key ranges; prefill on both the CUDA-core and the tensor-core kernel. Keys and values
// are bf16-exact, so both sides attend to the same numbers; the output is bf16: relative L2
// ≤ 5e-3 (2^-9 rounding, 1.5e-3 relative L2, plus fp32 sums in another order; the tensor-core
// kernel also rounds q and the softmax weights to bf16: 2.2e-3 in a torch emulation).
#ifdef AGORA_WITH_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/attention.hpp"
#include "kernels/cuda/attention.hpp"
#include "tests/kernels/cuda/cuda_test_util.hpp"

namespace agora::kernels::cuda {
namespace {

using namespace testing;

constexpr int NH = 4, KVH = 2, positions = 48;

// A cache of `positions` keys and values for one layer, in blocks {5, 2, 7} of 8.
struct paged_cache {
  explicit paged_cache(int head_dim) : D(head_dim), layout{1, KVH, head_dim, kv_block_size} {
    keys = random_values(positions * KVH * D, 1.0f, 11);
    values = random_values(positions * KVH * D, 1.0f, 12);
    std::vector<uint16_t> pool(8 * layout.block_elements());
    for (int p = 0; p < positions; ++p)
      for (int c = 0; c < KVH * D; ++c) {
        keys[p * KVH * D + c] = bf16_round(keys[p * KVH * D + c]);
        values[p * KVH * D + c] = bf16_round(values[p * KVH * D + c]);
        const int block = table[p / kv_block_size], slot = p % kv_block_size;
        pool[layout.offset(block, 0, 0, slot, c / D) + c % D] = bf16_bits(keys[p * KVH * D + c]);
        pool[layout.offset(block, 0, 1, slot, c / D) + c % D] = bf16_bits(values[p * KVH * D + c]);
      }
    device_pool = to_device(pool);
    device_table = to_device(table);
  }

  int D;
  kv_layout layout;
  std::vector<int32_t> table = {5, 2, 7};
  std::vector<float> keys, values;  // (positions, KVH·D)
  device_buffer device_pool, device_table;
};

std::vector<float> bf16_vector(const device_buffer& buffer, size_t count) {
  const std::vector<uint16_t> bits = to_host<uint16_t>(buffer, count);
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = bf16_value(bits[i]);
  return out;
}

enum class prefill_kernel { cuda_core, tensor_core };

void check_prefill(const paged_cache& cache, int first, int T, prefill_kernel kernel) {
  const int D = cache.D, width = NH * D;
  const std::vector<float> q = random_values(T * width, 1.0f, 13 + first);
  device_buffer dq = to_device(q), dout = to_device(std::vector<uint16_t>(T * width));
  const attention_params p{NH, KVH, D, 0, 1.0f / std::sqrt(static_cast<float>(D))};
  const auto launch = kernel == prefill_kernel::tensor_core ? attention_prefill_mma_forward
                                                            : attention_prefill_forward;
  ASSERT_TRUE(launch(dout.get(), dq.as<float>(), cache.device_pool.get(), cache.layout,
                     cache.device_table.as<int32_t>(), first, T, p, act_type::bf16, nullptr)
                  .ok());
  std::vector<float> want(T * width);
  cpu::attention_forward(want, q, width, cache.keys, cache.values, T, first,
                         {NH, KVH, static_cast<uint32_t>(D)});
  EXPECT_LT(relative_l2(bf16_vector(dout, T * width), want), 5e-3)
      << "D " << D << (kernel == prefill_kernel::tensor_core ? " tensor cores" : " CUDA cores");
}

TEST(cuda_attention, prefill_matches_the_cpu) {
  AGORA_REQUIRE_GPU();
  for (int D : {16, 64, 128}) {
    const paged_cache cache(D);
    for (prefill_kernel kernel : {prefill_kernel::cuda_core, prefill_kernel::tensor_core}) {
      if (kernel == prefill_kernel::tensor_core && !attention_prefill_mma_available())
        continue;                           // built for a GPU older than sm_80
      check_prefill(cache, 0, 40, kernel);  // query tiles cut short (16 and 64 rows)
      check_prefill(cache, 40, 8, kernel);  // a later chunk: its past is already cached
      check_prefill(cache, 5, 43, kernel);  // a chunk starting inside a block
    }
  }
}

TEST(cuda_attention, split_decode_matches_the_cpu) {
  AGORA_REQUIRE_GPU();
  for (int D : {16, 64, 128}) {
    const paged_cache cache(D);
    const int width = NH * D;
    // Three rows of one cache at different lengths; splits of 16 keys: 3, 2 and 1 of them.
    const std::vector<row_info> rows = {{47, 0}, {20, 0}, {0, 0}};
    const int N = static_cast<int>(rows.size());
    const std::vector<float> q = random_values(N * width, 1.0f, 17);
    device_buffer dq = to_device(q), drows = to_device(rows);
    device_buffer dout = to_device(std::vector<uint16_t>(N * width));
    device_buffer dpartial = to_device(std::vector<float>(N * NH * 3 * (D + 2)));
    const decode_scratch scratch{dpartial.as<float>(), 16, 3};
    const attention_params p{NH, KVH, D, 0, 1.0f / std::sqrt(static_cast<float>(D))};
    ASSERT_TRUE(attention_decode_forward(dout.get(), dq.as<float>(), cache.device_pool.get(),
                                         cache.layout, drows.as<row_info>(),
                                         cache.device_table.as<int32_t>(), scratch, N, p,
                                         act_type::bf16, nullptr)
                    .ok());
    const std::vector<float> got = bf16_vector(dout, N * width);
    for (int n = 0; n < N; ++n) {
      std::vector<float> want(width);
      cpu::attention_forward(want, std::span<const float>(q).subspan(n * width, width), width,
                             cache.keys, cache.values, 1, rows[n].position,
                             {NH, KVH, static_cast<uint32_t>(D)});
      const std::vector<float> row(got.begin() + n * width, got.begin() + (n + 1) * width);
      EXPECT_LT(relative_l2(row, want), 5e-3) << "D " << D << " row " << n;
    }
  }
}

}  // namespace
}  // namespace agora::kernels::cuda

#endif  // AGORA_WITH_CUDA
