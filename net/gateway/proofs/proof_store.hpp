// The ComputeProofs of the gateway's responses (DESIGN §6: "the response carries the response id
// whose proof and signature can be fetched"): the recent ones in memory, bounded (the oldest goes
// when full), and, given a durable store, every one in its RocksDB family `proofs` too, so a
// response stays verifiable after the memory forgot it and across restarts. Written by the
// gateway's task actors, read by HTTP handlers: every call locks.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/bytes.hpp"
#include "schemas/task_generated.h"
#include "schemas/wire_types.hpp"
#include "storage/store.hpp"

namespace agora::net::gateway {

/// A verified proof and what the gateway charged for it.
struct stored_proof {
  bytes sealed;  // the provider's sealed ComputeProof, as received
  int64_t cost_micros = 0;
};

/// What the house account paid for a proof: its tokens at its price, rounded up.
int64_t cost_of_proof(const wire::ComputeProof& proof);

class proof_store {
 public:
  /// REQUIRES: proofs_max > 0; durable, if given, open.
  explicit proof_store(size_t proofs_max, std::shared_ptr<storage::store> durable = nullptr);

  /// Keeps `proof` under `task_id`, replacing one kept before, and drops the oldest proof from
  /// memory when more than proofs_max are kept there. A durable write that fails is logged: the
  /// response is still served, and the proof stays in memory.
  void put(const wire::id128& task_id, stored_proof proof);
  /// From memory, else from the durable store.
  std::optional<stored_proof> find(const wire::id128& task_id) const;
  size_t size() const;

 private:
  const size_t proofs_max_;
  const std::shared_ptr<storage::store> durable_;  // null: memory only
  mutable std::mutex mutex_;
  std::map<wire::id128, stored_proof> proofs_;  // GUARDED_BY(mutex_)
  std::deque<wire::id128> order_;               // GUARDED_BY(mutex_): oldest first
};

}  // namespace agora::net::gateway
