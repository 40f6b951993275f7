// The simulation's trace (docs/SIMULATION.md "Trace"): one line per observed event, stamped
// with virtual time, and its keccak256 (the trace hash). Same scenario and seed → the same bytes.
#pragma once

#include <caf/timestamp.hpp>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace agora::sim {

class trace {
 public:
  /// Appends "[t=SSSSS.mmm] what\n". REQUIRES: at ≥ the previous line's time, `what` has no
  /// newline.
  void add(caf::timespan at, std::string_view what);

  const std::string& text() const { return text_; }
  /// keccak256 of text() as 0x-prefixed hex.
  std::string hash_hex() const;

 private:
  std::string text_;
  caf::timespan last_{0};
};

/// "SSSSS.mmm": seconds with milliseconds, for timelines.
std::string format_seconds(caf::timespan t);

}  // namespace agora::sim
