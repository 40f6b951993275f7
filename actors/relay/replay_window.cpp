// The relay's memory of single-use session ids; see replay_window.hpp.
#include "actors/relay/replay_window.hpp"

#include "core/assert.hpp"

namespace agora::relay {
namespace {

std::string key_of(byte_view id) {
  return std::string(reinterpret_cast<const char*>(id.data()), id.size());
}

}  // namespace

replay_window::replay_window(size_t ids_max) : ids_max_(ids_max) {
  AGORA_ASSERT(ids_max > 0);
}

void replay_window::expire(int64_t now_unix_s) {
  while (!by_expiry_.empty() && by_expiry_.top().first < now_unix_s) {
    size_t erased = ids_.erase(by_expiry_.top().second);
    AGORA_ASSERT(erased == 1);
    by_expiry_.pop();
  }
  AGORA_ASSERT(ids_.size() == by_expiry_.size());
}

bool replay_window::contains(byte_view id) const {
  return ids_.contains(key_of(id));
}

status replay_window::insert(byte_view id, int64_t expires_unix_s) {
  AGORA_ASSERT(!id.empty());
  if (ids_.size() >= ids_max_)
    return make_error(errc::limit_exceeded, "too many session ids in the replay window (" +
                                                std::to_string(ids_max_) + ")");
  auto [at, inserted] = ids_.insert(key_of(id));
  AGORA_ASSERT(inserted);
  by_expiry_.emplace(expires_unix_s, *at);
  AGORA_ASSERT(ids_.size() == by_expiry_.size());
  return {};
}

}  // namespace agora::relay
