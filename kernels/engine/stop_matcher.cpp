// stop_matcher: holds back a possible stop-sequence prefix, cuts at the earliest full match.
#include "kernels/engine/stop_matcher.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace agora::kernels {

stop_matcher::stop_matcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  for (const auto& stop : stops_)
    AGORA_ASSERT(!stop.empty());
}

std::string stop_matcher::push(std::string_view text) {
  AGORA_ASSERT(!matched_);
  pending_.append(text);
  size_t earliest = std::string::npos;
  for (const auto& stop : stops_)
    earliest = std::min(earliest, pending_.find(stop));
  if (earliest != std::string::npos) {
    matched_ = true;
    std::string out = pending_.substr(0, earliest);
    pending_.clear();
    return out;
  }
  size_t release = pending_.size() - held_suffix();
  std::string out = pending_.substr(0, release);
  pending_.erase(0, release);
  return out;
}

std::string stop_matcher::finish() {
  std::string out = std::move(pending_);
  pending_.clear();
  return out;
}

size_t stop_matcher::held_suffix() const {
  size_t longest = 0;
  for (const auto& stop : stops_) {
    size_t most = std::min(stop.size() - 1, pending_.size());
    for (size_t length = most; length > longest; --length) {
      if (std::string_view(pending_).substr(pending_.size() - length) ==
          std::string_view(stop).substr(0, length)) {
        longest = length;
        break;
      }
    }
  }
  AGORA_ASSERT(longest <= pending_.size());
  return longest;
}

}  // namespace agora::kernels
