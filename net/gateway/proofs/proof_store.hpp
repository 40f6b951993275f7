// The ComputeProofs of the gateway's responses (DESIGN §6: "the response carries the response id
// whose proof and signature can be fetched"): the recent ones in memory, bounded (the oldest goes
// when full), and, given a durable store, every one in its RocksDB family `proofs` too, so a
// response stays verifiable after the memory forgot it and across restarts. Written by the
// gateway's task actors, read by HTTP handlers: every call locks.
//
// Beside each proof, the provider's BodyAttestation of the response's HTTP bodies (GET
// /signature/{id}): marked asked when the response is complete, kept when the provider's answer
// came (durably too, body_attestation_log.hpp); readers of an asked one wait for its outcome.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

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

/// Hears the sealed BodyAttestation of a response, or why there is none: not_found when none
/// was asked (or it was forgotten), else the error that ended the asking.
using attestation_callback = std::function<void(const result<bytes>& sealed)>;

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

  /// Marks the attestation of a kept proof's response as asked: when_attested waits for
  /// put_attestation. Nothing for a proof not in memory (that reader hears not_found).
  void expect_attestation(const wire::id128& task_id);
  /// The outcome of asking: the sealed BodyAttestation (kept, written to the durable store) or
  /// the error, at now_unix_s; wakes the readers waiting for it.
  void put_attestation(const wire::id128& task_id, const result<bytes>& outcome,
                       int64_t now_unix_s);
  /// Calls `done` with task_id's attestation: at once (on this thread) when it is kept, failed
  /// or was never asked; once put_attestation comes when it is asked and pending.
  void when_attested(const wire::id128& task_id, attestation_callback done);

 private:
  /// An asked attestation: its outcome once known, else who waits for it.
  struct attestation_entry {
    std::optional<result<bytes>> outcome;
    std::vector<attestation_callback> waiters;
  };

  const size_t proofs_max_;
  const std::shared_ptr<storage::store> durable_;  // null: memory only
  mutable std::mutex mutex_;
  std::map<wire::id128, stored_proof> proofs_;             // GUARDED_BY(mutex_)
  std::deque<wire::id128> order_;                          // GUARDED_BY(mutex_): oldest first
  std::map<wire::id128, attestation_entry> attestations_;  // GUARDED_BY(mutex_): of proofs_
};

}  // namespace agora::net::gateway
