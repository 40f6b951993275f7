// Field limits (schemas/limits.hpp): every kind of violation, sealed with a valid signature, is
// refused by open() with the expected code and a message naming the field.
#include "schemas/limits.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "schemas/envelope.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::wire {
namespace {

using samples::sample_of;
using ::testing::HasSubstr;

struct violation {
  std::string field;  // expected in the message, e.g. "Register.region"
  errc code;
  std::function<bytes(const private_key&)> build;
};

/// A sample of table T changed by `change`, sealed by the key.
template <class T>
std::function<bytes(const private_key&)>
changed(std::function<void(typename T::NativeTableType&)> change) {
  return [change](const private_key& key) {
    auto message = sample_of<T>(key);
    change(message);
    return seal(message, key);
  };
}

Posting posting(int64_t amount_micros, AccountKind kind) {
  return Posting(amount_micros, samples::wire_address(0x33), Id128{}, kind);
}

constexpr errc too_many = errc::limit_exceeded;
constexpr errc invalid = errc::invalid_argument;

std::vector<violation> provider_violations() {
  return {
      {"Register.relay: must not be zero", invalid,
       changed<Register>([](RegisterT& m) { m.relay = Address{}; })},
      {"Register.session_id: 15 bytes, at least 16", invalid,
       changed<Register>([](RegisterT& m) { m.session_id.resize(15); })},
      {"Register.session_id: 33 bytes, at most 32", too_many,
       changed<Register>([](RegisterT& m) { m.session_id.resize(33); })},
      {"Register.timestamp_unix_s", invalid,
       changed<Register>([](RegisterT& m) { m.timestamp_unix_s = -1; })},
      {"Register.gpus: is required", invalid,
       changed<Register>([](RegisterT& m) { m.gpus.clear(); })},
      {"Register.gpus: 17 entries, at most 16", too_many, changed<Register>([](RegisterT& m) {
         while (m.gpus.size() < 17)
           m.gpus.push_back(samples::sample_gpu());
       })},
      {"Register.gpus.name", too_many,
       changed<Register>([](RegisterT& m) { m.gpus[0]->name.assign(129, 'x'); })},
      {"Register.gpus.vram_bytes", invalid,
       changed<Register>([](RegisterT& m) { m.gpus[0]->vram_bytes = 0; })},
      {"Register.gpus.count", invalid,
       changed<Register>([](RegisterT& m) { m.gpus[0]->count = 65; })},
      {"Register.models.id: is required", invalid,
       changed<Register>([](RegisterT& m) { m.models[0]->id.clear(); })},
      {"Register.models.quantization", too_many,
       changed<Register>([](RegisterT& m) { m.models[0]->quantization.assign(33, 'q'); })},
      {"Register.region: 65 bytes, at most 64", too_many,
       changed<Register>([](RegisterT& m) { m.region.assign(65, 'r'); })},
      {"Register.cpu_model: 129 bytes, at most 128", too_many,
       changed<Register>([](RegisterT& m) { m.cpu_model.assign(129, 'c'); })},
      {"Register.price_per_million_tokens_micros", invalid,
       changed<Register>([](RegisterT& m) { m.price_per_million_tokens_micros = -1; })},
      {"Register.max_concurrency", invalid,
       changed<Register>([](RegisterT& m) { m.max_concurrency = 0; })},
      {"Register.tee.type", invalid,
       changed<Register>([](RegisterT& m) { m.tee->type = static_cast<TeeType>(9); })},
      {"Register.tee.evidence", too_many, changed<Register>([](RegisterT& m) {
         m.tee->evidence.resize(limits::tee_evidence_bytes_max + 1);
       })},
      {"Registered.heartbeat_interval_s", invalid,
       changed<Registered>([](RegisteredT& m) { m.heartbeat_interval_s = 0; })},
      {"Heartbeat.load_permille", invalid,
       changed<Heartbeat>([](HeartbeatT& m) { m.load_permille = 1001; })},
      {"Heartbeat.available_models: 65 entries", too_many,
       changed<Heartbeat>([](HeartbeatT& m) { m.available_models.resize(65, "m"); })},
      {"Drain.session_id: is required", invalid,
       changed<Drain>([](DrainT& m) { m.session_id.clear(); })},
      {"Deregister.reason", too_many,
       changed<Deregister>([](DeregisterT& m) { m.reason.assign(1025, 'x'); })},
      {"ModelsUpdate.models.max_context", invalid,
       changed<ModelsUpdate>([](ModelsUpdateT& m) { m.models[0]->max_context = 0; })},
      {"ErrorFrame.message", too_many,
       changed<ErrorFrame>([](ErrorFrameT& m) { m.message.assign(1025, 'x'); })},
  };
}

std::vector<violation> task_request_violations() {
  return {
      {"TaskRequest.task_id: must not be zero", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.task_id = Id128{}; })},
      {"TaskRequest.model: is required", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.model.clear(); })},
      {"TaskRequest.input: exactly one", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.prompt = "also a prompt"; })},
      {"TaskRequest.input: exactly one", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.messages.clear(); })},
      {"TaskRequest.task_type: Chat takes messages", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.task_type = TaskType::Completion; })},
      {"TaskRequest.task_type", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.task_type = static_cast<TaskType>(3); })},
      {"TaskRequest.messages: 257 entries, at most 256", too_many,
       changed<TaskRequest>([](TaskRequestT& m) {
         while (m.messages.size() < 257)
           m.messages.push_back(std::make_unique<ChatMessageT>(*m.messages[0]));
       })},
      {"TaskRequest.messages.content", too_many, changed<TaskRequest>([](TaskRequestT& m) {
         m.messages[0]->content.assign(limits::prompt_bytes_max / 2 + 1, 'a');
         m.messages.push_back(std::make_unique<ChatMessageT>(*m.messages[0]));
       })},
      {"TaskRequest.messages.role", invalid, changed<TaskRequest>([](TaskRequestT& m) {
         m.messages[0]->role = static_cast<ChatRole>(4);
       })},
      {"TaskRequest.prompt_token_ids", too_many, changed<TaskRequest>([](TaskRequestT& m) {
         m.task_type = TaskType::Completion;
         m.messages.clear();
         m.prompt_token_ids.resize(limits::prompt_token_ids_max + 1, 7);
       })},
      {"TaskRequest.sampling: is required", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling.reset(); })},
      {"TaskRequest.sampling.max_tokens: must be at least 1", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->max_tokens = 0; })},
      {"TaskRequest.sampling.max_tokens", invalid, changed<TaskRequest>([](TaskRequestT& m) {
         m.sampling->max_tokens = limits::max_tokens_max + 1;
       })},
      {"TaskRequest.sampling.temperature: 2.5 is outside [0, 2]", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->temperature = 2.5f; })},
      {"TaskRequest.sampling.temperature", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->temperature = NAN; })},
      {"TaskRequest.sampling.top_p: must be greater than 0", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->top_p = 0.0f; })},
      {"TaskRequest.sampling.top_p", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->top_p = 1.01f; })},
      {"TaskRequest.sampling.top_k", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->top_k = limits::top_k_max + 1; })},
      {"TaskRequest.sampling.stop: 9 entries", too_many,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->stop.resize(9, "x"); })},
      {"TaskRequest.sampling.stop: 257 bytes", too_many,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->stop[0].assign(257, 's'); })},
      {"TaskRequest.sampling.logprobs", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.sampling->logprobs = 21; })},
      {"TaskRequest.price_cap_per_million_tokens_micros", invalid,
       changed<TaskRequest>([](TaskRequestT& m) {
         m.price_cap_per_million_tokens_micros = limits::amount_micros_max + 1;
       })},
      {"TaskRequest.hold_id: must not be zero", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.hold_id = Id128{}; })},
      {"TaskRequest.deadline_unix_s: must not be before", invalid,
       changed<TaskRequest>([](TaskRequestT& m) { m.deadline_unix_s = m.created_unix_s - 1; })},
  };
}

std::vector<violation> task_outcome_violations() {
  return {
      {"TaskAssignment.request: is required", invalid,
       changed<TaskAssignment>([](TaskAssignmentT& m) { m.request.clear(); })},
      {"TokenChunk.token_ids: a chunk carries", invalid, changed<TokenChunk>([](TokenChunkT& m) {
         m.token_ids.clear();
         m.text.clear();
       })},
      {"TokenChunk.text", too_many, changed<TokenChunk>([](TokenChunkT& m) {
         m.text.assign(limits::chunk_text_bytes_max + 1, 't');
       })},
      {"TaskResult.embedding: values must be finite", invalid,
       changed<TaskResult>([](TaskResultT& m) { m.embedding[1] = INFINITY; })},
      {"TaskResult.status", invalid,
       changed<TaskResult>([](TaskResultT& m) { m.status = static_cast<TaskStatus>(5); })},
      {"ComputeProof.finished_unix_ns: must not be before", invalid,
       changed<ComputeProof>([](ComputeProofT& m) { m.finished_unix_ns = 0; })},
      {"ComputeProof.worker: is required", invalid,
       changed<ComputeProof>([](ComputeProofT& m) { m.worker.reset(); })},
      {"ComputeProof.worker.backend", invalid, changed<ComputeProof>([](ComputeProofT& m) {
         m.worker->backend = static_cast<Backend>(4);
       })},
      {"ComputeProof.renter: must not be zero", invalid,
       changed<ComputeProof>([](ComputeProofT& m) { m.renter = Address{}; })},
      {"BodyAttestationRequest.provider: must not be zero", invalid,
       changed<BodyAttestationRequest>([](BodyAttestationRequestT& m) { m.provider = Address{}; })},
      {"BodyAttestation.text: 128 bytes, at least 129", invalid,
       changed<BodyAttestation>([](BodyAttestationT& m) { m.text.pop_back(); })},
      {"BodyAttestation.text: 130 bytes, at most 129", too_many,
       changed<BodyAttestation>([](BodyAttestationT& m) { m.text += "0"; })},
      {"BodyAttestation.text: must be 64 lowercase hex digits", invalid,
       changed<BodyAttestation>([](BodyAttestationT& m) { m.text[0] = 'A'; })},
      {"BodyAttestation.text: must be 64 lowercase hex digits", invalid,
       changed<BodyAttestation>([](BodyAttestationT& m) { m.text[64] = '0'; })},
      {"BodyAttestation.text_signature: 64 bytes, at least 65", invalid,
       changed<BodyAttestation>([](BodyAttestationT& m) { m.text_signature.pop_back(); })},
  };
}

std::vector<violation> escrow_and_rental_violations() {
  return {
      {"Deposit.amount_micros: 0 is outside", invalid,
       changed<Deposit>([](DepositT& m) { m.amount_micros = 0; })},
      {"Deposit.payment_reference", too_many,
       changed<Deposit>([](DepositT& m) { m.payment_reference.resize(1025); })},
      {"Withdraw.amount_micros: -5 is outside", invalid,
       changed<Withdraw>([](WithdrawT& m) { m.amount_micros = -5; })},
      {"Hold.expires_unix_s: must be after", invalid,
       changed<Hold>([](HoldT& m) { m.expires_unix_s = m.created_unix_s; })},
      {"Hold.purpose", invalid,
       changed<Hold>([](HoldT& m) { m.purpose = static_cast<HoldPurpose>(2); })},
      {"Settle.proof: is required", invalid, changed<Settle>([](SettleT& m) { m.proof.clear(); })},
      {"Refund.reason", invalid,
       changed<Refund>([](RefundT& m) { m.reason = static_cast<RefundReason>(5); })},
      {"Stake.idempotency_key: must not be zero", invalid,
       changed<Stake>([](StakeT& m) { m.idempotency_key = Id128{}; })},
      {"Unstake.amount_micros", invalid,
       changed<Unstake>([](UnstakeT& m) { m.amount_micros = 0; })},
      {"Slash.evidence: is required", invalid, changed<Slash>([](SlashT& m) {
         m.reason = SlashReason::IncorrectResult;
         m.evidence.clear();
       })},
      {"Slash.task_id: must not be zero", invalid,
       changed<Slash>([](SlashT& m) { m.task_id = Id128{}; })},
      {"Dispute.bond_micros", invalid, changed<Dispute>([](DisputeT& m) { m.bond_micros = 0; })},
      {"Verdict.slash_micros: must be 0 unless", invalid,
       changed<Verdict>([](VerdictT& m) { m.outcome = VerdictOutcome::ProviderCorrect; })},
      {"JournalEntry.postings: amounts must sum to zero", invalid,
       changed<JournalEntry>(
           [](JournalEntryT& m) { m.postings[0] = posting(-1, AccountKind::External); })},
      {"JournalEntry.postings: 1 entries, at least 2", invalid,
       changed<JournalEntry>([](JournalEntryT& m) { m.postings.resize(1); })},
      {"JournalEntry.postings: 17 entries, at most 16", too_many,
       changed<JournalEntry>([](JournalEntryT& m) { m.postings.resize(17, m.postings[0]); })},
      {"JournalEntry.postings.amount_micros", invalid, changed<JournalEntry>([](JournalEntryT& m) {
         m.postings[0] = posting(-limits::amount_micros_max - 1, AccountKind::External);
         m.postings[1] = posting(limits::amount_micros_max + 1, AccountKind::RenterBalance);
       })},
      {"JournalEntry.sequence", invalid,
       changed<JournalEntry>([](JournalEntryT& m) { m.sequence = 0; })},
      {"SessionRequest.duration_s", invalid,
       changed<SessionRequest>([](SessionRequestT& m) { m.duration_s = 59; })},
      {"SessionRequest.gpu_count", invalid,
       changed<SessionRequest>([](SessionRequestT& m) { m.gpu_count = 0; })},
      {"SessionGrant.gpu: is required", invalid,
       changed<SessionGrant>([](SessionGrantT& m) { m.gpu.reset(); })},
      {"SessionGrant.expires_unix_s: must be after", invalid,
       changed<SessionGrant>([](SessionGrantT& m) { m.expires_unix_s = m.starts_unix_s; })},
      {"UsageReport.gpu_seconds", invalid,
       changed<UsageReport>([](UsageReportT& m) { m.gpu_seconds = 60 * 64 + 1; })},
      {"UsageReport.period_end_unix_s: must not be before", invalid,
       changed<UsageReport>([](UsageReportT& m) { m.period_end_unix_s = 0; })},
      {"SessionEnd.reason", invalid,
       changed<SessionEnd>([](SessionEndT& m) { m.reason = static_cast<SessionEndReason>(5); })},
  };
}

void expect_refused(const std::vector<violation>& violations) {
  const private_key key = samples::test_key(21);
  for (const violation& v : violations) {
    SCOPED_TRACE(v.field);
    result<opened_envelope> opened = open(v.build(key));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, v.code) << opened.error().to_string();
    EXPECT_THAT(opened.error().message, HasSubstr(v.field));
  }
}

TEST(Limits, ProviderViolationsNameTheField) {
  expect_refused(provider_violations());
}
TEST(Limits, TaskRequestViolationsNameTheField) {
  expect_refused(task_request_violations());
}
TEST(Limits, TaskOutcomeViolationsNameTheField) {
  expect_refused(task_outcome_violations());
}
TEST(Limits, EscrowAndRentalViolationsNameTheField) {
  expect_refused(escrow_and_rental_violations());
}

TEST(Limits, BoundaryValuesAreAccepted) {
  const private_key key = samples::test_key(22);
  TaskRequestT request = sample_of<TaskRequest>(key);
  request.sampling->temperature = 0.0f;
  request.sampling->top_p = 1.0f;
  request.sampling->max_tokens = limits::max_tokens_max;
  request.sampling->stop.assign(limits::stop_sequences_max,
                                std::string(limits::stop_bytes_max, 's'));
  request.deadline_unix_s = request.created_unix_s;
  EXPECT_TRUE(open(seal(request, key)).ok());

  TaskRequestT embedding = sample_of<TaskRequest>(key);
  embedding.task_type = TaskType::Embedding;
  embedding.messages.clear();
  embedding.prompt_token_ids = {1, 2, 3};
  embedding.sampling->max_tokens = 0;
  EXPECT_TRUE(open(seal(embedding, key)).ok());

  RegisterT provider = sample_of<Register>(key);
  provider.session_id.resize(limits::session_id_bytes_max);
  provider.region.assign(limits::region_bytes_max, 'r');
  provider.tee.reset();
  EXPECT_TRUE(open(seal(provider, key)).ok());

  SlashT downtime = sample_of<Slash>(key);
  downtime.reason = SlashReason::Downtime;
  downtime.task_id = Id128{};
  downtime.evidence.clear();
  downtime.offline_since_unix_s = samples::now_s - 5 * 3600;
  EXPECT_TRUE(open(seal(downtime, key)).ok());
}

}  // namespace
}  // namespace agora::wire
