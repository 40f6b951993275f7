// The GPU metadata a provider registers with (DESIGN §5 "Registration"): this host's GPUs as the
// CUDA runtime reports them, one GpuInfo per kind of device with its count. A host without a GPU
// (the CPU backend, mock-model) registers one honest entry "CPU (no GPU): <cpu model>" whose
// memory is the host's, because Register requires at least one entry.
#pragma once

#include <vector>

#include "kernels/device_info.hpp"
#include "schemas/provider_generated.h"

namespace agora::net {

/// GpuInfo entries for `inventory` on `host`: never empty.
std::vector<wire::GpuInfoT> registered_gpus(const kernels::gpu_inventory& inventory,
                                            const kernels::host_info& host);

}  // namespace agora::net
