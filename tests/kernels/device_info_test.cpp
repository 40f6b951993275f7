// Tests for the hardware inventory: host facts are plausible, and the GPU query answers without
// crashing whether or not a GPU (or the CUDA backend) is present.
#include "kernels/device_info.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace agora::kernels {
namespace {

TEST(device_info, host_reports_cores_and_memory) {
  host_info host = query_host();
  EXPECT_EQ(host.logical_cores, static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_GT(host.memory_bytes, 256ull << 20);
}

TEST(device_info, gpu_query_lists_devices_or_says_why_not) {
  gpu_inventory inv = query_gpus();
#ifdef AGORA_WITH_CUDA
  EXPECT_TRUE(inv.cuda_built);
#else
  EXPECT_FALSE(inv.cuda_built);
#endif
  if (inv.gpus.empty()) {
    EXPECT_FALSE(inv.unavailable_reason.empty());
    return;
  }
  for (const auto& gpu : inv.gpus) {
    EXPECT_FALSE(gpu.name.empty());
    EXPECT_GT(gpu.vram_bytes, 0u);
    EXPECT_GT(gpu.capability_major, 0);
  }
}

}  // namespace
}  // namespace agora::kernels
