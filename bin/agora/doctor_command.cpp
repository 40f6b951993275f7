// `agora doctor`: what this build contains and what this host offers (CPU, memory, GPUs through
// the CUDA runtime), so a provider can see at a glance whether its GPU will be used.
#include <boost/version.hpp>
#include <cstdio>
#include <flatbuffers/base.h>
#include <rocksdb/version.h>

#include "bin/agora/commands.hpp"
#include "kernels/device_info.hpp"

namespace agora::cli {
namespace {

void print_gpus(const kernels::gpu_inventory& inv) {
  std::printf("cuda backend: %s\n", inv.cuda_built ? "built" : "not built");
  if (inv.cuda_built)
    std::printf("cuda driver:  %d.%d, runtime %d.%d\n", inv.driver_version / 1000,
                inv.driver_version % 1000 / 10, inv.runtime_version / 1000,
                inv.runtime_version % 1000 / 10);
  if (inv.gpus.empty())
    std::printf("gpus:         none (%s)\n", inv.unavailable_reason.c_str());
  for (const auto& gpu : inv.gpus)
    std::printf("gpu %d:        %s, %.1f GiB, compute %d.%d, %d SMs\n", gpu.index, gpu.name.c_str(),
                double(gpu.vram_bytes) / (1ull << 30), gpu.capability_major, gpu.capability_minor,
                gpu.multiprocessors);
}

int run_doctor() {
  auto host = kernels::query_host();
  std::printf("agora doctor\n");
  std::printf("cpu:          %s (%u logical cores)\n", host.cpu_model.c_str(), host.logical_cores);
  std::printf("memory:       %.1f GiB\n", double(host.memory_bytes) / (1ull << 30));
  print_gpus(kernels::query_gpus());
  std::printf("libraries:    boost %s, rocksdb %d.%d.%d, flatbuffers %d.%d.%d\n", BOOST_LIB_VERSION,
              ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH, FLATBUFFERS_VERSION_MAJOR,
              FLATBUFFERS_VERSION_MINOR, FLATBUFFERS_VERSION_REVISION);
  return 0;
}

}  // namespace

void add_doctor_command(CLI::App& app, action& run) {
  auto* cmd = app.add_subcommand("doctor", "Show this build's features and this host's hardware");
  cmd->callback([&run] { run = run_doctor; });
}

}  // namespace agora::cli
