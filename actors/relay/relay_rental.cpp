// The relay's rental sessions (DESIGN §6, docs/PROTOCOL.md §7): a renter's SessionRequest is
// matched to a provider with the GPUs asked for, the provider accepts the relay's SessionGrant
// (UsageReport 0, with its connection details) or refuses it (ErrorFrame), the accepted grant
// goes to the renter and binds the session in the matcher, usage reports go on to the renter,
// and the session ends by the renter's SessionEnd or on expiry, both settled by the escrow.
//
//   rent ──SessionGrant──▶ pending ──UsageReport 0──▶ active ──renter's SessionEnd──▶ gone
//                            │ ErrorFrame, no answer   │ expires_unix_s passed: SessionEnd
//                            ▼                         ▼ (Expired) to escrow, provider, renter
//                     Refund of the hold, error      gone

#include <spdlog/spdlog.h>

#include "actors/common/caf_error.hpp"
#include "actors/relay/relay_state.hpp"
#include "core/keccak.hpp"

namespace agora::actors {

namespace {

using rental_iterator = std::map<wire::id128, relay_rental>::iterator;

/// A provider able to host a session, and the GPU kind it would rent out.
struct rental_match {
  address provider;
  const relay::gpu_info* gpu = nullptr;
  amount price;
};

/// The provider's GPU kind that satisfies `r`, or null.
const relay::gpu_info* gpu_for(const relay::provider_record& p, const wire::SessionRequest& r) {
  const std::string_view name = wire::view(r.gpu_name());
  for (const relay::gpu_info& g : p.gpus)
    if ((name.empty() || g.name == name) && g.vram_bytes >= r.vram_bytes_min() &&
        g.count >= r.gpu_count())
      return &g;
  return nullptr;
}

/// Whether `p` may host the session `r` asks for, apart from its GPUs.
bool suits(relay_pointer self, const relay::provider_record& p, const wire::SessionRequest& r,
           wall_time now) {
  const std::string_view model = wire::view(r.model());
  const std::string_view region = wire::view(r.region());
  const address wanted = r.provider() ? wire::from_wire(*r.provider()) : address{};
  const bool serves = model.empty() || std::any_of(p.models.begin(), p.models.end(),
                                                   [&](const auto& m) { return m.id == model; });
  return !p.draining && self->state.registry->liveness_of(p, now) == relay::liveness::healthy &&
         serves && (region.empty() || p.region == region) &&
         (wanted == address{} || wanted == p.provider) &&
         p.price_per_gpu_hour.micros() <= r.price_cap_per_gpu_hour_micros();
}

/// The cheapest suitable provider (ties: the lowest address), bound to the session in the
/// matcher, so the session's tasks go to it.
result<rental_match> pick_provider(relay_pointer self, const wire::SessionRequest& r) {
  const wall_time now = relay_now(self);
  std::optional<rental_match> best;
  for (const auto& [provider, handle] : self->state.providers) {
    const relay::provider_record* p = self->state.registry->find(provider);
    if (p == nullptr || !suits(self, *p, r, now))
      continue;
    const relay::gpu_info* gpu = gpu_for(*p, r);
    if (gpu != nullptr && (!best || p->price_per_gpu_hour < best->price))
      best = rental_match{provider, gpu, p->price_per_gpu_hour};
  }
  if (!best)
    return make_error(errc::limit_exceeded, std::string(relay::no_providers_available) +
                                                " for a rental of " +
                                                std::to_string(r.gpu_count()) + " GPU(s)");
  const wire::id128 session = wire::from_wire(*r.session_id());
  if (auto bound = self->state.matcher->bind_session(session, best->provider); !bound)
    return bound.error();
  return *best;
}

/// The relay's grant of `r` on `m`, starting now, without connection details (the provider's
/// acceptance brings them).
wire::SessionGrantT grant_of(relay_pointer self, const wire::SessionRequest& r,
                             const rental_match& m) {
  wire::SessionGrantT g;
  g.relay = wire::to_wire(self->state.self_id);
  g.renter = *r.renter();
  g.provider = wire::to_wire(m.provider);
  g.session_id = *r.session_id();
  g.gpu = std::make_unique<wire::GpuInfoT>();
  g.gpu->name = m.gpu->name;
  g.gpu->vram_bytes = m.gpu->vram_bytes;
  g.gpu->count = r.gpu_count();
  g.gpu->driver_version = m.gpu->driver_version;
  g.gpu->compute_capability_major = m.gpu->compute_capability_major;
  g.gpu->compute_capability_minor = m.gpu->compute_capability_minor;
  g.price_per_gpu_hour_micros = m.price.micros();
  g.starts_unix_s = unix_seconds(relay_now(self));
  g.expires_unix_s = g.starts_unix_s + r.duration_s();
  return g;
}

/// A rental that did not start: the renter gets `why`, the request's hold is refunded.
void fail_rental(relay_pointer self, rental_iterator it, const agora::error& why) {
  relay_rental& rental = it->second;
  AGORA_ASSERT(rental.pending.has_value());
  spdlog::warn("relay {}: rental {} failed: {}", self->state.self_id.to_string(), to_hex(it->first),
               why.to_string());
  send_refund(self, rental.hold_id, wire::RefundReason::ProviderFailed);
  rental.pending->deliver(to_caf_error(why));
  self->state.matcher->end_session(it->first);
  self->state.rentals.erase(it);
}

/// Tells the session's provider and renter that it ended, and forgets it.
void forget_rental(relay_pointer self, rental_iterator it, const wire::frame& session_end) {
  auto& st = self->state;
  if (auto handle = st.providers.find(it->second.provider); handle != st.providers.end())
    self->send(handle->second, session_end);
  self->send(it->second.renter_sink, session_end);
  st.matcher->end_session(it->first);
  st.rentals.erase(it);
}

/// The provider accepted: the grant with its connection details goes to the renter.
void activate(relay_pointer self, rental_iterator it, const wire::UsageReport& accepted) {
  auto& st = self->state;
  relay_rental& rental = it->second;
  auto draft = wire::open(rental.grant);
  AGORA_ASSERT(draft.ok());  // sealed by this relay
  wire::SessionGrantT g;
  draft->as<wire::SessionGrant>()->UnPackTo(&g);
  g.connection = std::string(wire::view(accepted.connection()));
  g.provisioning = std::string(wire::view(accepted.provisioning()));
  const wire::frame sealed = relay_seal(self, g);
  rental.grant = sealed.data;
  rental.pending->deliver(sealed);
  rental.pending.reset();
  spdlog::info("relay {}: rental {} granted on {} ({})", st.self_id.to_string(), to_hex(it->first),
               rental.provider.to_string(), g.provisioning);
}

void on_usage(relay_pointer self, rental_iterator it, const wire::UsageReport& report,
              const wire::frame& f) {
  relay_rental& rental = it->second;
  if (rental.pending) {
    if (report.sequence() != 0)
      return fail_rental(self, it, make_error(errc::invalid_argument, "no acceptance first"));
    return activate(self, it, report);
  }
  if (report.sequence() <= rental.last_sequence)
    return refuse(self, caf::actor_cast<frame_sink>(self->current_sender()),
                  make_error(errc::replayed, "UsageReport sequence"), f.data);
  rental.last_sequence = report.sequence();
  rental.gpu_seconds += report.gpu_seconds();
  self->send(rental.renter_sink, f);
}

/// The SessionRequest in a rent request, with the relay's checks.
result<wire::opened_envelope> open_session_request(relay_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::SessionRequest)
    return make_error(errc::wrong_kind,
                      "rent takes a SessionRequest, not a " + wire::kind_name(opened->kind()));
  const wire::id128 session = wire::from_wire(*opened->as<wire::SessionRequest>()->session_id());
  if (self->state.rentals.contains(session))
    return make_error(errc::replayed, "rental session " + to_hex(session) + " exists");
  return opened;
}

}  // namespace

caf::result<wire::frame> rent(relay_pointer self, const wire::frame& request, frame_sink sink) {
  auto& st = self->state;
  auto opened = open_session_request(self, request);
  if (!opened)
    return to_caf_error(opened.error());
  const wire::SessionRequest& r = *opened->as<wire::SessionRequest>();
  const wire::id128 session = wire::from_wire(*r.session_id());
  relay_rental rental;
  rental.renter_sink = std::move(sink);
  rental.renter = opened->signer();
  rental.hold_id = wire::from_wire(*r.hold_id());
  rental.asked = relay_now(self);
  auto match = pick_provider(self, r);
  if (!match) {
    send_refund(self, rental.hold_id, wire::RefundReason::ProviderFailed);
    return to_caf_error(match.error());
  }
  rental.provider = match->provider;
  const wire::SessionGrantT grant = grant_of(self, r, *match);
  rental.expires = from_unix_seconds(grant.expires_unix_s);
  const wire::frame sealed = relay_seal(self, grant);
  rental.grant = sealed.data;
  rental.pending = self->make_response_promise<wire::frame>();
  auto promise = *rental.pending;
  st.rentals.emplace(session, std::move(rental));
  ++st.counters.rentals;
  self->send(st.providers.at(match->provider), sealed);
  return promise;
}

caf::result<escrow_receipt> end_rental(relay_pointer self, const wire::frame& session_end) {
  auto& st = self->state;
  auto opened = wire::open(session_end.data);
  if (!opened)
    return to_caf_error(opened.error());
  if (opened->kind() != wire::message_kind::SessionEnd)
    return make_caf_error(errc::wrong_kind, "end_sess takes a SessionEnd");
  const wire::id128 session = wire::from_wire(*opened->as<wire::SessionEnd>()->session_id());
  auto it = st.rentals.find(session);
  if (it == st.rentals.end() || it->second.pending)
    return make_caf_error(errc::not_found, "no active rental session " + to_hex(session));
  if (opened->signer() != it->second.renter)
    return make_caf_error(errc::bad_signature, "SessionEnd not signed by the session's renter");
  if (st.options->escrow == nullptr)
    return make_caf_error(errc::not_found, "this relay has no escrow");
  auto promise = self->make_response_promise<escrow_receipt>();
  self->request(st.options->escrow, st.options->escrow_timeout, session_end)
      .then(
          [self, session, session_end, promise](const escrow_receipt& receipt) mutable {
            if (auto found = self->state.rentals.find(session); found != self->state.rentals.end())
              forget_rental(self, found, session_end);
            promise.deliver(receipt);
          },
          [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
  return promise;
}

void on_rental_frame(relay_pointer self, const wire::opened_envelope& opened,
                     const wire::frame& f) {
  auto& st = self->state;
  const bool usage = opened.kind() == wire::message_kind::UsageReport;
  const wire::id128 session = wire::from_wire(usage ? *opened.as<wire::UsageReport>()->session_id()
                                                    : *opened.as<wire::SessionEnd>()->session_id());
  auto it = st.rentals.find(session);
  if (it == st.rentals.end() || it->second.provider != opened.signer())
    return refuse(self, caf::actor_cast<frame_sink>(self->current_sender()),
                  make_error(errc::not_found, "no rental session " + to_hex(session) + " of yours"),
                  f.data);
  if (usage)
    return on_usage(self, it, *opened.as<wire::UsageReport>(), f);
  if (it->second.pending)
    return fail_rental(self, it, make_error(errc::limit_exceeded, "the provider closed it"));
  const wire::frame ended = send_session_end(
      self, session, it->second, wire::SessionEndReason::ProviderClosed, relay_now(self));
  forget_rental(self, it, ended);
}

bool on_rental_refusal(relay_pointer self, const wire::ErrorFrame& refusal) {
  auto& st = self->state;
  const hash256 refused = wire::from_wire(*refusal.refused_frame_hash());
  for (auto it = st.rentals.begin(); it != st.rentals.end(); ++it) {
    if (!it->second.pending || keccak256(it->second.grant) != refused)
      continue;
    fail_rental(self, it,
                make_error(static_cast<errc>(refusal.code()),
                           "the provider refused: " + std::string(wire::view(refusal.message()))));
    return true;
  }
  return false;
}

void check_rentals(relay_pointer self) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  for (auto it = st.rentals.begin(); it != st.rentals.end();) {
    auto next = std::next(it);
    relay_rental& rental = it->second;
    if (rental.pending && now - rental.asked >= st.options->assignment_timeout) {
      fail_rental(self, it, make_error(errc::limit_exceeded, "the provider did not answer"));
    } else if (!rental.pending && now >= rental.expires) {
      const wire::frame ended = send_session_end(self, it->first, rental,
                                                 wire::SessionEndReason::Expired, rental.expires);
      forget_rental(self, it, ended);
    }
    it = next;
  }
}

}  // namespace agora::actors
