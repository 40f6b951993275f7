// Simulated provider↔relay links (docs/SIMULATION.md "Links"): one actor per provider stands
// for its WebSocket. Every frame, each way, is lost, duplicated or delayed by a seeded draw
// from the scenario's network model (link_model, a plain class), and the link is down inside
// the provider's offline windows, during partitions and while the relay is crashed. A link
// that comes back from a partition or a relay restart reconnects, as the live link does: it
// tells the provider (reconnect_atom) to register again through it. A Register nobody answers
// within the register timeout makes the link reconnect too. A provider whose behaviour is
// fail_after_accept loses, at its link, every frame of the tasks it fails.
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "schemas/wire_types.hpp"
#include "sim/scenario.hpp"

namespace agora::sim {

/// What happens to one frame on a link: lost, or delivered `copies` times after `delay[i]`.
struct frame_fate {
  bool lost = false;
  int copies = 1;  // 1, or 2 when duplicated
  caf::timespan delay[2] = {caf::timespan{0}, caf::timespan{0}};
};

/// The seeded draws of one link. One direction's frames stay in order unless reordered: the
/// delivery time of a frame that is not reordered is at least that of the one before it.
class link_model {
 public:
  /// REQUIRES: rng not null; spec as parse_scenario validated it.
  link_model(const network_spec& spec, std::shared_ptr<random_source> rng);

  /// The fate of a frame sent at `now` (virtual time since the start) in direction `to_relay`.
  frame_fate draw(caf::timespan now, bool to_relay);

 private:
  caf::timespan latency();
  /// A frame in a direction without faults: latency only, in order.
  frame_fate draw_clean(caf::timespan now, bool to_relay);

  network_spec spec_;
  std::shared_ptr<random_source> rng_;
  caf::timespan last_due_[2] = {caf::timespan{0}, caf::timespan{0}};
};

/// What a link reports to the world: trace lines and the faults it saw (the invariant
/// "slashed only for something it did" reads them).
struct link_observer {
  std::function<void(const std::string&)> log;
  /// The link lost or withheld a frame of the provider, or was down, at this time.
  std::function<void()> on_fault;
  /// The provider's side went down (offline window or partition) or came back.
  std::function<void(bool down)> on_down;
  /// The link handed the provider a Registered: the relay accepted its registration.
  std::function<void()> on_registered;
};

struct link_config {
  std::string name;
  network_spec network;
  std::vector<offline_window> offline;
  uint32_t fail_after_accept_permille = 0;
};

/// (partition, on): a partition of this link starts (true) or heals (false).
using partition_atom = caf::atom_constant<caf::atom("partition")>;
/// (relay_up, relay): the relay restarted as `relay`; (relay_down): it crashed.
using relay_up_atom = caf::atom_constant<caf::atom("relay_up")>;
using relay_down_atom = caf::atom_constant<caf::atom("relay_down")>;

/// Spawns the link of one provider to `relay`. `provider_of` is filled when the provider first
/// speaks. `start` is the actor clock at virtual time 0.
caf::actor spawn_link(caf::actor_system& sys, link_config config, caf::actor relay,
                      std::shared_ptr<random_source> rng, caf::actor_clock::time_point start,
                      link_observer observer);

}  // namespace agora::sim
