// This node's hardware as JSON (hardware.hpp).
#include "net/gateway/ops/hardware.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/assert.hpp"

namespace agora::net::gateway {

namespace {

namespace json = boost::json;

json::object gpu_json(const kernels::gpu_device& d) {
  return {{"index", d.index},
          {"name", d.name},
          {"vram_bytes", d.vram_bytes},
          {"compute_capability",
           std::to_string(d.capability_major) + "." + std::to_string(d.capability_minor)},
          {"multiprocessors", d.multiprocessors}};
}

json::object cuda_json(const kernels::gpu_inventory& inventory) {
  return {{"built", inventory.cuda_built},
          {"driver_version", inventory.driver_version},
          {"runtime_version", inventory.runtime_version},
          {"unavailable_reason", inventory.unavailable_reason}};
}

}  // namespace

std::string hardware_json(const hardware_snapshot& hardware) {
  json::array gpus;
  for (const kernels::gpu_device& d : hardware.gpus.gpus)
    gpus.push_back(gpu_json(d));
  AGORA_ASSERT(gpus.size() == hardware.gpus.gpus.size());
  const kernels::host_info& host = hardware.host;
  return json::serialize(
      json::object{{"object", "hardware"},
                   {"gpus", std::move(gpus)},
                   {"cuda", cuda_json(hardware.gpus)},
                   {"cpu", json::object{{"model", host.cpu_model}, {"cores", host.logical_cores}}},
                   {"memory_bytes", host.memory_bytes}});
}

route_handler hardware_route(const hardware_snapshot& hardware) {
  return [body = hardware_json(hardware)](const http_request&, std::string_view,
                                          std::shared_ptr<reply_channel> reply) {
    reply->json(http::status::ok, body);
  };
}

}  // namespace agora::net::gateway
