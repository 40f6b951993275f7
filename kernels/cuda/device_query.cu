// GPU inventory through the CUDA runtime. A missing driver or device is an answer, not an error:
// the provider then serves from the CPU backend.
#include <cuda_runtime.h>

#include <string>

#include "kernels/device_info.hpp"

namespace agora::kernels {

gpu_inventory query_gpus_cuda() {
  gpu_inventory inv;
  inv.cuda_built = true;
  cudaDriverGetVersion(&inv.driver_version);
  cudaRuntimeGetVersion(&inv.runtime_version);
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    inv.unavailable_reason = std::string("CUDA runtime: ") + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return inv;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess)
      continue;
    inv.gpus.push_back(gpu_device{i, prop.name, prop.totalGlobalMem, prop.major, prop.minor,
                                  prop.multiProcessorCount});
  }
  if (inv.gpus.empty())
    inv.unavailable_reason = "the CUDA runtime reports no usable device";
  return inv;
}

}  // namespace agora::kernels
