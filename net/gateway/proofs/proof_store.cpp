// The gateway's proof store (proof_store.hpp).
#include "net/gateway/proofs/proof_store.hpp"

#include <spdlog/spdlog.h>

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
  std::lock_guard lock(mutex_);
  const bool fresh = proofs_.insert_or_assign(task_id, std::move(proof)).second;
  if (fresh)
    order_.push_back(task_id);
  if (order_.size() > proofs_max_) {
    proofs_.erase(order_.front());
    order_.pop_front();
  }
  AGORA_ASSERT(proofs_.size() == order_.size());
  AGORA_ASSERT(proofs_.size() <= proofs_max_);
}

std::optional<stored_proof> proof_store::find(const wire::id128& task_id) const {
  std::lock_guard lock(mutex_);
  auto it = proofs_.find(task_id);
  if (it != proofs_.end())
    return it->second;
  return durable_ == nullptr ? std::nullopt : read_durable(*durable_, task_id);
}

size_t proof_store::size() const {
  std::lock_guard lock(mutex_);
  return proofs_.size();
}

}  // namespace agora::net::gateway
