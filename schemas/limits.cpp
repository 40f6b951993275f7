// Field limits of every payload table (limits.hpp): one field_checker collects the first
// violation, naming the field; one check_fields per table lists what it checks.
#include "schemas/limits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "schemas/body_attestation.hpp"
#include "schemas/wire_types.hpp"

namespace agora::wire {
namespace {

std::string join(std::string_view prefix, std::string_view field) {
  std::string out{prefix};
  out += '.';
  out += field;
  return out;
}

/// Checks fields of one table and keeps the first violation; later checks are skipped.
class field_checker {
 public:
  explicit field_checker(std::string_view table) : table_(table) {}

  /// Optional text of at most `bytes_max` bytes.
  void text(std::string_view field, const flatbuffers::String* value, size_t bytes_max) {
    if (value != nullptr)
      size(field, "bytes", value->size(), 0, bytes_max);
  }
  /// Text that must be present and non-empty, of at most `bytes_max` bytes.
  void text_required(std::string_view field, const flatbuffers::String* value, size_t bytes_max) {
    size(field, "bytes", value == nullptr ? 0 : value->size(), 1, bytes_max);
  }
  /// Bytes, [bytes_min, bytes_max] of them; bytes_min 0 makes the field optional.
  void blob(std::string_view field, const flatbuffers::Vector<uint8_t>* value, size_t bytes_min,
            size_t bytes_max) {
    size(field, "bytes", value == nullptr ? 0 : value->size(), bytes_min, bytes_max);
  }
  /// A vector of [count_min, count_max] elements; count_min 0 makes the field optional.
  template <class Vector>
  void count(std::string_view field, const Vector* value, size_t count_min, size_t count_max) {
    size(field, "entries", value == nullptr ? 0 : value->size(), count_min, count_max);
  }

  void range(std::string_view field, uint64_t value, uint64_t value_min, uint64_t value_max) {
    check_range(field, value, value_min, value_max);
  }
  void range_signed(std::string_view field, int64_t value, int64_t value_min, int64_t value_max) {
    check_range(field, value, value_min, value_max);
  }
  /// Money that may be zero.
  void money(std::string_view field, int64_t value) {
    range_signed(field, value, 0, limits::amount_micros_max);
  }
  /// Money that must be positive.
  void amount(std::string_view field, int64_t value) {
    range_signed(field, value, 1, limits::amount_micros_max);
  }
  void time_s(std::string_view field, int64_t value) {
    range_signed(field, value, 0, limits::unix_s_max);
  }
  void time_ns(std::string_view field, int64_t value) {
    range_signed(field, value, 0, limits::unix_ns_max);
  }
  /// A float in [value_min, value_max]; NaN fails.
  void real(std::string_view field, float value, float value_min, float value_max) {
    if (!(value >= value_min && value <= value_max))
      fail(errc::invalid_argument, field,
           format_real(value) + " is outside [" + format_real(value_min) + ", " +
               format_real(value_max) + "]");
  }
  /// An enum value the schema defines (all Agora enums run 0..MAX without gaps).
  template <class Enum>
  void enumeration(std::string_view field, Enum value) {
    static_assert(static_cast<uint64_t>(Enum::MIN) == 0);
    range(field, static_cast<uint64_t>(value), 0, static_cast<uint64_t>(Enum::MAX));
  }
  /// A required id or address that must not be all zero.
  template <class Struct>
  void nonzero(std::string_view field, const Struct* value) {
    AGORA_ASSERT(value != nullptr);  // required fields: the Verifier saw them
    const auto& raw = *value->value();
    if (std::all_of(raw.begin(), raw.end(), [](uint8_t b) { return b == 0; }))
      fail(errc::invalid_argument, field, "must not be zero");
  }
  /// A sub-table that must be present; returns whether it is.
  bool present(std::string_view field, const void* table) {
    if (table == nullptr)
      fail(errc::invalid_argument, field, "is required");
    return table != nullptr && !first_;
  }
  /// A rule between fields; `what` says what must hold.
  void rule(bool holds, std::string_view field, std::string_view what) {
    if (!holds)
      fail(errc::invalid_argument, field, what);
  }

  /// A size in [value_min, value_max]: below is "required" or too small, above is a limit.
  void size(std::string_view field, std::string_view unit, size_t value, size_t value_min,
            size_t value_max) {
    AGORA_ASSERT(value_min <= value_max);
    if (value < value_min)
      fail(errc::invalid_argument, field,
           value == 0 ? std::string("is required")
                      : std::to_string(value) + " " + std::string(unit) + ", at least " +
                            std::to_string(value_min));
    else if (value > value_max)
      fail(errc::limit_exceeded, field,
           std::to_string(value) + " " + std::string(unit) + ", at most " +
               std::to_string(value_max));
  }

  bool failed() const { return first_.has_value(); }
  status result() const {
    if (first_)
      return *first_;
    return {};
  }

 private:
  template <class Int>
  void check_range(std::string_view field, Int value, Int value_min, Int value_max) {
    AGORA_ASSERT(value_min <= value_max);
    if (value < value_min || value > value_max)
      fail(errc::invalid_argument, field,
           std::to_string(value) + " is outside [" + std::to_string(value_min) + ", " +
               std::to_string(value_max) + "]");
  }
  static std::string format_real(float value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
    return text;
  }
  void fail(errc code, std::string_view field, std::string_view what) {
    if (first_)
      return;
    first_ = make_error(code, table_ + "." + std::string(field) + ": " + std::string(what));
  }

  std::string table_;
  std::optional<error> first_;
};

// ------------------------------------------------------------------------------------------------
// Parts shared by several tables.

void check_gpu(field_checker& c, std::string_view prefix, const GpuInfo& gpu) {
  c.text_required(join(prefix, "name"), gpu.name(), limits::name_bytes_max);
  c.range(join(prefix, "vram_bytes"), gpu.vram_bytes(), 1, limits::vram_bytes_max);
  c.range(join(prefix, "count"), gpu.count(), 1, limits::gpu_count_max);
  c.text(join(prefix, "driver_version"), gpu.driver_version(), limits::name_bytes_max);
}

void check_models(field_checker& c, std::string_view field,
                  const flatbuffers::Vector<flatbuffers::Offset<ModelOffer>>* models,
                  size_t count_min) {
  c.count(field, models, count_min, limits::models_max);
  if (models == nullptr || c.failed())
    return;
  for (const ModelOffer* model : *models) {
    c.text_required(join(field, "id"), model->id(), limits::model_id_bytes_max);
    c.range(join(field, "max_context"), model->max_context(), 1, limits::context_tokens_max);
    c.text(join(field, "quantization"), model->quantization(), limits::quantization_bytes_max);
  }
}

void check_provider_session(field_checker& c, const flatbuffers::Vector<uint8_t>* session_id,
                            int64_t timestamp_unix_s) {
  c.blob("session_id", session_id, limits::session_id_bytes_min, limits::session_id_bytes_max);
  c.time_s("timestamp_unix_s", timestamp_unix_s);
}

void check_sampling(field_checker& c, std::string_view prefix, const SamplingParams& s) {
  c.range(join(prefix, "max_tokens"), s.max_tokens(), 0, limits::max_tokens_max);
  c.real(join(prefix, "temperature"), s.temperature(), 0.0f, limits::temperature_max);
  c.real(join(prefix, "top_p"), s.top_p(), 0.0f, 1.0f);
  c.rule(s.top_p() > 0.0f, join(prefix, "top_p"), "must be greater than 0");
  c.range(join(prefix, "top_k"), s.top_k(), 0, limits::top_k_max);
  c.count(join(prefix, "stop"), s.stop(), 0, limits::stop_sequences_max);
  if (s.stop() != nullptr)
    for (const flatbuffers::String* stop : *s.stop())
      c.text_required(join(prefix, "stop"), stop, limits::stop_bytes_max);
  c.range(join(prefix, "logprobs"), s.logprobs(), 0, limits::logprobs_max);
}

/// Log-probabilities: finite, at most 0, short token texts, at most logprobs_max alternatives.
void check_logprobs(field_checker& c,
                    const flatbuffers::Vector<flatbuffers::Offset<TokenLogprob>>* v,
                    size_t count_max) {
  c.count("logprobs", v, 0, count_max);
  if (v == nullptr || c.failed())
    return;
  constexpr float lowest = -std::numeric_limits<float>::max();
  for (const TokenLogprob* entry : *v) {
    c.text("logprobs.token", entry->token(), limits::logprob_token_bytes_max);
    c.real("logprobs.logprob", entry->logprob(), lowest, 0.0f);
    c.count("logprobs.top", entry->top(), 0, limits::logprobs_max);
    if (entry->top() == nullptr || c.failed())
      continue;
    for (const TopLogprob* top : *entry->top()) {
      c.text("logprobs.top.token", top->token(), limits::logprob_token_bytes_max);
      c.real("logprobs.top.logprob", top->logprob(), lowest, 0.0f);
    }
  }
}

/// A task's input: exactly one of prompt, messages and prompt_token_ids, matching task_type.
void check_task_input(field_checker& c, const TaskRequest& m) {
  c.text("prompt", m.prompt(), limits::prompt_bytes_max);
  c.count("messages", m.messages(), 0, limits::chat_messages_max);
  c.count("prompt_token_ids", m.prompt_token_ids(), 0, limits::prompt_token_ids_max);
  const bool has_prompt = m.prompt() != nullptr && m.prompt()->size() > 0;
  const bool has_messages = m.messages() != nullptr && m.messages()->size() > 0;
  const bool has_tokens = m.prompt_token_ids() != nullptr && m.prompt_token_ids()->size() > 0;
  c.rule(has_prompt + has_messages + has_tokens == 1, "input",
         "exactly one of prompt, messages, prompt_token_ids must be set");
  c.rule(has_messages == (m.task_type() == TaskType::Chat), "task_type",
         "Chat takes messages, other types take prompt or prompt_token_ids");
  if (!has_messages || c.failed())
    return;
  size_t content_bytes = 0;
  for (const ChatMessage* message : *m.messages()) {
    c.enumeration("messages.role", message->role());
    content_bytes += message->content() == nullptr ? 0 : message->content()->size();
  }
  c.size("messages.content", "bytes in all", content_bytes, 0, limits::prompt_bytes_max);
}

void check_worker(field_checker& c, const WorkerIdentity& worker) {
  c.enumeration("worker.backend", worker.backend());
  c.text("worker.device", worker.device(), limits::name_bytes_max);
  c.text("worker.engine_version", worker.engine_version(), limits::name_bytes_max);
}

void check_postings(field_checker& c, const flatbuffers::Vector<const Posting*>* postings) {
  c.count("postings", postings, limits::postings_min, limits::postings_max);
  if (postings == nullptr || c.failed())
    return;
  int64_t sum = 0;  // cannot overflow: amounts are bounded (limits.hpp static_assert)
  for (const Posting* posting : *postings) {
    c.range_signed("postings.amount_micros", posting->amount_micros(), -limits::amount_micros_max,
                   limits::amount_micros_max);
    c.enumeration("postings.kind", posting->kind());
    if (c.failed())
      return;
    sum += posting->amount_micros();
  }
  c.rule(sum == 0, "postings", "amounts must sum to zero");
}

}  // namespace

flatbuffers::Verifier::Options verifier_options() {
  flatbuffers::Verifier::Options options;
  options.max_depth = limits::verifier_depth_max;
  options.max_tables = limits::verifier_tables_max;
  options.check_alignment = true;
  options.check_nested_flatbuffers = true;
  return options;
}

// ------------------------------------------------------------------------------------------------
// identity.fbs and provider.fbs

status check_fields(const ErrorFrame& m) {
  field_checker c("ErrorFrame");
  c.text("message", m.message(), limits::reason_bytes_max);
  c.time_s("timestamp_unix_s", m.timestamp_unix_s());
  return c.result();
}

status check_fields(const Register& m) {
  field_checker c("Register");
  c.nonzero("relay", m.relay());
  check_provider_session(c, m.session_id(), m.timestamp_unix_s());
  c.count("gpus", m.gpus(), 1, limits::gpus_max);
  if (m.gpus() != nullptr && !c.failed())
    for (const GpuInfo* gpu : *m.gpus())
      check_gpu(c, "gpus", *gpu);
  check_models(c, "models", m.models(), 1);
  c.text("region", m.region(), limits::region_bytes_max);
  c.money("price_per_million_tokens_micros", m.price_per_million_tokens_micros());
  c.money("price_per_gpu_hour_micros", m.price_per_gpu_hour_micros());
  c.range("max_concurrency", m.max_concurrency(), 1, limits::concurrency_max);
  c.text("cpu_model", m.cpu_model(), limits::name_bytes_max);
  if (m.tee() != nullptr) {
    c.enumeration("tee.type", m.tee()->type());
    c.rule(m.tee()->type() != TeeType::None, "tee.type", "must not be None when tee is set");
    c.blob("tee.evidence", m.tee()->evidence(), 1, limits::tee_evidence_bytes_max);
  }
  return c.result();
}

status check_fields(const Registered& m) {
  field_checker c("Registered");
  c.nonzero("provider", m.provider());
  c.blob("session_id", m.session_id(), limits::session_id_bytes_min, limits::session_id_bytes_max);
  c.time_s("accepted_unix_s", m.accepted_unix_s());
  c.range("heartbeat_interval_s", m.heartbeat_interval_s(), limits::heartbeat_interval_s_min,
          limits::heartbeat_interval_s_max);
  return c.result();
}

status check_fields(const Heartbeat& m) {
  field_checker c("Heartbeat");
  check_provider_session(c, m.session_id(), m.timestamp_unix_s());
  c.range("load_permille", m.load_permille(), 0, limits::load_permille_max);
  c.count("available_models", m.available_models(), 0, limits::models_max);
  if (m.available_models() != nullptr && !c.failed())
    for (const flatbuffers::String* model : *m.available_models())
      c.text_required("available_models", model, limits::model_id_bytes_max);
  return c.result();
}

status check_fields(const Drain& m) {
  field_checker c("Drain");
  check_provider_session(c, m.session_id(), m.timestamp_unix_s());
  return c.result();
}

status check_fields(const Deregister& m) {
  field_checker c("Deregister");
  check_provider_session(c, m.session_id(), m.timestamp_unix_s());
  c.text("reason", m.reason(), limits::reason_bytes_max);
  return c.result();
}

status check_fields(const ModelsUpdate& m) {
  field_checker c("ModelsUpdate");
  check_provider_session(c, m.session_id(), m.timestamp_unix_s());
  check_models(c, "models", m.models(), 0);
  return c.result();
}

// ------------------------------------------------------------------------------------------------
// task.fbs

status check_fields(const TaskRequest& m) {
  field_checker c("TaskRequest");
  c.nonzero("task_id", m.task_id());
  c.enumeration("task_type", m.task_type());
  c.text_required("model", m.model(), limits::model_id_bytes_max);
  check_task_input(c, m);
  if (c.present("sampling", m.sampling())) {
    check_sampling(c, "sampling", *m.sampling());
    c.rule(m.task_type() == TaskType::Embedding || m.sampling()->max_tokens() > 0,
           "sampling.max_tokens", "must be at least 1 unless task_type is Embedding");
  }
  c.money("price_cap_per_million_tokens_micros", m.price_cap_per_million_tokens_micros());
  c.nonzero("hold_id", m.hold_id());
  c.time_s("created_unix_s", m.created_unix_s());
  c.time_s("deadline_unix_s", m.deadline_unix_s());
  c.rule(m.deadline_unix_s() >= m.created_unix_s(), "deadline_unix_s",
         "must not be before created_unix_s");
  c.text("region", m.region(), limits::region_bytes_max);
  return c.result();
}

status check_fields(const TaskAssignment& m) {
  field_checker c("TaskAssignment");
  c.nonzero("provider", m.provider());
  c.nonzero("task_id", m.task_id());
  c.blob("request", m.request(), 1, limits::frame_bytes_max);
  c.money("price_per_million_tokens_micros", m.price_per_million_tokens_micros());
  c.time_s("assigned_unix_s", m.assigned_unix_s());
  c.time_s("deadline_unix_s", m.deadline_unix_s());
  c.rule(m.deadline_unix_s() >= m.assigned_unix_s(), "deadline_unix_s",
         "must not be before assigned_unix_s");
  return c.result();
}

status check_fields(const TokenChunk& m) {
  field_checker c("TokenChunk");
  c.nonzero("task_id", m.task_id());
  c.count("token_ids", m.token_ids(), 0, limits::chunk_token_ids_max);
  c.text("text", m.text(), limits::chunk_text_bytes_max);
  const bool empty = (m.token_ids() == nullptr || m.token_ids()->size() == 0) &&
                     (m.text() == nullptr || m.text()->size() == 0);
  c.rule(!empty, "token_ids", "a chunk carries token_ids or text");
  check_logprobs(c, m.logprobs(), limits::chunk_token_ids_max);
  return c.result();
}

status check_fields(const TaskResult& m) {
  field_checker c("TaskResult");
  c.nonzero("task_id", m.task_id());
  c.enumeration("status", m.status());
  c.enumeration("finish_reason", m.finish_reason());
  c.text("text", m.text(), limits::result_text_bytes_max);
  c.count("token_ids", m.token_ids(), 0, limits::result_token_ids_max);
  c.count("embedding", m.embedding(), 0, limits::embedding_dims_max);
  if (m.embedding() != nullptr && !c.failed())
    c.rule(std::all_of(m.embedding()->begin(), m.embedding()->end(),
                       [](float v) { return std::isfinite(v); }),
           "embedding", "values must be finite");
  c.range("prompt_tokens", m.prompt_tokens(), 0, limits::context_tokens_max);
  c.range("completion_tokens", m.completion_tokens(), 0, limits::max_tokens_max);
  c.text("error_message", m.error_message(), limits::reason_bytes_max);
  c.time_s("finished_unix_s", m.finished_unix_s());
  check_logprobs(c, m.logprobs(), limits::result_token_ids_max);
  return c.result();
}

status check_fields(const ComputeProof& m) {
  field_checker c("ComputeProof");
  c.nonzero("renter", m.renter());
  c.nonzero("task_id", m.task_id());
  c.nonzero("hold_id", m.hold_id());
  c.text_required("model_id", m.model_id(), limits::model_id_bytes_max);
  c.range("prompt_tokens", m.prompt_tokens(), 0, limits::context_tokens_max);
  c.range("completion_tokens", m.completion_tokens(), 0, limits::max_tokens_max);
  if (c.present("sampling", m.sampling()))
    check_sampling(c, "sampling", *m.sampling());
  c.time_ns("started_unix_ns", m.started_unix_ns());
  c.time_ns("finished_unix_ns", m.finished_unix_ns());
  c.rule(m.finished_unix_ns() >= m.started_unix_ns(), "finished_unix_ns",
         "must not be before started_unix_ns");
  if (c.present("worker", m.worker()))
    check_worker(c, *m.worker());
  c.money("price_per_million_tokens_micros", m.price_per_million_tokens_micros());
  c.enumeration("finish_reason", m.finish_reason());
  return c.result();
}

status check_fields(const TaskCancel& m) {
  field_checker c("TaskCancel");
  c.nonzero("task_id", m.task_id());
  c.text("reason", m.reason(), limits::reason_bytes_max);
  c.range("delivered_chunks", m.delivered_chunks(), 0, limits::max_tokens_max);
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

// ------------------------------------------------------------------------------------------------
// attestation.fbs

status check_fields(const BodyAttestationRequest& m) {
  field_checker c("BodyAttestationRequest");
  c.nonzero("provider", m.provider());
  c.nonzero("task_id", m.task_id());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const BodyAttestation& m) {
  field_checker c("BodyAttestation");
  c.nonzero("renter", m.renter());
  c.nonzero("task_id", m.task_id());
  c.size("text", "bytes", m.text() == nullptr ? 0 : m.text()->size(),
         limits::attestation_text_bytes, limits::attestation_text_bytes);
  if (!c.failed())
    c.rule(is_attestation_text(view(m.text())), "text",
           "must be 64 lowercase hex digits, ':', 64 lowercase hex digits");
  c.blob("text_signature", m.text_signature(), limits::signature_bytes, limits::signature_bytes);
  c.time_s("signed_unix_s", m.signed_unix_s());
  return c.result();
}

// ------------------------------------------------------------------------------------------------
// escrow.fbs

status check_fields(const Deposit& m) {
  field_checker c("Deposit");
  c.nonzero("account", m.account());
  c.amount("amount_micros", m.amount_micros());
  c.nonzero("idempotency_key", m.idempotency_key());
  c.blob("payment_reference", m.payment_reference(), 0, limits::payment_reference_bytes_max);
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Withdraw& m) {
  field_checker c("Withdraw");
  c.nonzero("destination", m.destination());
  c.amount("amount_micros", m.amount_micros());
  c.nonzero("idempotency_key", m.idempotency_key());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Hold& m) {
  field_checker c("Hold");
  c.nonzero("hold_id", m.hold_id());
  c.amount("amount_micros", m.amount_micros());
  c.enumeration("purpose", m.purpose());
  c.nonzero("subject_id", m.subject_id());
  c.time_s("created_unix_s", m.created_unix_s());
  c.time_s("expires_unix_s", m.expires_unix_s());
  c.rule(m.expires_unix_s() > m.created_unix_s(), "expires_unix_s", "must be after created_unix_s");
  return c.result();
}

status check_fields(const Settle& m) {
  field_checker c("Settle");
  c.nonzero("hold_id", m.hold_id());
  c.blob("proof", m.proof(), 1, limits::frame_bytes_max);
  c.time_s("created_unix_s", m.created_unix_s());
  c.money("registered_price_micros", m.registered_price_micros());
  return c.result();
}

status check_fields(const Refund& m) {
  field_checker c("Refund");
  c.nonzero("hold_id", m.hold_id());
  c.enumeration("reason", m.reason());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Stake& m) {
  field_checker c("Stake");
  c.amount("amount_micros", m.amount_micros());
  c.nonzero("idempotency_key", m.idempotency_key());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Unstake& m) {
  field_checker c("Unstake");
  c.amount("amount_micros", m.amount_micros());
  c.nonzero("idempotency_key", m.idempotency_key());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Slash& m) {
  field_checker c("Slash");
  c.nonzero("provider", m.provider());
  c.enumeration("reason", m.reason());
  c.amount("amount_micros", m.amount_micros());
  if (m.reason() != SlashReason::Downtime)
    c.nonzero("task_id", m.task_id());
  c.time_s("offline_since_unix_s", m.offline_since_unix_s());
  const size_t evidence_min = m.reason() == SlashReason::IncorrectResult ? 1 : 0;
  c.blob("evidence", m.evidence(), evidence_min, limits::frame_bytes_max);
  c.nonzero("idempotency_key", m.idempotency_key());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Dispute& m) {
  field_checker c("Dispute");
  c.nonzero("dispute_id", m.dispute_id());
  c.nonzero("task_id", m.task_id());
  c.nonzero("provider", m.provider());
  c.amount("bond_micros", m.bond_micros());
  c.blob("proof", m.proof(), 1, limits::frame_bytes_max);
  c.text("reason", m.reason(), limits::reason_bytes_max);
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const Verdict& m) {
  field_checker c("Verdict");
  c.nonzero("dispute_id", m.dispute_id());
  c.nonzero("task_id", m.task_id());
  c.nonzero("provider", m.provider());
  c.enumeration("outcome", m.outcome());
  c.money("slash_micros", m.slash_micros());
  c.rule(m.slash_micros() == 0 || m.outcome() == VerdictOutcome::ProviderWrong, "slash_micros",
         "must be 0 unless outcome is ProviderWrong");
  c.time_s("decided_unix_s", m.decided_unix_s());
  return c.result();
}

status check_fields(const JournalEntry& m) {
  field_checker c("JournalEntry");
  c.range("sequence", m.sequence(), 1, UINT64_MAX);
  c.nonzero("idempotency_key", m.idempotency_key());
  c.enumeration("operation", m.operation());
  check_postings(c, m.postings());
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

// ------------------------------------------------------------------------------------------------
// rental.fbs

status check_fields(const SessionRequest& m) {
  field_checker c("SessionRequest");
  c.nonzero("session_id", m.session_id());
  c.nonzero("hold_id", m.hold_id());
  c.text("gpu_name", m.gpu_name(), limits::name_bytes_max);
  c.range("vram_bytes_min", m.vram_bytes_min(), 0, limits::vram_bytes_max);
  c.range("gpu_count", m.gpu_count(), 1, limits::gpu_count_max);
  c.text("model", m.model(), limits::model_id_bytes_max);
  c.range("duration_s", m.duration_s(), limits::session_duration_s_min,
          limits::session_duration_s_max);
  c.money("price_cap_per_gpu_hour_micros", m.price_cap_per_gpu_hour_micros());
  c.text("region", m.region(), limits::region_bytes_max);
  c.time_s("created_unix_s", m.created_unix_s());
  return c.result();
}

status check_fields(const SessionGrant& m) {
  field_checker c("SessionGrant");
  c.nonzero("renter", m.renter());
  c.nonzero("provider", m.provider());
  c.nonzero("session_id", m.session_id());
  if (c.present("gpu", m.gpu()))
    check_gpu(c, "gpu", *m.gpu());
  c.money("price_per_gpu_hour_micros", m.price_per_gpu_hour_micros());
  c.time_s("starts_unix_s", m.starts_unix_s());
  c.time_s("expires_unix_s", m.expires_unix_s());
  c.rule(m.expires_unix_s() > m.starts_unix_s(), "expires_unix_s", "must be after starts_unix_s");
  c.text("connection", m.connection(), limits::reason_bytes_max);
  c.text("provisioning", m.provisioning(), limits::reason_bytes_max);
  return c.result();
}

status check_fields(const UsageReport& m) {
  field_checker c("UsageReport");
  c.nonzero("session_id", m.session_id());
  c.time_s("period_start_unix_s", m.period_start_unix_s());
  c.time_s("period_end_unix_s", m.period_end_unix_s());
  c.rule(m.period_end_unix_s() >= m.period_start_unix_s(), "period_end_unix_s",
         "must not be before period_start_unix_s");
  c.text("connection", m.connection(), limits::reason_bytes_max);
  c.text("provisioning", m.provisioning(), limits::reason_bytes_max);
  if (c.failed())
    return c.result();
  const auto period_s = static_cast<uint64_t>(m.period_end_unix_s() - m.period_start_unix_s());
  c.range("gpu_seconds", m.gpu_seconds(), 0, period_s * limits::gpu_count_max);
  return c.result();
}

status check_fields(const SessionEnd& m) {
  field_checker c("SessionEnd");
  c.nonzero("session_id", m.session_id());
  c.enumeration("reason", m.reason());
  c.time_s("ended_unix_s", m.ended_unix_s());
  return c.result();
}

}  // namespace agora::wire
