// GET /v1/hardware: this node's hardware, as the node's start-up code read it
// (kernels/device_info.hpp: GPUs through the CUDA runtime when built with CUDA, CPU and memory
// from /proc and sysconf). A build or host without GPUs answers "gpus": [] and says why:
//   {"object":"hardware","gpus":[{"index","name","vram_bytes","compute_capability",
//    "multiprocessors"}],"cuda":{"built","driver_version","runtime_version","unavailable_reason"},
//    "cpu":{"model","cores"},"memory_bytes"}
// The gateway never queries the host itself: it serves the snapshot it was given.
#pragma once

#include <string>

#include "kernels/device_info.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

struct hardware_snapshot {
  kernels::gpu_inventory gpus;
  kernels::host_info host;
};

/// The JSON of `hardware`.
std::string hardware_json(const hardware_snapshot& hardware);

/// The handler; the answer is computed once, here.
route_handler hardware_route(const hardware_snapshot& hardware);

}  // namespace agora::net::gateway
