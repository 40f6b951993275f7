// Where a sealed BodyAttestation is kept (attestation.fbs, docs/PROTOCOL.md "Body
// attestations"): a BodyAttestationRecord in family `proofs` under task id ‖ "sig", beside the
// task's ProofRecord. The provider keeps what it signed (one text per task), the gateway what it
// serves at GET /signature/{id}.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/wire_types.hpp"
#include "storage/store.hpp"

namespace agora::actors {

/// Writes `sealed` (a sealed BodyAttestation) as task_id's record, replacing an older one.
status write_body_attestation(storage::store& store, const wire::id128& task_id,
                              const bytes& sealed, int64_t now_unix_s);

/// The sealed BodyAttestation kept for task_id; nullopt if none; corrupt for a record that
/// fails to verify.
result<std::optional<bytes>> read_body_attestation(const storage::store& store,
                                                   const wire::id128& task_id);

}  // namespace agora::actors
