// The health check (health.hpp).
#include "net/gateway/ops/health.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>
#include <set>

#include "net/gateway/inference.hpp"

namespace agora::net::gateway {

namespace {

namespace json = boost::json;

std::string health_json(const actors::relay_status& status) {
  uint64_t providers = 0;
  std::set<std::string> models;
  for (const actors::relay_provider_status& p : status.providers) {
    if (p.state != relay::liveness::healthy || p.draining)
      continue;
    ++providers;
    for (const actors::relay_model_status& m : p.models)
      if (m.ready)
        models.insert(m.id);
  }
  return json::serialize(
      json::object{{"status", "ok"}, {"providers", providers}, {"models", models.size()}});
}

}  // namespace

route_handler health_route(caf::actor gateway_actor) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor](const http_request&, std::string_view,
                         std::shared_ptr<reply_channel> reply) {
    relay_status_call call{[reply](const result<actors::relay_status>& status) {
      if (!status)
        return reply->json(http::status::service_unavailable,
                           json::serialize(json::object{{"status", "unavailable"},
                                                        {"error", status.error().to_string()}}));
      reply->json(http::status::ok, health_json(*status));
    }};
    caf::anon_send(gateway_actor, actors::status_atom_v, std::move(call));
  };
}

}  // namespace agora::net::gateway
