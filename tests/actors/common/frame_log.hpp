// A test's record of the frames an actor (a fake relay, a task sink, a fake escrow) received,
// with their virtual arrival times, and views of it by kind.
#pragma once

#include <caf/actor_clock.hpp>
#include <utility>
#include <vector>

#include "schemas/envelope.hpp"

namespace agora::actors::testing {

struct frame_log {
  std::vector<std::pair<wire::frame, caf::actor_clock::time_point>> frames;

  /// The frames of `kind`, in arrival order.
  std::vector<wire::frame> of_kind(wire::message_kind kind) const {
    std::vector<wire::frame> out;
    for (const auto& [f, at] : frames)
      if (f.kind == kind)
        out.push_back(f);
    return out;
  }
  /// The opened frames of `kind`, in arrival order.
  std::vector<wire::opened_envelope> opened(wire::message_kind kind) const {
    std::vector<wire::opened_envelope> out;
    for (const auto& [f, at] : frames)
      if (f.kind == kind)
        out.push_back(wire::open(f.data).value());
    return out;
  }
  /// The kinds received, in arrival order.
  std::vector<wire::message_kind> kinds() const {
    std::vector<wire::message_kind> out;
    for (const auto& [f, at] : frames)
      out.push_back(f.kind);
    return out;
  }
};

}  // namespace agora::actors::testing
