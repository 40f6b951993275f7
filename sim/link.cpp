// Simulated provider↔relay links (link.hpp).
#include "sim/link.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "actors/common/interfaces.hpp"
#include "core/assert.hpp"
#include "schemas/identity_generated.h"
#include "schemas/task_generated.h"

namespace agora::sim {

using namespace std::chrono_literals;
using wire::frame;
using wire::message_kind;

// -------------------------------------------------------------------------------------------------
// link_model

link_model::link_model(const network_spec& spec, std::shared_ptr<random_source> rng)
    : spec_(spec), rng_(std::move(rng)) {
  AGORA_ASSERT(rng_ != nullptr);
  AGORA_ASSERT(spec_.max_ms >= spec_.min_ms);
}

caf::timespan link_model::latency() {
  int64_t us = spec_.min_ms * 1'000;
  switch (spec_.latency) {
  case latency_distribution::fixed: break;
  case latency_distribution::uniform:
    us += static_cast<int64_t>(rng_->uniform(uint64_t((spec_.max_ms - spec_.min_ms) * 1'000 + 1)));
    break;
  case latency_distribution::exponential: {
    // Inverse transform on a 53-bit uniform in (0, 1]; capped at max_ms.
    const double u = (double(rng_->next_u64() >> 11) + 1.0) / 9007199254740992.0;
    const double extra_us = -std::log(u) * double(spec_.mean_ms) * 1'000.0;
    us =
        std::min(us + static_cast<int64_t>(extra_us), std::max(spec_.max_ms, spec_.min_ms) * 1'000);
    break;
  }
  }
  AGORA_ASSERT(us >= 0);
  return std::chrono::microseconds(us);
}

frame_fate link_model::draw_clean(caf::timespan now, bool to_relay) {
  frame_fate fate;
  caf::timespan& last = last_due_[to_relay ? 1 : 0];
  last = std::max(now + latency(), last);
  fate.delay[0] = last - now;
  return fate;
}

frame_fate link_model::draw(caf::timespan now, bool to_relay) {
  frame_fate fate;
  const bool faulty = spec_.direction == fault_direction::both ||
                      (spec_.direction == fault_direction::to_relay) == to_relay;
  if (!faulty)
    return draw_clean(now, to_relay);
  if (spec_.loss_permille > 0 && rng_->uniform(1000) < spec_.loss_permille) {
    fate.lost = true;
    return fate;
  }
  fate.copies =
      spec_.duplicate_permille > 0 && rng_->uniform(1000) < spec_.duplicate_permille ? 2 : 1;
  caf::timespan& last = last_due_[to_relay ? 1 : 0];
  for (int i = 0; i < fate.copies; ++i) {
    caf::timespan due = now + latency();
    const bool reorder = spec_.reorder_permille > 0 && rng_->uniform(1000) < spec_.reorder_permille;
    if (reorder)  // may overtake or be overtaken: up to twice max_ms more, outside FIFO
      due += std::chrono::microseconds(rng_->uniform(uint64_t(2 * spec_.max_ms * 1'000 + 1)));
    else
      due = std::max(due, last);  // FIFO: never before the frame sent before it
    if (!reorder)
      last = due;
    fate.delay[i] = due - now;
    AGORA_ASSERT(fate.delay[i] >= caf::timespan{0});
  }
  return fate;
}

// -------------------------------------------------------------------------------------------------
// The link actor

namespace {

using register_check_atom = caf::atom_constant<caf::atom("reg_check")>;
using offline_atom = caf::atom_constant<caf::atom("offline")>;

struct link_state {
  link_config config;
  std::optional<link_model> model;
  std::shared_ptr<random_source> rng;  // fail_after_accept decisions
  caf::actor relay;
  caf::actor provider;  // the sender of the first frame that is not the relay's
  caf::actor_clock::time_point start;
  link_observer observer;
  bool offline = false;
  int partitions = 0;  // partitions in force (they may overlap)
  bool relay_down = false;
  bool register_pending = false;
  uint64_t register_generation = 0;
  std::set<wire::id128> failing;  // tasks the provider runs but never reports
  std::set<wire::id128> served;   // tasks it does report
  uint64_t dropped = 0;

  bool up() const { return !offline && partitions == 0 && !relay_down; }
  bool cut_off() const { return offline || partitions > 0; }
};

using link_pointer = caf::stateful_actor<std::shared_ptr<link_state>>*;

/// The task id of a task frame (TaskAssignment, TokenChunk, TaskResult, ComputeProof), read
/// without checking the signature: the link is the wire, not a party to the protocol.
std::optional<wire::id128> task_of(const frame& f) {
  flatbuffers::Verifier outer(f.data.data(), f.data.size());
  if (!wire::VerifyEnvelopeBuffer(outer))
    return std::nullopt;
  const wire::Envelope* e = wire::GetEnvelope(f.data.data());
  const uint8_t* p = e->payload()->data();
  flatbuffers::Verifier v(p, e->payload()->size());
  const auto id = [](const wire::Id128* x) { return std::optional(wire::from_wire(*x)); };
  switch (f.kind) {
  case message_kind::TaskAssignment:
    return v.VerifyBuffer<wire::TaskAssignment>(nullptr)
               ? id(flatbuffers::GetRoot<wire::TaskAssignment>(p)->task_id())
               : std::nullopt;
  case message_kind::TokenChunk:
    return v.VerifyBuffer<wire::TokenChunk>(nullptr)
               ? id(flatbuffers::GetRoot<wire::TokenChunk>(p)->task_id())
               : std::nullopt;
  case message_kind::TaskResult:
    return v.VerifyBuffer<wire::TaskResult>(nullptr)
               ? id(flatbuffers::GetRoot<wire::TaskResult>(p)->task_id())
               : std::nullopt;
  case message_kind::ComputeProof:
    return v.VerifyBuffer<wire::ComputeProof>(nullptr)
               ? id(flatbuffers::GetRoot<wire::ComputeProof>(p)->task_id())
               : std::nullopt;
  default: return std::nullopt;
  }
}

void fault(link_state& l) {
  ++l.dropped;
  if (l.observer.on_fault)
    l.observer.on_fault();
}

void reconnect(caf::event_based_actor* self, link_state& l, const std::string& why) {
  AGORA_ASSERT(l.up());
  if (l.provider == nullptr)
    return;  // it has not spoken yet: its first Register is still to come
  l.observer.log(l.config.name + " reconnects (" + why + ")");
  self->send(l.provider, actors::reconnect_atom_v, caf::actor_cast<actors::frame_sink>(self));
}

/// Sends the copies of a frame that survived to `to` after their delays.
template <class Handle>
void deliver(caf::event_based_actor* self, const Handle& to, const frame& f,
             const frame_fate& fate) {
  for (int i = 0; i < fate.copies; ++i) {
    if (fate.delay[i] == caf::timespan{0})
      self->send(to, f);
    else
      self->delayed_send(to, fate.delay[i], f);
  }
}

/// Whether the provider fails this task (fail_after_accept), decided once per task.
bool fails(link_state& l, const wire::id128& task) {
  if (l.failing.contains(task))
    return true;
  if (l.served.contains(task))
    return false;
  const bool fail = l.rng->uniform(1000) < l.config.fail_after_accept_permille;
  (fail ? l.failing : l.served).insert(task);
  return fail;
}

void from_provider(caf::event_based_actor* self, link_state& l, const frame& f) {
  if (f.kind == message_kind::Register) {
    l.register_pending = true;
    const uint64_t generation = ++l.register_generation;
    self->delayed_send(self, std::chrono::seconds(l.config.network.register_timeout_s),
                       register_check_atom::value, generation);
  }
  if (l.config.fail_after_accept_permille > 0 && f.kind != message_kind::Register) {
    const auto task = task_of(f);
    if (task && fails(l, *task))
      return fault(l);  // withheld: the relay hears nothing of this task
  }
  if (!l.up())
    return fault(l);
  const frame_fate fate = l.model->draw(self->clock().now() - l.start, true);
  if (fate.lost)
    return fault(l);
  deliver(self, l.relay, f, fate);
}

void from_relay(caf::event_based_actor* self, link_state& l, const frame& f) {
  if (!l.up() || l.provider == nullptr)
    return fault(l);
  const frame_fate fate = l.model->draw(self->clock().now() - l.start, false);
  if (fate.lost)
    return fault(l);
  if (f.kind == message_kind::Registered) {
    l.register_pending = false;
    if (l.observer.on_registered)
      l.observer.on_registered();
  }
  if (f.kind == message_kind::TaskAssignment && l.config.fail_after_accept_permille > 0)
    if (const auto task = task_of(f))
      fails(l, *task);  // decide now, so every later frame of the task follows it
  deliver(self, l.provider, f, fate);
}

caf::behavior link_actor(caf::stateful_actor<std::shared_ptr<link_state>>* self,
                         std::shared_ptr<link_state> shared) {
  self->state = shared;
  link_state& l = *shared;
  for (const offline_window& w : l.config.offline) {
    self->delayed_send(self, std::chrono::seconds(w.from_s), offline_atom::value, true);
    self->delayed_send(self, std::chrono::seconds(w.to_s), offline_atom::value, false);
  }
  return {
      [self, &l](const frame& f) {
        if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(l.relay))
          return from_relay(self, l, f);
        l.provider = caf::actor_cast<caf::actor>(self->current_sender());
        from_provider(self, l, f);
      },
      [self, &l](offline_atom, bool offline) {
        AGORA_ASSERT(l.offline != offline);  // windows do not overlap
        const bool was = l.cut_off();
        l.offline = offline;
        if (was != l.cut_off() && l.observer.on_down)
          l.observer.on_down(l.cut_off());
        l.observer.log(l.config.name + (offline ? " goes offline"
                                                : " is back online (" + std::to_string(l.dropped) +
                                                      " frames lost so far)"));
      },
      [self, &l](partition_atom, bool on) {
        const bool was = l.cut_off();
        l.partitions += on ? 1 : -1;
        AGORA_ASSERT(l.partitions >= 0);
        if (was != l.cut_off() && l.observer.on_down)
          l.observer.on_down(l.cut_off());
        l.observer.log(l.config.name +
                       (on ? " is partitioned from the relay" : " partition heals"));
        if (!on && l.up())
          reconnect(self, l, "partition healed");
      },
      [self, &l](relay_down_atom) { l.relay_down = true; },
      [self, &l](relay_up_atom, caf::actor relay) {
        l.relay = std::move(relay);
        l.relay_down = false;
        if (l.up())
          reconnect(self, l, "relay restarted");
      },
      [self, &l](register_check_atom, uint64_t generation) {
        if (!l.register_pending || generation != l.register_generation)
          return;
        if (l.up())
          return reconnect(self, l, "no Registered within the register timeout");
        self->delayed_send(self, std::chrono::seconds(l.config.network.register_timeout_s),
                           register_check_atom::value, generation);
      },
  };
}

}  // namespace

caf::actor spawn_link(caf::actor_system& sys, link_config config, caf::actor relay,
                      std::shared_ptr<random_source> rng, caf::actor_clock::time_point start,
                      link_observer observer) {
  AGORA_ASSERT(rng != nullptr);
  AGORA_ASSERT(relay != nullptr);
  auto l = std::make_shared<link_state>();
  l->model.emplace(config.network, rng);
  l->config = std::move(config);
  l->rng = std::move(rng);
  l->relay = std::move(relay);
  l->start = start;
  l->observer = std::move(observer);
  return sys.spawn(link_actor, std::move(l));
}

}  // namespace agora::sim
