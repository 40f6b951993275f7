// Test helpers: one valid object-API message per payload kind, signed-field set to the key's
// address, plus small value makers and a compile-time loop over every payload kind.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "core/key.hpp"
#include "core/random.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"

namespace agora::wire::samples {

inline constexpr int64_t now_s = 1'760'000'000;  // 2025-10-09

inline private_key test_key(uint64_t seed) {
  seeded_random rng(seed);
  return private_key::generate(rng);
}

inline id128 make_id(uint8_t fill) {
  id128 id{};
  id.fill(fill);
  return id;
}
inline Id128 wire_id(uint8_t fill) {
  return to_wire(make_id(fill));
}
inline Hash256 wire_hash(uint8_t fill) {
  hash256 hash{};
  hash.fill(fill);
  return to_wire(hash);
}
inline Address wire_address(uint8_t fill) {
  address::raw_type raw{};
  raw.fill(fill);
  return to_wire(address{raw});
}

/// Calls f(std::type_identity<Table>{}) for every payload table, in kind order.
template <class F, class... Entries>
void for_each_payload(entry_list<Entries...>, F&& f) {
  (f(std::type_identity<typename Entries::table>{}), ...);
}
template <class F>
void for_each_payload(F&& f) {
  for_each_payload(payload_entries{}, std::forward<F>(f));
}

// ------------------------------------------------------------------------------------------------
// Parts

inline std::unique_ptr<GpuInfoT> sample_gpu() {
  auto gpu = std::make_unique<GpuInfoT>();
  gpu->name = "NVIDIA H100 80GB HBM3";
  gpu->vram_bytes = uint64_t{80} << 30;
  gpu->count = 8;
  gpu->driver_version = "550.54.15";
  gpu->compute_capability_major = 9;
  gpu->compute_capability_minor = 0;
  return gpu;
}

inline std::unique_ptr<ModelOfferT> sample_model() {
  auto model = std::make_unique<ModelOfferT>();
  model->id = "meta-llama/Llama-3.1-8B-Instruct";
  model->max_context = 131072;
  model->quantization = "bf16";
  model->weights_hash = wire_hash(0x77);
  return model;
}

inline std::unique_ptr<SamplingParamsT> sample_sampling() {
  auto sampling = std::make_unique<SamplingParamsT>();
  sampling->max_tokens = 256;
  sampling->temperature = 0.7f;
  sampling->top_p = 0.9f;
  sampling->top_k = 40;
  sampling->seed = 1234;
  sampling->stop = {"\n\n", "</s>"};
  sampling->logprobs = 2;
  return sampling;
}

inline bytes session_bytes() {
  return bytes(16, 0x5a);
}

// ------------------------------------------------------------------------------------------------
// One valid message per kind: sample(std::type_identity<Table>{}, key).

inline ErrorFrameT sample(std::type_identity<ErrorFrame>, const private_key& key) {
  ErrorFrameT m;
  m.sender = to_wire(key.address());
  m.code = static_cast<uint16_t>(errc::malformed);
  m.message = "frame is not a valid Envelope";
  m.refused_kind = message_kind::Heartbeat;
  m.refused_frame_hash = wire_hash(0x01);
  m.timestamp_unix_s = now_s;
  return m;
}

inline RegisterT sample(std::type_identity<Register>, const private_key& key) {
  RegisterT m;
  m.provider = to_wire(key.address());
  m.relay = wire_address(0xee);
  m.session_id = session_bytes();
  m.timestamp_unix_s = now_s;
  m.gpus.push_back(sample_gpu());
  m.models.push_back(sample_model());
  m.region = "eu-west";
  m.price_per_million_tokens_micros = 150'000;
  m.price_per_gpu_hour_micros = 2'000'000;
  m.max_concurrency = 16;
  m.tee = std::make_unique<TeeEvidenceT>();
  m.tee->type = TeeType::NvidiaCc;
  m.tee->evidence = bytes(64, 0x42);
  return m;
}

inline RegisteredT sample(std::type_identity<Registered>, const private_key& key) {
  RegisteredT m;
  m.relay = to_wire(key.address());
  m.provider = wire_address(0x11);
  m.session_id = session_bytes();
  m.accepted_unix_s = now_s;
  m.heartbeat_interval_s = 30;
  return m;
}

inline HeartbeatT sample(std::type_identity<Heartbeat>, const private_key& key) {
  HeartbeatT m;
  m.provider = to_wire(key.address());
  m.session_id = session_bytes();
  m.sequence = 7;
  m.timestamp_unix_s = now_s + 30;
  m.load_permille = 420;
  m.queue_depth = 3;
  m.active_tasks = 5;
  m.available_models = {"meta-llama/Llama-3.1-8B-Instruct"};
  return m;
}

inline DrainT sample(std::type_identity<Drain>, const private_key& key) {
  DrainT m;
  m.provider = to_wire(key.address());
  m.session_id = session_bytes();
  m.sequence = 8;
  m.timestamp_unix_s = now_s + 60;
  return m;
}

inline DeregisterT sample(std::type_identity<Deregister>, const private_key& key) {
  DeregisterT m;
  m.provider = to_wire(key.address());
  m.session_id = session_bytes();
  m.sequence = 9;
  m.timestamp_unix_s = now_s + 90;
  m.reason = "maintenance";
  return m;
}

inline ModelsUpdateT sample(std::type_identity<ModelsUpdate>, const private_key& key) {
  ModelsUpdateT m;
  m.provider = to_wire(key.address());
  m.session_id = session_bytes();
  m.sequence = 10;
  m.timestamp_unix_s = now_s + 120;
  m.models.push_back(sample_model());
  return m;
}

inline TaskRequestT sample(std::type_identity<TaskRequest>, const private_key& key) {
  TaskRequestT m;
  m.renter = to_wire(key.address());
  m.task_id = wire_id(0x21);
  m.task_type = TaskType::Chat;
  m.model = "meta-llama/Llama-3.1-8B-Instruct";
  auto message = std::make_unique<ChatMessageT>();
  message->role = ChatRole::User;
  message->content = "Say hello.";
  m.messages.push_back(std::move(message));
  m.sampling = sample_sampling();
  m.stream = true;
  m.price_cap_per_million_tokens_micros = 200'000;
  m.hold_id = wire_id(0x22);
  m.created_unix_s = now_s;
  m.deadline_unix_s = now_s + 120;
  m.region = "eu-west";
  return m;
}

inline TaskAssignmentT sample(std::type_identity<TaskAssignment>, const private_key& key) {
  TaskAssignmentT m;
  m.relay = to_wire(key.address());
  m.provider = wire_address(0x11);
  m.task_id = wire_id(0x21);
  m.request = seal(sample(std::type_identity<TaskRequest>{}, key), key);
  m.price_per_million_tokens_micros = 150'000;
  m.assigned_unix_s = now_s + 1;
  m.deadline_unix_s = now_s + 120;
  return m;
}

inline TokenChunkT sample(std::type_identity<TokenChunk>, const private_key& key) {
  TokenChunkT m;
  m.provider = to_wire(key.address());
  m.task_id = wire_id(0x21);
  m.index = 0;
  m.token_ids = {9906, 0};
  m.text = "Hello";
  m.chain_hash = wire_hash(0x31);
  return m;
}

inline TaskResultT sample(std::type_identity<TaskResult>, const private_key& key) {
  TaskResultT m;
  m.provider = to_wire(key.address());
  m.task_id = wire_id(0x21);
  m.status = TaskStatus::Completed;
  m.finish_reason = FinishReason::Stop;
  m.text = "Hello!";
  m.token_ids = {9906, 0};
  m.embedding = {0.25f, -0.5f};
  m.prompt_tokens = 12;
  m.completion_tokens = 2;
  m.output_hash = wire_hash(0x32);
  m.finished_unix_s = now_s + 2;
  return m;
}

inline ComputeProofT sample(std::type_identity<ComputeProof>, const private_key& key) {
  ComputeProofT m;
  m.provider = to_wire(key.address());
  m.renter = wire_address(0x33);
  m.task_id = wire_id(0x21);
  m.hold_id = wire_id(0x22);
  m.model_id = "meta-llama/Llama-3.1-8B-Instruct";
  m.weights_hash = wire_hash(0x77);
  m.input_hash = wire_hash(0x34);
  m.output_hash = wire_hash(0x32);
  m.chain_hash = wire_hash(0x31);
  m.chunk_count = 1;
  m.prompt_tokens = 12;
  m.completion_tokens = 2;
  m.sampling = sample_sampling();
  m.started_unix_ns = now_s * 1'000'000'000;
  m.finished_unix_ns = m.started_unix_ns + 250'000'000;
  m.worker = std::make_unique<WorkerIdentityT>();
  m.worker->backend = Backend::Cuda;
  m.worker->device = "NVIDIA H100 80GB HBM3";
  m.worker->engine_version = "agora 0.1.0";
  m.worker->deterministic = true;
  m.price_per_million_tokens_micros = 150'000;
  m.finish_reason = FinishReason::Stop;
  return m;
}

inline TaskCancelT sample(std::type_identity<TaskCancel>, const private_key& key) {
  TaskCancelT m;
  m.renter = to_wire(key.address());
  m.task_id = wire_id(0x21);
  m.reason = "the client disconnected";
  m.delivered_chunks = 3;
  m.created_unix_s = now_s;
  return m;
}

inline BodyAttestationRequestT sample(std::type_identity<BodyAttestationRequest>,
                                      const private_key& key) {
  BodyAttestationRequestT m;
  m.renter = to_wire(key.address());
  m.provider = wire_address(0x11);
  m.task_id = wire_id(0x21);
  m.request_sha256 = wire_hash(0x35);
  m.response_sha256 = wire_hash(0x36);
  m.created_unix_s = now_s + 3;
  return m;
}

inline BodyAttestationT sample(std::type_identity<BodyAttestation>, const private_key& key) {
  BodyAttestationT m;
  m.provider = to_wire(key.address());
  m.renter = wire_address(0x33);
  m.task_id = wire_id(0x21);
  m.text = std::string(64, '5') + ":" + std::string(64, '6');
  const auto text = as_bytes(m.text);
  const auto signed_text = personal_sign(key, text);
  m.text_signature.assign(signed_text.begin(), signed_text.end());
  m.signed_unix_s = now_s + 3;
  return m;
}

inline DepositT sample(std::type_identity<Deposit>, const private_key& key) {
  DepositT m;
  m.depositor = to_wire(key.address());
  m.account = to_wire(key.address());
  m.amount_micros = 10'000'000;
  m.idempotency_key = wire_id(0x41);
  m.payment_reference = bytes(32, 0xab);
  m.created_unix_s = now_s;
  return m;
}

inline WithdrawT sample(std::type_identity<Withdraw>, const private_key& key) {
  WithdrawT m;
  m.account = to_wire(key.address());
  m.destination = wire_address(0x44);
  m.amount_micros = 5'000'000;
  m.idempotency_key = wire_id(0x42);
  m.created_unix_s = now_s;
  return m;
}

inline HoldT sample(std::type_identity<Hold>, const private_key& key) {
  HoldT m;
  m.renter = to_wire(key.address());
  m.hold_id = wire_id(0x22);
  m.amount_micros = 1'000'000;
  m.purpose = HoldPurpose::Task;
  m.subject_id = wire_id(0x21);
  m.created_unix_s = now_s;
  m.expires_unix_s = now_s + 600;
  return m;
}

inline SettleT sample(std::type_identity<Settle>, const private_key& key) {
  SettleT m;
  m.submitter = to_wire(key.address());
  m.hold_id = wire_id(0x22);
  m.proof = seal(sample(std::type_identity<ComputeProof>{}, key), key);
  m.created_unix_s = now_s + 3;
  return m;
}

inline RefundT sample(std::type_identity<Refund>, const private_key& key) {
  RefundT m;
  m.requester = to_wire(key.address());
  m.hold_id = wire_id(0x22);
  m.reason = RefundReason::ProviderFailed;
  m.created_unix_s = now_s + 4;
  return m;
}

inline StakeT sample(std::type_identity<Stake>, const private_key& key) {
  StakeT m;
  m.provider = to_wire(key.address());
  m.amount_micros = 100'000'000;
  m.idempotency_key = wire_id(0x43);
  m.created_unix_s = now_s;
  return m;
}

inline UnstakeT sample(std::type_identity<Unstake>, const private_key& key) {
  UnstakeT m;
  m.provider = to_wire(key.address());
  m.amount_micros = 50'000'000;
  m.idempotency_key = wire_id(0x45);
  m.created_unix_s = now_s;
  return m;
}

inline SlashT sample(std::type_identity<Slash>, const private_key& key) {
  SlashT m;
  m.reporter = to_wire(key.address());
  m.provider = wire_address(0x11);
  m.reason = SlashReason::FailureToServe;
  m.amount_micros = 1'000'000;
  m.task_id = wire_id(0x21);
  m.evidence = seal(sample(std::type_identity<TaskAssignment>{}, key), key);
  m.idempotency_key = wire_id(0x46);
  m.created_unix_s = now_s + 300;
  return m;
}

inline DisputeT sample(std::type_identity<Dispute>, const private_key& key) {
  DisputeT m;
  m.renter = to_wire(key.address());
  m.dispute_id = wire_id(0x51);
  m.task_id = wire_id(0x21);
  m.provider = wire_address(0x11);
  m.bond_micros = 500'000;
  m.proof = seal(sample(std::type_identity<ComputeProof>{}, key), key);
  m.reason = "output differs from my re-run";
  m.created_unix_s = now_s + 10;
  return m;
}

inline VerdictT sample(std::type_identity<Verdict>, const private_key& key) {
  VerdictT m;
  m.arbiter = to_wire(key.address());
  m.dispute_id = wire_id(0x51);
  m.task_id = wire_id(0x21);
  m.provider = wire_address(0x11);
  m.outcome = VerdictOutcome::ProviderWrong;
  m.recomputed_output_hash = wire_hash(0x52);
  m.slash_micros = 2'000'000;
  m.decided_unix_s = now_s + 100;
  return m;
}

inline JournalEntryT sample(std::type_identity<JournalEntry>, const private_key& key) {
  JournalEntryT m;
  m.escrow = to_wire(key.address());
  m.sequence = 1;
  m.idempotency_key = wire_id(0x41);
  m.operation = EscrowOp::Deposit;
  m.postings.emplace_back(-10'000'000, wire_address(0), wire_id(0), AccountKind::External);
  m.postings.emplace_back(10'000'000, wire_address(0x33), wire_id(0), AccountKind::RenterBalance);
  m.request_hash = wire_hash(0x53);
  m.created_unix_s = now_s;
  return m;
}

inline SessionRequestT sample(std::type_identity<SessionRequest>, const private_key& key) {
  SessionRequestT m;
  m.renter = to_wire(key.address());
  m.session_id = wire_id(0x61);
  m.hold_id = wire_id(0x62);
  m.gpu_name = "NVIDIA H100 80GB HBM3";
  m.vram_bytes_min = uint64_t{40} << 30;
  m.gpu_count = 1;
  m.duration_s = 3600;
  m.price_cap_per_gpu_hour_micros = 3'000'000;
  m.region = "eu-west";
  m.created_unix_s = now_s;
  return m;
}

inline SessionGrantT sample(std::type_identity<SessionGrant>, const private_key& key) {
  SessionGrantT m;
  m.relay = to_wire(key.address());
  m.renter = wire_address(0x33);
  m.provider = wire_address(0x11);
  m.session_id = wire_id(0x61);
  m.gpu = sample_gpu();
  m.price_per_gpu_hour_micros = 2'000'000;
  m.starts_unix_s = now_s + 5;
  m.expires_unix_s = now_s + 3605;
  return m;
}

inline UsageReportT sample(std::type_identity<UsageReport>, const private_key& key) {
  UsageReportT m;
  m.provider = to_wire(key.address());
  m.session_id = wire_id(0x61);
  m.sequence = 1;
  m.period_start_unix_s = now_s + 5;
  m.period_end_unix_s = now_s + 65;
  m.gpu_seconds = 60;
  m.prompt_tokens = 1000;
  m.completion_tokens = 500;
  return m;
}

inline SessionEndT sample(std::type_identity<SessionEnd>, const private_key& key) {
  SessionEndT m;
  m.sender = to_wire(key.address());
  m.session_id = wire_id(0x61);
  m.reason = SessionEndReason::RenterClosed;
  m.ended_unix_s = now_s + 1800;
  m.gpu_seconds_total = 1795;
  return m;
}

/// The sample of table T.
template <class T>
auto sample_of(const private_key& key) {
  return sample(std::type_identity<T>{}, key);
}

}  // namespace agora::wire::samples
