// The sgemm wrapper of the CPU reference backend (kernels/cpu/gemm.hpp).
#include "kernels/cpu/gemm.hpp"

#include <cblas.h>

#include <algorithm>

#include "core/assert.hpp"

namespace agora::kernels::cpu {

void linear_forward(std::span<float> out, std::span<const float> in, uint32_t T,
                    const linear_view& w) {
  AGORA_ASSERT(T > 0);
  AGORA_ASSERT(in.size() == size_t{T} * w.in);
  AGORA_ASSERT(out.size() == size_t{T} * w.out);
  AGORA_ASSERT(w.weight.size() == size_t{w.in} * w.out);
  AGORA_ASSERT(w.bias.empty() || w.bias.size() == w.out);
  float beta = 0.0f;
  if (!w.bias.empty()) {
    // Start every row from the bias and let sgemm accumulate onto it (beta = 1), as addmm does.
    for (uint32_t t = 0; t < T; ++t)
      std::copy(w.bias.begin(), w.bias.end(), out.begin() + size_t{t} * w.out);
    beta = 1.0f;
  }
  const bool transpose = w.layout == weight_layout::out_in;
  const int ldb = static_cast<int>(transpose ? w.in : w.out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, transpose ? CblasTrans : CblasNoTrans,
              static_cast<int>(T), static_cast<int>(w.out), static_cast<int>(w.in), 1.0f, in.data(),
              static_cast<int>(w.in), w.weight.data(), ldb, beta, out.data(),
              static_cast<int>(w.out));
}

}  // namespace agora::kernels::cpu
