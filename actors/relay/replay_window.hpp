// The relay's memory of single-use registration session ids (docs/PROTOCOL.md "Provider
// session"): an id is remembered exactly as long as a Register carrying it could still pass the
// ±60 s timestamp check, i.e. until its timestamp + the allowed skew. After that a replayed
// Register is refused as stale, so forgetting the id is safe and memory stays bounded by the
// registration rate × 2 × skew (and by ids_max, a hard cap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace agora::relay {

class replay_window {
 public:
  /// REQUIRES: ids_max > 0.
  explicit replay_window(size_t ids_max);

  /// Forgets every id that expired before now_unix_s.
  void expire(int64_t now_unix_s);
  bool contains(byte_view id) const;
  /// Remembers `id` until expires_unix_s (inclusive). REQUIRES: !contains(id).
  /// errc::limit_exceeded when ids_max ids are remembered already.
  status insert(byte_view id, int64_t expires_unix_s);
  size_t size() const { return ids_.size(); }

 private:
  using expiry = std::pair<int64_t, std::string>;

  size_t ids_max_;
  std::unordered_set<std::string> ids_;
  std::priority_queue<expiry, std::vector<expiry>, std::greater<>> by_expiry_;
};

}  // namespace agora::relay
