// The hardware inventory of this host: GPUs through the CUDA runtime (when built with CUDA and a
// driver is present), CPU and memory from the OS. Used by `agora doctor`, provider registration
// (GPU metadata) and the gateway's /v1/hardware. Stands alone like the rest of kernels/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::kernels {

struct gpu_device {
  int index = 0;
  std::string name;          // "NVIDIA H100 80GB HBM3"
  uint64_t vram_bytes = 0;   // total device memory
  int capability_major = 0;  // 9 for Hopper
  int capability_minor = 0;
  int multiprocessors = 0;
};

struct gpu_inventory {
  bool cuda_built = false;  // this binary carries the CUDA backend
  int driver_version = 0;   // e.g. 13000 for CUDA 13.0; 0 when no driver
  int runtime_version = 0;
  std::vector<gpu_device> gpus;
  std::string unavailable_reason;  // why gpus is empty, for people
};

struct host_info {
  std::string cpu_model;
  unsigned logical_cores = 0;
  uint64_t memory_bytes = 0;
};

/// Lists the GPUs the CUDA runtime sees. Never throws or exits; an empty list says why.
gpu_inventory query_gpus();
/// CPU model, core count and memory of this host.
host_info query_host();

}  // namespace agora::kernels
