// The escrow's settlement queues (issue 4; 0G-style batching, docs/ARCHITECTURE.md "Escrow
// batching"): Settle frames wait per provider and are written together through
// ledger::apply_batch. This class is only the policy, what waits and what is due; the escrow
// actor writes the batches and answers each queued Settle after its batch is durable.
#pragma once

#include <caf/actor_clock.hpp>
#include <caf/typed_response_promise.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "actors/common/interfaces.hpp"
#include "actors/escrow/requests.hpp"
#include "core/amount.hpp"

namespace agora::actors {

/// A checked Settle waiting for its batch: what ledger::settle needs, owned, and whom to answer.
struct queued_settle {
  wire::id128 hold_id{};
  address renter;  // the hold's renter when it was queued; zero for an unknown hold
  address provider;
  bytes proof;  // the sealed ComputeProof
  amount registered_price;
  int64_t now_unix_s = 0;  // when the Settle arrived: it settles at that time
  caf::typed_response_promise<escrow_receipt> promise;

  /// The ledger request; it views this entry's proof.
  escrow::settle_request request() const;
};

class settle_batcher {
 public:
  using time_point = caf::actor_clock::time_point;

  /// REQUIRES: batch_size ≥ 1, delay ≥ 0.
  settle_batcher(size_t batch_size, caf::timespan delay);

  /// Queues `entry` behind its provider's others; true when that queue is now full.
  bool push(queued_settle entry, time_point now);
  /// The provider's queue, oldest first, taken out.
  std::vector<queued_settle> take_provider(const address& provider);
  /// Every queue whose oldest entry has waited the delay at `now`, in provider order.
  std::vector<std::vector<queued_settle>> take_due(time_point now);
  /// Every queue, in provider order.
  std::vector<std::vector<queued_settle>> take_all();
  /// The entries of `renter`'s holds, in provider and arrival order, taken out.
  std::vector<queued_settle> take_renter(const address& renter);
  /// The provider whose queue holds a Settle of `hold_id`, if one does.
  std::optional<address> provider_of(const wire::id128& hold_id) const;
  bool has_renter(const address& renter) const;
  /// When the oldest entry of all becomes due; nullopt when nothing waits.
  std::optional<time_point> next_due() const;
  bool empty() const { return queues_.empty(); }

 private:
  struct queue {
    std::vector<queued_settle> entries;
    time_point oldest;  // when entries.front() was queued
  };

  size_t batch_size_;
  caf::timespan delay_;
  std::map<address, queue> queues_;  // ordered: flushes happen in the same order every run
};

}  // namespace agora::actors
