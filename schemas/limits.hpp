// Field limits of every message (DESIGN §5, §10; docs/PROTOCOL.md "Limits"): the constants in one
// place, and check_fields for each payload table, which open() runs after the Verifier and the
// signature. A string or vector over its limit is errc::limit_exceeded; a number out of range, a
// missing field or a broken rule between fields is errc::invalid_argument. The message always
// names the field, e.g. "TaskRequest.sampling.temperature: 2.5 is outside [0, 2]".
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "schemas/attestation_generated.h"
#include "schemas/escrow_generated.h"
#include "schemas/identity_generated.h"
#include "schemas/provider_generated.h"
#include "schemas/rental_generated.h"
#include "schemas/task_generated.h"

namespace agora::wire {
namespace limits {

// Frames and the Verifier.
inline constexpr size_t frame_bytes_max = size_t{4} << 20;  // a sealed Envelope
inline constexpr uint32_t verifier_depth_max = 16;
inline constexpr uint32_t verifier_tables_max = 4096;

// Text and opaque bytes.
inline constexpr size_t session_id_bytes_min = 16;
inline constexpr size_t session_id_bytes_max = 32;
inline constexpr size_t name_bytes_max = 128;  // GPU, driver, device, engine names
inline constexpr size_t model_id_bytes_max = 256;
inline constexpr size_t region_bytes_max = 64;
inline constexpr size_t quantization_bytes_max = 32;
inline constexpr size_t reason_bytes_max = 1024;  // free-text reasons and error messages
inline constexpr size_t tee_evidence_bytes_max = size_t{64} << 10;
inline constexpr size_t payment_reference_bytes_max = 1024;

// Providers.
inline constexpr size_t gpus_max = 16;         // GpuInfo entries in a Register
inline constexpr uint32_t gpu_count_max = 64;  // devices of one kind; GPUs in a rental
inline constexpr uint64_t vram_bytes_max = uint64_t{1} << 44;  // 16 TiB per device
inline constexpr size_t models_max = 64;
inline constexpr uint32_t context_tokens_max = uint32_t{1} << 24;
inline constexpr uint32_t concurrency_max = 4096;
inline constexpr uint32_t load_permille_max = 1000;
inline constexpr uint32_t heartbeat_interval_s_min = 1;
inline constexpr uint32_t heartbeat_interval_s_max = 3600;

// Tasks.
inline constexpr size_t prompt_bytes_max = size_t{1} << 20;  // prompt, or all chat contents
inline constexpr size_t chat_messages_max = 256;
inline constexpr size_t prompt_token_ids_max = size_t{1} << 18;
inline constexpr uint32_t max_tokens_max = uint32_t{1} << 17;
inline constexpr float temperature_max = 2.0f;
inline constexpr uint32_t top_k_max = uint32_t{1} << 18;
inline constexpr size_t stop_sequences_max = 8;
inline constexpr size_t stop_bytes_max = 256;
inline constexpr uint32_t logprobs_max = 20;
inline constexpr size_t logprob_token_bytes_max = 256;  // a TokenLogprob's or TopLogprob's text
inline constexpr size_t chunk_token_ids_max = 4096;
inline constexpr size_t chunk_text_bytes_max = size_t{64} << 10;
inline constexpr size_t result_text_bytes_max = size_t{2} << 20;
inline constexpr size_t result_token_ids_max = max_tokens_max;
inline constexpr size_t embedding_dims_max = size_t{1} << 16;
// Body attestations: hex(SHA-256) ":" hex(SHA-256), and a 65-byte signature over it.
inline constexpr size_t attestation_text_bytes = 64 + 1 + 64;
inline constexpr size_t signature_bytes = 65;

// Money and time.
inline constexpr int64_t amount_micros_max = 1'000'000'000'000'000;  // 10^9 token units
inline constexpr int64_t unix_s_max = 4'102'444'800;                 // 2100-01-01
inline constexpr int64_t unix_ns_max = unix_s_max * 1'000'000'000;

// Escrow and rentals.
inline constexpr size_t postings_min = 2;
inline constexpr size_t postings_max = 16;
inline constexpr uint32_t session_duration_s_min = 60;
inline constexpr uint32_t session_duration_s_max = 30 * 24 * 3600;

static_assert(prompt_bytes_max + prompt_token_ids_max * 4 < frame_bytes_max);
static_assert(result_text_bytes_max + result_token_ids_max * 4 < frame_bytes_max);
static_assert(chat_messages_max + stop_sequences_max + 8 < verifier_tables_max);
static_assert(gpus_max + models_max + 8 < verifier_tables_max);
static_assert(session_id_bytes_min <= session_id_bytes_max);
// Sums of a journal's postings, and amount × a few, never overflow int64.
static_assert(amount_micros_max <= INT64_MAX / static_cast<int64_t>(postings_max * 4));
static_assert(unix_ns_max / 1'000'000'000 == unix_s_max);

}  // namespace limits

/// Verifier options for every Agora buffer: the depth and table limits above, alignment checked,
/// nested envelopes verified.
flatbuffers::Verifier::Options verifier_options();

// ------------------------------------------------------------------------------------------------
// One check per payload table. REQUIRES: the table passed flatbuffers::Verifier.

status check_fields(const ErrorFrame& message);
status check_fields(const Register& message);
status check_fields(const Registered& message);
status check_fields(const Heartbeat& message);
status check_fields(const Drain& message);
status check_fields(const Deregister& message);
status check_fields(const ModelsUpdate& message);
status check_fields(const TaskRequest& message);
status check_fields(const TaskAssignment& message);
status check_fields(const TokenChunk& message);
status check_fields(const TaskResult& message);
status check_fields(const ComputeProof& message);
status check_fields(const TaskCancel& message);
status check_fields(const BodyAttestationRequest& message);
status check_fields(const BodyAttestation& message);
status check_fields(const Deposit& message);
status check_fields(const Withdraw& message);
status check_fields(const Hold& message);
status check_fields(const Settle& message);
status check_fields(const Refund& message);
status check_fields(const Stake& message);
status check_fields(const Unstake& message);
status check_fields(const Slash& message);
status check_fields(const Dispute& message);
status check_fields(const Verdict& message);
status check_fields(const JournalEntry& message);
status check_fields(const SessionRequest& message);
status check_fields(const SessionGrant& message);
status check_fields(const UsageReport& message);
status check_fields(const SessionEnd& message);

}  // namespace agora::wire
