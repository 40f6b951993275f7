// The simulation's trace and its hash (trace.hpp).
#include "sim/trace.hpp"

#include <chrono>
#include <cstdio>

#include "core/assert.hpp"
#include "core/keccak.hpp"

namespace agora::sim {

std::string format_seconds(caf::timespan t) {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
  char out[32];
  std::snprintf(out, sizeof out, "%5lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return out;
}

void trace::add(caf::timespan at, std::string_view what) {
  AGORA_ASSERT(at >= last_);
  AGORA_ASSERT(what.find('\n') == std::string_view::npos);
  last_ = at;
  text_ += "[t=" + format_seconds(at) + "] ";
  text_ += what;
  text_ += '\n';
}

std::string trace::hash_hex() const {
  const auto* data = reinterpret_cast<const uint8_t*>(text_.data());
  return to_hex0x(keccak256(byte_view(data, text_.size())));
}

}  // namespace agora::sim
