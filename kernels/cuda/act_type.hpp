// The 16-bit storage type of a loaded model on the GPU: weights, the KV cache and every GEMM
// input use it (bf16, or fp16 when the checkpoint stores fp16); sums and the residual stream
// stay fp32. Launchers take untyped pointers plus this tag and dispatch to templated kernels.
#pragma once

#include <cstdint>

namespace agora::kernels::cuda {

enum class act_type : uint8_t { bf16, f16 };

}  // namespace agora::kernels::cuda
