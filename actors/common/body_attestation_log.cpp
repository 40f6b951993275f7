// BodyAttestationRecords on storage::store (body_attestation_log.hpp).
#include "actors/common/body_attestation_log.hpp"

#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/keys.hpp"
#include "storage/write_batch.hpp"

namespace agora::actors {

namespace {

/// The task id, then "sig": never equal to a ProofRecord's 16-byte key in the same family.
bytes record_key(const wire::id128& task_id) {
  return storage::key_builder().fixed(task_id).str("sig").take();
}

}  // namespace

status write_body_attestation(storage::store& store, const wire::id128& task_id,
                              const bytes& sealed, int64_t now_unix_s) {
  AGORA_ASSERT(!sealed.empty());
  wire::BodyAttestationRecordT record;
  record.task_id = wire::to_wire(task_id);
  record.attestation = sealed;
  record.received_unix_s = now_unix_s;
  storage::write_batch batch;
  batch.put(storage::column::proofs, record_key(task_id), wire::pack(record));
  return store.write(batch);
}

result<std::optional<bytes>> read_body_attestation(const storage::store& store,
                                                   const wire::id128& task_id) {
  auto raw = store.get(storage::column::proofs, record_key(task_id));
  if (!raw)
    return raw.error();
  if (!raw->has_value())
    return std::optional<bytes>{};
  auto record = wire::read_record<wire::BodyAttestationRecord>(**raw);
  if (!record)
    return record.error();
  if (wire::from_wire(*record->root()->task_id()) != task_id)
    return make_error(errc::corrupt,
                      "the attestation record of " + to_hex(task_id) + " names another task");
  const byte_view sealed = wire::view(record->root()->attestation());
  return std::optional<bytes>{bytes(sealed.begin(), sealed.end())};
}

}  // namespace agora::actors
