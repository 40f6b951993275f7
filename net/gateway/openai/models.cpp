// The model list from the relay's provider status (models.hpp).
#include "net/gateway/openai/models.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>
#include <map>

#include "net/gateway/inference.hpp"

namespace agora::net::gateway::openai {

namespace {

namespace json = boost::json;

/// One model id across the providers serving it.
struct model_summary {
  std::string owned_by;
  int64_t created = 0;
  int64_t price_micros = 0;
  uint32_t max_context = 0;
  uint64_t providers = 0;
};

void add_offer(const actors::relay_provider_status& p, const actors::relay_model_status& m,
               model_summary* s) {
  const bool cheaper = s->providers == 0 || p.price_per_million_tokens_micros < s->price_micros;
  if (cheaper) {
    s->owned_by = p.provider;
    s->created = p.connected_since_unix_s;
    s->price_micros = p.price_per_million_tokens_micros;
  }
  s->max_context = std::max(s->max_context, m.max_context);
  ++s->providers;
}

}  // namespace

std::string models_json(const actors::relay_status& status) {
  std::map<std::string, model_summary> models;  // by id: the list comes out sorted
  for (const actors::relay_provider_status& p : status.providers) {
    if (p.state != relay::liveness::healthy || p.draining)
      continue;
    for (const actors::relay_model_status& m : p.models)
      if (m.ready)
        add_offer(p, m, &models[m.id]);
  }
  json::array data;
  for (const auto& [id, s] : models)
    data.push_back(json::object{{"id", id},
                                {"object", "model"},
                                {"created", s.created},
                                {"owned_by", s.owned_by},
                                {"providers", s.providers},
                                {"max_context", s.max_context},
                                {"price_per_million_tokens_micros", s.price_micros}});
  AGORA_ASSERT(data.size() == models.size());
  return json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
}

route_handler models_route(caf::actor gateway_actor) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return
      [gateway_actor](const http_request&, std::string_view, std::shared_ptr<reply_channel> reply) {
        relay_status_call call{[reply](const result<actors::relay_status>& status) {
          if (!status)
            return reply->error(relay_unavailable(status.error()));
          reply->json(http::status::ok, models_json(*status));
        }};
        caf::anon_send(gateway_actor, actors::status_atom_v, std::move(call));
      };
}

}  // namespace agora::net::gateway::openai
