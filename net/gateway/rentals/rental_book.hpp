// The gateway's rental session records (rental_record.hpp), so GET /v1/sessions/{id} answers
// while a session runs and after it ended: every record in memory while its session is active,
// the most recent ended ones too (the oldest ended goes from memory first), and, given a durable
// store, every record in its RocksDB family `sessions`, so an ended session stays readable after
// the memory forgot it and across restarts. Without a durable store (tests, the default gateway)
// the records live only in memory. Written by the rental actor, readable from any thread.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "net/gateway/rentals/rental_record.hpp"
#include "storage/store.hpp"

namespace agora::net::gateway::rentals {

/// Ended sessions a gateway keeps in memory by default (a few hundred bytes each).
inline constexpr size_t ended_in_memory_max = 10'000;

class rental_book {
 public:
  /// REQUIRES: ended_max > 0; durable, if given, open.
  explicit rental_book(size_t ended_max, std::shared_ptr<storage::store> durable = nullptr);

  /// Keeps `record`, replacing the one kept under its session id. The durable write comes
  /// first; its failure is returned and the memory still takes the record.
  status put(const rental_record& record);
  /// From memory, else from the durable store.
  std::optional<rental_record> find(const wire::id128& session_id) const;
  /// Records of active sessions (all in memory).
  size_t active() const;

 private:
  const size_t ended_max_;
  const std::shared_ptr<storage::store> durable_;  // null: memory only
  mutable std::mutex mutex_;
  std::map<wire::id128, rental_record> records_;  // GUARDED_BY(mutex_)
  std::deque<wire::id128> ended_;                 // GUARDED_BY(mutex_): oldest first
  size_t active_ = 0;                             // GUARDED_BY(mutex_)
};

}  // namespace agora::net::gateway::rentals
