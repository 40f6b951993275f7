// The gateway's proof store (proof_store.hpp).
#include "net/gateway/proofs/proof_store.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/body_attestation_log.hpp"
#include "core/amount.hpp"
#include "core/assert.hpp"
#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/write_batch.hpp"

namespace agora::net::gateway {

namespace {

void write_durable(storage::store& durable, const wire::id128& task_id, const bytes& sealed) {
  wire::ProofRecordT record;
  record.task_id = wire::to_wire(task_id);
  record.proof = sealed;
  storage::write_batch batch;
  batch.put(storage::column::proofs, task_id, wire::pack(record));
  if (auto written = durable.write(batch); !written)
    spdlog::error("gateway: proof of {} not stored: {}", to_hex(task_id),
                  written.error().to_string());
}

std::optional<stored_proof> read_durable(const storage::store& durable,
                                         const wire::id128& task_id) {
  auto raw = durable.get(storage::column::proofs, task_id);
  if (!raw || !raw->has_value())
    return std::nullopt;
  auto record = wire::read_record<wire::ProofRecord>(**raw);
  if (!record)
    return std::nullopt;
  const byte_view v = wire::view(record->root()->proof());
  auto opened = wire::open(v);
  if (!opened || opened->kind() != wire::message_kind::ComputeProof)
    return std::nullopt;  // stored by us after it opened: only a corrupted disk gets here
  return stored_proof{bytes(v.begin(), v.end()), cost_of_proof(*opened->as<wire::ComputeProof>())};
}

/// The durable copy of an attestation; not_found without one (or without a durable store).
result<bytes> read_durable_attestation(const storage::store* durable, const wire::id128& task_id) {
  const auto none = [&] {
    return make_error(errc::not_found, "no signature was asked for " + to_hex(task_id));
  };
  if (durable == nullptr)
    return none();
  auto sealed = actors::read_body_attestation(*durable, task_id);
  if (!sealed)
    return sealed.error();
  if (!sealed->has_value())
    return none();
  return std::move(**sealed);
}

}  // namespace

int64_t cost_of_proof(const wire::ComputeProof& proof) {
  const auto cost =
      cost_of_tokens(amount::from_micros(proof.price_per_million_tokens_micros()),
                     int64_t{proof.prompt_tokens()} + int64_t{proof.completion_tokens()});
  AGORA_ASSERT(cost.ok());  // an opened proof passed its field limits, so the product fits
  return cost->micros();
}

proof_store::proof_store(size_t proofs_max, std::shared_ptr<storage::store> durable)
    : proofs_max_(proofs_max), durable_(std::move(durable)) {
  AGORA_ASSERT(proofs_max > 0);
  AGORA_ASSERT(durable_ == nullptr || durable_->is_open());
}

void proof_store::put(const wire::id128& task_id, stored_proof proof) {
  if (durable_ != nullptr)  // RocksDB is thread-safe: readers need not wait for the disk
    write_durable(*durable_, task_id, proof.sealed);
  std::vector<attestation_callback> orphans;  // waited for an attestation now forgotten
  {
    std::lock_guard lock(mutex_);
    const bool fresh = proofs_.insert_or_assign(task_id, std::move(proof)).second;
    if (fresh)
      order_.push_back(task_id);
    if (order_.size() > proofs_max_) {
      proofs_.erase(order_.front());
      if (auto it = attestations_.find(order_.front()); it != attestations_.end()) {
        orphans = std::move(it->second.waiters);
        attestations_.erase(it);
      }
      order_.pop_front();
    }
    AGORA_ASSERT(proofs_.size() == order_.size());
    AGORA_ASSERT(proofs_.size() <= proofs_max_);
  }
  for (const attestation_callback& done : orphans)
    done(make_error(errc::not_found, "the response was forgotten before its signature came"));
}

std::optional<stored_proof> proof_store::find(const wire::id128& task_id) const {
  std::lock_guard lock(mutex_);
  auto it = proofs_.find(task_id);
  if (it != proofs_.end())
    return it->second;
  return durable_ == nullptr ? std::nullopt : read_durable(*durable_, task_id);
}

void proof_store::expect_attestation(const wire::id128& task_id) {
  std::lock_guard lock(mutex_);
  if (proofs_.contains(task_id))
    attestations_.try_emplace(task_id);
  AGORA_ASSERT(attestations_.size() <= proofs_.size());
}

void proof_store::put_attestation(const wire::id128& task_id, const result<bytes>& outcome,
                                  int64_t now_unix_s) {
  if (outcome && durable_ != nullptr) {
    if (auto s = actors::write_body_attestation(*durable_, task_id, *outcome, now_unix_s); !s)
      spdlog::error("gateway: attestation of {} not stored: {}", to_hex(task_id),
                    s.error().to_string());
  }
  std::vector<attestation_callback> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = attestations_.find(task_id);
    if (it == attestations_.end())
      return;  // forgotten meanwhile (or never asked here): the durable copy serves readers
    it->second.outcome = outcome;
    waiters = std::move(it->second.waiters);
    it->second.waiters.clear();
  }
  for (const attestation_callback& done : waiters)
    done(outcome);
}

void proof_store::when_attested(const wire::id128& task_id, attestation_callback done) {
  std::optional<result<bytes>> outcome;
  {
    std::lock_guard lock(mutex_);
    auto it = attestations_.find(task_id);
    if (it != attestations_.end() && !it->second.outcome) {
      it->second.waiters.push_back(std::move(done));
      return;
    }
    if (it != attestations_.end())
      outcome = it->second.outcome;
  }
  if (!outcome)
    outcome = read_durable_attestation(durable_.get(), task_id);
  done(*outcome);
}

size_t proof_store::size() const {
  std::lock_guard lock(mutex_);
  return proofs_.size();
}

}  // namespace agora::net::gateway
