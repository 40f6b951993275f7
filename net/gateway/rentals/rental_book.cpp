// The gateway's rental session records (rental_book.hpp).
#include "net/gateway/rentals/rental_book.hpp"

#include <spdlog/spdlog.h>

#include "core/assert.hpp"
#include "storage/write_batch.hpp"

namespace agora::net::gateway::rentals {

rental_book::rental_book(size_t ended_max, std::shared_ptr<storage::store> durable)
    : ended_max_(ended_max), durable_(std::move(durable)) {
  AGORA_ASSERT(ended_max_ > 0);
  AGORA_ASSERT(durable_ == nullptr || durable_->is_open());
}

status rental_book::put(const rental_record& record) {
  status written;
  if (durable_ != nullptr) {  // RocksDB is thread-safe: readers need not wait for the disk
    storage::write_batch batch;
    batch.put(storage::column::sessions, record.session_id, pack_record(record));
    written = durable_->write(batch);
  }
  const bool ended = record.state == wire::SessionState::Ended;
  std::lock_guard lock(mutex_);
  auto [it, fresh] = records_.try_emplace(record.session_id, record);
  const bool was_active = !fresh && it->second.state != wire::SessionState::Ended;
  AGORA_ASSERT(fresh || ended || was_active);  // an ended session never runs again
  it->second = record;
  active_ -= was_active ? 1 : 0;
  active_ += ended ? 0 : 1;
  if (ended && (fresh || was_active))
    ended_.push_back(record.session_id);
  while (ended_.size() > ended_max_) {
    records_.erase(ended_.front());
    ended_.pop_front();
  }
  AGORA_ASSERT(active_ + ended_.size() == records_.size());
  return written;
}

std::optional<rental_record> rental_book::find(const wire::id128& session_id) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = records_.find(session_id); it != records_.end())
      return it->second;
  }
  if (durable_ == nullptr)
    return std::nullopt;
  auto raw = durable_->get(storage::column::sessions, session_id);
  if (!raw || !raw->has_value())
    return std::nullopt;
  auto record = unpack_record(**raw);
  if (!record) {  // written by this gateway: only a corrupted disk gets here
    spdlog::error("gateway: rental session {} unreadable: {}", to_hex(session_id),
                  record.error().to_string());
    return std::nullopt;
  }
  return *record;
}

size_t rental_book::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

}  // namespace agora::net::gateway::rentals
