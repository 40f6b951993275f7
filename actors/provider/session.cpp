// The provider's session frames: Register, Registered, Heartbeat, Drain, Deregister.

#include "actors/provider/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "schemas/limits.hpp"

namespace agora::actors {

namespace {

int64_t now_unix_s(provider_pointer self) {
  return unix_seconds(self->state.options->clock.now(self));
}

std::unique_ptr<wire::ModelOfferT> model_offer(const model_info& m) {
  auto offer = std::make_unique<wire::ModelOfferT>();
  offer->id = m.id;
  offer->max_context = m.max_context;
  offer->quantization = m.quantization;
  offer->weights_hash = wire::to_wire(m.weights_hash);
  return offer;
}

wire::RegisterT make_register(provider_pointer self) {
  const auto& st = self->state;
  wire::RegisterT m;
  m.provider = wire::to_wire(st.self_id);
  m.relay = wire::to_wire(st.options->relay_id);
  m.session_id = st.session_id;
  m.timestamp_unix_s = now_unix_s(self);
  for (const wire::GpuInfoT& gpu : st.options->gpus)
    m.gpus.push_back(std::make_unique<wire::GpuInfoT>(gpu));
  for (const model_info& model : st.models)
    m.models.push_back(model_offer(model));
  m.region = st.options->region;
  m.price_per_million_tokens_micros = st.options->price_per_million_tokens_micros;
  m.price_per_gpu_hour_micros = st.options->price_per_gpu_hour_micros;
  m.max_concurrency = st.options->max_concurrency;
  m.cpu_model = st.options->cpu_model;
  m.cpu_cores = st.options->cpu_cores;
  m.memory_bytes = st.options->memory_bytes;
  return m;
}

/// Fills the fields every session frame after Register carries; takes the next sequence.
template <class Native>
Native session_frame(provider_pointer self) {
  auto& st = self->state;
  Native m;
  m.provider = wire::to_wire(st.self_id);
  m.session_id = st.session_id;
  m.sequence = ++st.sequence;
  m.timestamp_unix_s = now_unix_s(self);
  return m;
}

/// Starts the heartbeat timer unless one is pending (a reconnect keeps the running loop).
void arm_heartbeat(provider_pointer self) {
  auto& st = self->state;
  if (st.heartbeat_armed)
    return;
  st.heartbeat_armed = true;
  self->delayed_send(self, st.heartbeat_interval, heartbeat_atom_v);
}

}  // namespace

void refuse(provider_pointer self, const agora::error& why, byte_view sealed) {
  auto& st = self->state;
  ++st.refused;
  spdlog::warn("provider {} refused a {} frame: {}", st.self_id.to_string(),
               wire::kind_name(wire::peek_kind(sealed)), why.to_string());
  bytes reply = wire::seal_error_frame(why, sealed, now_unix_s(self), st.options->key);
  self->send(st.options->relay, wire::frame{wire::message_kind::ErrorFrame, std::move(reply)});
}

void send_register(provider_pointer self) {
  auto& st = self->state;
  AGORA_ASSERT(st.phase == provider_phase::registering);
  st.session_id.assign(wire::limits::session_id_bytes_max, 0);
  st.options->rng->fill(st.session_id);
  send_sealed(self, make_register(self));
}

void on_registered(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed) {
  auto& st = self->state;
  const wire::Registered* m = opened.as<wire::Registered>();
  if (st.phase != provider_phase::registering || wire::from_wire(*m->provider()) != st.self_id ||
      !std::ranges::equal(wire::view(m->session_id()), st.session_id))
    return refuse(self, make_error(errc::replayed, "Registered does not answer our Register"),
                  sealed);
  const uint32_t interval =
      std::clamp(m->heartbeat_interval_s(), wire::limits::heartbeat_interval_s_min,
                 wire::limits::heartbeat_interval_s_max);
  st.heartbeat_interval = std::chrono::seconds(interval);
  st.phase = provider_phase::registered;
  spdlog::info("provider {} registered with relay {} session {} heartbeat {} s",
               st.self_id.to_string(), st.options->relay_id.to_string(), to_hex(st.session_id),
               interval);
  arm_heartbeat(self);
}

void on_heartbeat_due(provider_pointer self) {
  auto& st = self->state;
  st.heartbeat_armed = false;
  if (st.phase != provider_phase::registered && st.phase != provider_phase::draining)
    return;  // deregistered or registering anew: the loop ends here
  auto m = session_frame<wire::HeartbeatT>(self);
  const auto in_flight = static_cast<uint32_t>(st.running.size());
  m.active_tasks = std::min<uint32_t>(in_flight, 1);  // the worker runs one at a time
  m.queue_depth = in_flight - m.active_tasks;
  m.load_permille = static_cast<uint16_t>(std::min<uint64_t>(
      wire::limits::load_permille_max, uint64_t{in_flight} * 1000 / st.options->max_concurrency));
  if (st.phase == provider_phase::registered)
    for (const model_info& model : st.models)
      m.available_models.push_back(model.id);
  send_sealed(self, m);
  arm_heartbeat(self);
}

void send_drain(provider_pointer self) {
  auto& st = self->state;
  if (st.phase != provider_phase::registered)
    return;
  st.phase = provider_phase::draining;
  send_sealed(self, session_frame<wire::DrainT>(self));
}

void send_deregister(provider_pointer self, std::string reason) {
  auto& st = self->state;
  if (st.phase != provider_phase::registered && st.phase != provider_phase::draining)
    return;
  st.phase = provider_phase::deregistered;
  auto m = session_frame<wire::DeregisterT>(self);
  m.reason = std::move(reason);
  send_sealed(self, m);
}

void reconnect(provider_pointer self, frame_sink relay) {
  auto& st = self->state;
  AGORA_ASSERT(relay != nullptr);
  spdlog::info("provider {} reconnects to relay {}", st.self_id.to_string(),
               st.options->relay_id.to_string());
  st.options->relay = std::move(relay);
  st.phase = provider_phase::registering;
  send_register(self);
}

}  // namespace agora::actors
