// Host inventory from /proc and sysconf; GPU inventory from cuda/device_query.cu when built with
// CUDA, else an honest "not built" answer.
#include "kernels/device_info.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

namespace agora::kernels {

#ifdef AGORA_WITH_CUDA
gpu_inventory query_gpus_cuda();  // cuda/device_query.cu
#endif

gpu_inventory query_gpus() {
#ifdef AGORA_WITH_CUDA
  return query_gpus_cuda();
#else
  gpu_inventory inv;
  inv.unavailable_reason = "this build has no CUDA backend (nvcc was not found at configure time)";
  return inv;
#endif
}

host_info query_host() {
  host_info info;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  info.logical_cores = cores > 0 ? static_cast<unsigned>(cores) : 0;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0)
    info.memory_bytes = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos)
        info.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  return info;
}

}  // namespace agora::kernels
