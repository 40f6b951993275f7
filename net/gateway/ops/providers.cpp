// The provider list and detail from the relay's status (providers.hpp).
#include "net/gateway/ops/providers.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>

#include "net/gateway/inference.hpp"
#include "net/gateway/ops/attestation.hpp"

namespace agora::net::gateway {

namespace {

namespace json = boost::json;

/// A figure the provider did not report (empty text, 0) is null rather than a made-up value.
template <class T>
json::value reported(const T& value) {
  return value == T{} ? json::value(nullptr) : json::value(value);
}

json::object gpu_json(const actors::relay_gpu_status& g) {
  const bool has_capability = g.compute_capability_major != 0 || g.compute_capability_minor != 0;
  return {{"name", g.name},
          {"vram_bytes", g.vram_bytes},
          {"count", g.count},
          {"driver_version", reported(g.driver_version)},
          {"compute_capability", has_capability
                                     ? json::value(std::to_string(g.compute_capability_major) +
                                                   "." + std::to_string(g.compute_capability_minor))
                                     : json::value(nullptr)}};
}

json::object hardware_json(const actors::relay_provider_status& p) {
  json::array gpus;
  uint64_t gpu_count = 0;
  for (const actors::relay_gpu_status& g : p.gpus) {
    gpus.push_back(gpu_json(g));
    gpu_count += g.count;
  }
  return {{"gpus", std::move(gpus)},
          {"gpu_count", gpu_count},
          {"cpu", json::object{{"model", reported(p.cpu_model)}, {"cores", reported(p.cpu_cores)}}},
          {"memory_bytes", reported(p.memory_bytes)}};
}

json::array models_json(const actors::relay_provider_status& p) {
  json::array models;
  for (const actors::relay_model_status& m : p.models)
    models.push_back(json::object{{"id", m.id},
                                  {"max_context", m.max_context},
                                  {"quantization", m.quantization},
                                  {"ready", m.ready}});
  return models;
}

json::object availability_json(const actors::relay_provider_status& p) {
  return {{"max_concurrency", p.max_concurrency}, {"in_flight", p.in_flight},
          {"free_capacity", p.free_capacity},     {"active_tasks", p.active_tasks},
          {"queue_depth", p.queue_depth},         {"load_permille", p.load_permille},
          {"active_rentals", p.active_rentals}};
}

/// The relay records TEE evidence without checking it: "unverified", never "verified".
json::object tee_json(const actors::relay_provider_status& p) {
  const bool none = p.tee_type == wire::TeeType::None;
  return {{"type", tee_type_name(p.tee_type)},
          {"status", none ? "none" : "unverified"},
          {"evidence_bytes", p.tee_evidence_bytes}};
}

json::object reliability_json(const actors::relay_provider_status& p) {
  const uint64_t finished = p.jobs_completed + p.jobs_failed;
  // Both rates are the registry's moving averages (latency weight 1/8, errors 1/16).
  return {{"uptime_seconds", p.uptime_s},
          {"connected_since", p.connected_since_unix_s},
          {"jobs_completed", p.jobs_completed},
          {"jobs_failed", p.jobs_failed},
          {"average_latency_ms", p.jobs_completed == 0
                                     ? json::value(nullptr)
                                     : json::value(static_cast<double>(p.latency_ewma_us) / 1e3)},
          {"error_rate", finished == 0 ? json::value(nullptr)
                                       : json::value(static_cast<double>(p.error_ppm) / 1e6)}};
}

json::object provider_object(const actors::relay_provider_status& p) {
  return {{"id", p.provider},
          {"object", "provider"},
          {"status", relay::to_string(p.state)},
          {"draining", p.draining},
          {"region", p.region},
          {"hardware", hardware_json(p)},
          {"models", models_json(p)},
          {"pricing", json::object{{"per_million_tokens_micros", p.price_per_million_tokens_micros},
                                   {"per_gpu_hour_micros", p.price_per_gpu_hour_micros}}},
          {"availability", availability_json(p)},
          {"tee", tee_json(p)},
          {"reliability", reliability_json(p)}};
}

/// Asks the relay's status through the gateway actor; `done` runs with it, or the request is
/// answered 503.
void with_relay_status(const caf::actor& gateway_actor, std::shared_ptr<reply_channel> reply,
                       std::function<void(const actors::relay_status&, reply_channel&)> done) {
  relay_status_call call{[reply, done = std::move(done)](const result<actors::relay_status>& s) {
    if (!s)
      return reply->error(openai::relay_unavailable(s.error()));
    done(*s, *reply);
  }};
  caf::anon_send(gateway_actor, actors::status_atom_v, std::move(call));
}

void answer_one(const actors::relay_status& status, const address& id, reply_channel& reply) {
  const std::string text = id.to_string();
  for (const actors::relay_provider_status& p : status.providers)
    if (p.provider == text)
      return reply.json(http::status::ok, json::serialize(provider_object(p)));
  reply.error({http::status::not_found,
               "No provider " + text + " is registered on this gateway's relay.",
               "invalid_request_error", "id", "provider_not_found"});
}

}  // namespace

std::string provider_json(const actors::relay_provider_status& provider) {
  return json::serialize(provider_object(provider));
}

route_handler providers_route(caf::actor gateway_actor) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor](const http_request&, std::string_view,
                         std::shared_ptr<reply_channel> reply) {
    with_relay_status(
        gateway_actor, std::move(reply), [](const actors::relay_status& status, reply_channel& r) {
          json::array data;
          for (const actors::relay_provider_status& p : status.providers)
            data.push_back(provider_object(p));
          r.json(http::status::ok,
                 json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}}));
        });
  };
}

route_handler provider_route(caf::actor gateway_actor) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor](const http_request&, std::string_view rest,
                         std::shared_ptr<reply_channel> reply) {
    auto id = address::parse(rest);
    if (!id)
      return reply->error(openai::invalid_request(
          "A provider id is its address: " + id.error().message, "id", "invalid_address"));
    with_relay_status(gateway_actor, std::move(reply),
                      [id = *id](const actors::relay_status& status, reply_channel& r) {
                        answer_one(status, id, r);
                      });
  };
}

}  // namespace agora::net::gateway
