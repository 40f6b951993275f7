// The settlement queues' policy (settle_batcher.hpp).
#include "actors/escrow/settle_batcher.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/assert.hpp"

namespace agora::actors {

escrow::settle_request queued_settle::request() const {
  return {hold_id, proof, provider, registered_price, now_unix_s};
}

settle_batcher::settle_batcher(size_t batch_size, caf::timespan delay)
    : batch_size_(batch_size), delay_(delay) {
  AGORA_ASSERT(batch_size_ >= 1 && delay_ >= caf::timespan::zero());
}

bool settle_batcher::push(queued_settle entry, time_point now) {
  queue& q = queues_[entry.provider];
  if (q.entries.empty())
    q.oldest = now;
  q.entries.push_back(std::move(entry));
  return q.entries.size() >= batch_size_;
}

std::vector<queued_settle> settle_batcher::take_provider(const address& provider) {
  auto it = queues_.find(provider);
  if (it == queues_.end())
    return {};
  std::vector<queued_settle> out = std::move(it->second.entries);
  queues_.erase(it);
  return out;
}

std::vector<std::vector<queued_settle>> settle_batcher::take_due(time_point now) {
  std::vector<std::vector<queued_settle>> out;
  for (auto it = queues_.begin(); it != queues_.end();) {
    if (now - it->second.oldest < delay_) {
      ++it;
      continue;
    }
    out.push_back(std::move(it->second.entries));
    it = queues_.erase(it);
  }
  return out;
}

std::vector<std::vector<queued_settle>> settle_batcher::take_all() {
  std::vector<std::vector<queued_settle>> out;
  for (auto& [provider, q] : queues_)
    out.push_back(std::move(q.entries));
  queues_.clear();
  return out;
}

std::vector<queued_settle> settle_batcher::take_renter(const address& renter) {
  std::vector<queued_settle> out;
  for (auto it = queues_.begin(); it != queues_.end();) {
    auto& entries = it->second.entries;
    auto theirs = std::stable_partition(entries.begin(), entries.end(),
                                        [&](const queued_settle& e) { return e.renter != renter; });
    std::move(theirs, entries.end(), std::back_inserter(out));
    entries.erase(theirs, entries.end());
    // The rest keeps its original time: it has waited that long.
    it = entries.empty() ? queues_.erase(it) : std::next(it);
  }
  return out;
}

std::optional<address> settle_batcher::provider_of(const wire::id128& hold_id) const {
  for (const auto& [provider, q] : queues_)
    for (const queued_settle& e : q.entries)
      if (e.hold_id == hold_id)
        return provider;
  return std::nullopt;
}

bool settle_batcher::has_renter(const address& renter) const {
  for (const auto& [provider, q] : queues_)
    for (const queued_settle& e : q.entries)
      if (e.renter == renter)
        return true;
  return false;
}

std::optional<settle_batcher::time_point> settle_batcher::next_due() const {
  std::optional<time_point> out;
  for (const auto& [provider, q] : queues_)
    if (!out || q.oldest + delay_ < *out)
      out = q.oldest + delay_;
  return out;
}

}  // namespace agora::actors
