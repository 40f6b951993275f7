// GpuInfo entries of this host (registered_gpus.hpp).

#include "net/node/registered_gpus.hpp"

#include <algorithm>
#include <string>

#include "core/assert.hpp"

namespace agora::net {

namespace {

std::string driver_text(int version) {
  return version == 0 ? std::string{}
                      : std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

wire::GpuInfoT cpu_entry(const kernels::host_info& host) {
  wire::GpuInfoT cpu;
  cpu.name = "CPU (no GPU): " + (host.cpu_model.empty() ? std::string("unknown") : host.cpu_model);
  cpu.name = cpu.name.substr(0, 120);
  cpu.vram_bytes = std::max<uint64_t>(host.memory_bytes, 1);
  cpu.count = 1;
  return cpu;
}

}  // namespace

std::vector<wire::GpuInfoT> registered_gpus(const kernels::gpu_inventory& inventory,
                                            const kernels::host_info& host) {
  std::vector<wire::GpuInfoT> out;
  for (const kernels::gpu_device& d : inventory.gpus) {
    auto same = std::find_if(out.begin(), out.end(), [&](const wire::GpuInfoT& g) {
      return g.name == d.name && g.vram_bytes == d.vram_bytes;
    });
    if (same != out.end()) {
      ++same->count;
      continue;
    }
    wire::GpuInfoT g;
    g.name = d.name;
    g.vram_bytes = d.vram_bytes;
    g.count = 1;
    g.driver_version = driver_text(inventory.driver_version);
    g.compute_capability_major = static_cast<uint8_t>(d.capability_major);
    g.compute_capability_minor = static_cast<uint8_t>(d.capability_minor);
    out.push_back(std::move(g));
  }
  if (out.empty())
    out.push_back(cpu_entry(host));
  AGORA_ASSERT(!out.empty());
  return out;
}

}  // namespace agora::net
