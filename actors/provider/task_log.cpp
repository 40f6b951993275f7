// The provider's task log on storage::store.

#include "actors/provider/task_log.hpp"

#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/write_batch.hpp"

namespace agora::actors {

namespace {

wire::TaskRecordT task_record(const running_task& task, const address& provider,
                              wire::TaskState state, int64_t now_unix_s) {
  wire::TaskRecordT r;
  r.task_id = wire::to_wire(task.task_id);
  r.request = task.request;
  r.state = state;
  r.provider = wire::to_wire(provider);
  r.assignment = task.assignment;
  r.attempts = task.attempt;
  r.chunks_received = task.chunks;
  r.chain_hash = wire::to_wire(task.chain_hash);
  r.created_unix_s = unix_seconds(task.started);
  r.updated_unix_s = now_unix_s;
  return r;
}

/// The sealed bytes a record field holds (nested Envelope).
bytes copy_of(const flatbuffers::Vector<uint8_t>* field) {
  const byte_view v = wire::view(field);
  return bytes(v.begin(), v.end());
}

}  // namespace

status write_task_accepted(storage::store& log, const running_task& task, const address& provider,
                           int64_t now_unix_s) {
  storage::write_batch batch;
  batch.put(storage::column::tasks, task.task_id,
            wire::pack(task_record(task, provider, wire::TaskState::Assigned, now_unix_s)));
  return log.write(batch);
}

status write_task_finished(storage::store& log, const running_task& task, const address& provider,
                           wire::TaskState state, const bytes& result, const bytes& proof,
                           int64_t now_unix_s) {
  AGORA_ASSERT(!result.empty());
  AGORA_ASSERT(proof.empty() || state == wire::TaskState::Completed);
  auto record = task_record(task, provider, state, now_unix_s);
  record.result = result;
  storage::write_batch batch;
  batch.put(storage::column::tasks, task.task_id, wire::pack(record));
  if (!proof.empty()) {
    wire::ProofRecordT p;
    p.task_id = wire::to_wire(task.task_id);
    p.proof = proof;
    p.received_unix_s = now_unix_s;
    batch.put(storage::column::proofs, task.task_id, wire::pack(p));
  }
  auto applied = log.apply("provider-task-finished:" + to_hex(task.task_id), batch);
  if (!applied)
    return applied.error();
  return {};
}

result<std::optional<task_log_entry>> read_task_log(const storage::store& log,
                                                    const wire::id128& task_id) {
  auto raw = log.get(storage::column::tasks, task_id);
  if (!raw)
    return raw.error();
  if (!raw->has_value())
    return std::optional<task_log_entry>{};
  auto task = wire::read_record<wire::TaskRecord>(**raw);
  if (!task)
    return task.error();
  task_log_entry entry{task->root()->state(), copy_of(task->root()->result()), {}};
  auto proof_raw = log.get(storage::column::proofs, task_id);
  if (!proof_raw)
    return proof_raw.error();
  if (proof_raw->has_value()) {
    auto proof = wire::read_record<wire::ProofRecord>(**proof_raw);
    if (!proof)
      return proof.error();
    entry.proof = copy_of(proof->root()->proof());
  }
  return std::optional<task_log_entry>{std::move(entry)};
}

}  // namespace agora::actors
