// The relay actor's behavior: provider session frames into the registry, the tick (liveness,
// deadlines, downtime reports, rental expiry) and the status query; tasks live in
// relay_tasks.cpp, rental sessions in relay_rental.cpp, escrow reports in relay_escrow.cpp.

#include "actors/relay/relay_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/relay/relay_state.hpp"

namespace agora::actors {

namespace {

void send_registered(relay_pointer self, const wire::opened_envelope& opened,
                     const frame_sink& to) {
  const wire::Register* r = opened.as<wire::Register>();
  wire::RegisteredT m;
  m.relay = wire::to_wire(self->state.self_id);
  m.provider = wire::to_wire(opened.signer());
  const byte_view session = wire::view(r->session_id());
  m.session_id.assign(session.begin(), session.end());
  m.accepted_unix_s = unix_seconds(relay_now(self));
  m.heartbeat_interval_s = self->state.options->heartbeat_interval_s;
  self->send(to, relay_seal(self, m));
  spdlog::info("relay {} registered provider {} session {}", self->state.self_id.to_string(),
               opened.signer().to_string(), to_hex(session));
}

/// Hands a session frame to the registry; what it returns decides the answer.
status on_session_frame(relay_pointer self, const wire::opened_envelope& opened,
                        const frame_sink& sender) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  switch (opened.kind()) {
  case wire::message_kind::Register: {
    if (auto s = st.registry->register_provider(opened, now); !s)
      return s;
    st.providers.insert_or_assign(opened.signer(), sender);
    send_registered(self, opened, sender);
    return {};
  }
  case wire::message_kind::Heartbeat: return st.registry->heartbeat(opened, now);
  case wire::message_kind::Drain: return st.registry->drain(opened, now);
  case wire::message_kind::ModelsUpdate: return st.registry->update_models(opened, now);
  case wire::message_kind::Deregister: {
    auto done = st.registry->deregister(opened, now);
    if (!done)
      return done.error();
    spdlog::info("relay {}: provider {} deregistered", st.self_id.to_string(),
                 opened.signer().to_string());
    return {};
  }
  default:
    return make_error(errc::wrong_kind,
                      "a relay does not take " + wire::kind_name(opened.kind()) + " frames");
  }
}

void on_frame(relay_pointer self, const wire::frame& f) {
  const auto sender = caf::actor_cast<frame_sink>(self->current_sender());
  auto opened = wire::open(f.data);
  if (!opened)
    return refuse(self, sender, opened.error(), f.data);
  switch (opened->kind()) {
  case wire::message_kind::TokenChunk:
  case wire::message_kind::TaskResult:
  case wire::message_kind::ComputeProof: return on_task_frame(self, *opened, f);
  case wire::message_kind::TaskCancel: return on_task_cancel(self, *opened, f);
  case wire::message_kind::UsageReport:
  case wire::message_kind::SessionEnd: return on_rental_frame(self, *opened, f);
  case wire::message_kind::BodyAttestation: return on_attestation(self, *opened, f);
  case wire::message_kind::ErrorFrame: {
    const wire::ErrorFrame* e = opened->as<wire::ErrorFrame>();
    if (on_rental_refusal(self, *e) || on_attestation_refusal(self, opened->signer(), *e))
      return;
    spdlog::warn("relay {} got an ErrorFrame from {}: code {} {}", self->state.self_id.to_string(),
                 opened->signer().to_string(), e->code(), std::string(wire::view(e->message())));
    return;
  }
  default:
    if (auto s = on_session_frame(self, *opened, sender); !s)
      refuse(self, sender, s.error(), f.data);
  }
}

/// Tracks offline episodes from the registry's liveness changes and reports each episode that
/// lasts downtime_slash_after, once.
void check_downtime(relay_pointer self, const std::vector<relay::liveness_change>& changes,
                    wall_time now) {
  auto& st = self->state;
  for (const relay::liveness_change& c : changes) {
    spdlog::info("relay {}: provider {} {} → {}", st.self_id.to_string(), c.provider.to_string(),
                 relay::to_string(c.from), relay::to_string(c.to));
    if (c.to == relay::liveness::offline) {
      AGORA_ASSERT(c.offline_since.has_value());
      st.offline.try_emplace(c.provider, offline_episode{*c.offline_since});
    } else {
      st.offline.erase(c.provider);
    }
  }
  for (auto& [provider, episode] : st.offline) {
    if (episode.reported || now - episode.since < st.options->downtime_slash_after)
      continue;
    episode.reported = true;
    send_downtime_slash(self, provider, episode.since);
  }
}

void on_tick(relay_pointer self) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  std::vector<relay::liveness_change> changes;
  st.registry->tick(now, &changes);
  check_downtime(self, changes, now);
  check_deadlines(self);
  check_rentals(self);
  check_attestations(self);
  retry_escrow_reports(self);
  // Providers the registry removed (deregistered) need neither a handle nor an episode.
  const auto gone = [&st](const auto& entry) { return st.registry->find(entry.first) == nullptr; };
  std::erase_if(st.providers, gone);
  std::erase_if(st.offline, gone);
  self->delayed_send(self, st.options->tick_interval, tick_atom_v);
}

/// The host, capacity, load, reliability and TEE parts of a provider's status.
void add_host_and_load(const relay::registry& registry, const relay::provider_record& r,
                       wall_time now, relay_provider_status* out) {
  AGORA_ASSERT(r.in_flight <= r.max_concurrency);
  out->cpu_model = r.cpu_model;
  out->cpu_cores = r.cpu_cores;
  out->memory_bytes = r.memory_bytes;
  out->max_concurrency = r.max_concurrency;
  out->free_capacity = registry.accepts_work(r, now) ? r.max_concurrency - r.in_flight : 0;
  out->load_permille = r.load_permille;
  out->queue_depth = r.queue_depth;
  out->active_tasks = r.active_tasks;
  out->latency_ewma_us = r.latency_ewma.count();
  out->error_ppm = r.error_ppm;
  out->uptime_s = std::max<int64_t>(0, unix_seconds(now) - unix_seconds(r.connected_since));
  out->tee_type = r.tee_type;
  out->tee_evidence_bytes = static_cast<uint32_t>(r.tee_evidence.size());
  AGORA_ASSERT(out->free_capacity <= out->max_concurrency);
}

/// What the status query reports of one provider's record.
relay_provider_status provider_status_of(const relay::registry& registry,
                                         const relay::provider_record& r, wall_time now) {
  relay_provider_status out{r.provider.to_string(),
                            registry.liveness_of(r, now),
                            r.draining,
                            r.in_flight,
                            r.jobs_completed,
                            r.jobs_failed,
                            r.session_id};
  for (size_t i = 0; i < r.models.size(); ++i) {
    const relay::model_offer& m = r.models[i];
    const bool ready = (r.models_ready >> i & 1u) != 0;
    out.models.push_back({m.id, m.max_context, m.quantization, ready});
  }
  for (const relay::gpu_info& g : r.gpus)
    out.gpus.push_back({g.name, g.vram_bytes, g.count, g.driver_version, g.compute_capability_major,
                        g.compute_capability_minor});
  out.region = r.region;
  out.price_per_million_tokens_micros = r.price_per_million_tokens.micros();
  out.price_per_gpu_hour_micros = r.price_per_gpu_hour.micros();
  out.connected_since_unix_s = unix_seconds(r.connected_since);
  AGORA_ASSERT(out.models.size() == r.models.size());
  add_host_and_load(registry, r, now, &out);
  return out;
}

relay_status status_of(relay_pointer self) {
  const auto& st = self->state;
  relay_status out = st.counters;
  const wall_time now = relay_now(self);
  std::map<address, uint32_t> active_rentals;  // granted (no longer pending), by provider
  for (const auto& [session, rental] : st.rentals)
    active_rentals[rental.provider] += rental.pending ? 0 : 1;
  for (const auto& [provider, handle] : st.providers) {
    const relay::provider_record* r = st.registry->find(provider);
    if (r == nullptr)
      continue;  // deregistered since the last tick
    out.providers.push_back(provider_status_of(*st.registry, *r, now));
    auto rentals = active_rentals.find(provider);
    out.providers.back().active_rentals = rentals == active_rentals.end() ? 0 : rentals->second;
  }
  out.tasks = st.tasks.size();
  return out;
}

relay_actor::behavior_type relay(relay_pointer self, relay_options options) {
  AGORA_ASSERT(options.rng != nullptr);
  AGORA_ASSERT(options.tick_interval.count() > 0);
  AGORA_ASSERT(options.slash_report_micros > 0);
  auto& st = self->state;
  st.self_id = options.key.address();
  st.registry = std::make_unique<relay::registry>(st.self_id, options.registry);
  st.options = std::move(options);
  st.matcher =
      std::make_unique<relay::matcher>(*st.registry, *st.options->rng, st.options->matcher);
  self->delayed_send(self, st.options->tick_interval, tick_atom_v);
  return {
      [self](const wire::frame& f) { on_frame(self, f); },
      [self](route_atom, const wire::frame& request, frame_sink sink) {
        return route(self, request, std::move(sink));
      },
      [self](rent_atom, const wire::frame& request, frame_sink sink) {
        return rent(self, request, std::move(sink));
      },
      [self](end_session_atom, const wire::frame& session_end) {
        return end_rental(self, session_end);
      },
      [self](attest_atom, const wire::frame& request) { return attest(self, request); },
      [self](tick_atom) { on_tick(self); },
      [self](status_atom) { return status_of(self); },
  };
}

}  // namespace

void refuse(relay_pointer self, const frame_sink& to, const agora::error& why, byte_view refused) {
  auto& st = self->state;
  ++st.counters.refused;
  spdlog::warn("relay {} refused a {} frame: {}", st.self_id.to_string(),
               wire::kind_name(wire::peek_kind(refused)), why.to_string());
  if (to == nullptr)
    return;
  bytes reply =
      wire::seal_error_frame(why, refused, unix_seconds(relay_now(self)), st.options->key);
  self->send(to, wire::frame{wire::message_kind::ErrorFrame, std::move(reply)});
}

relay_actor spawn_relay(caf::actor_system& sys, relay_options options) {
  return sys.spawn(relay, std::move(options));
}

}  // namespace agora::actors
