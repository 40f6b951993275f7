// Running assignments on the worker and answering with chunks, results and proofs.

#include "actors/provider/tasks.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "actors/common/caf_error.hpp"
#include "actors/provider/session.hpp"
#include "actors/provider/task_log.hpp"
#include "actors/worker/task_request.hpp"
#include "schemas/limits.hpp"
#include "schemas/proof_hash.hpp"

namespace agora::actors {

namespace {

/// The task an assignment names, with its request opened and checked; fills `request` with
/// the worker request it asks for.
result<running_task> open_task(provider_pointer self, const wire::TaskAssignment& a,
                               byte_view sealed, generation_request* request) {
  auto opened = wire::open(wire::view(a.request()));
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::TaskRequest)
    return make_error(errc::wrong_kind, "TaskAssignment.request is not a TaskRequest");
  const wire::TaskRequest* r = opened->as<wire::TaskRequest>();
  running_task task;
  task.task_id = wire::from_wire(*a.task_id());
  if (wire::from_wire(*r->task_id()) != task.task_id)
    return make_error(errc::invalid_argument, "TaskAssignment.request names another task");
  task.assignment.assign(sealed.begin(), sealed.end());
  const byte_view inner = wire::view(a.request());
  task.request.assign(inner.begin(), inner.end());
  task.input_hash = wire::input_hash(opened->payload());
  task.renter = opened->signer();
  task.hold_id = wire::from_wire(*r->hold_id());
  task.task_type = r->task_type();
  task.model = std::string(wire::view(r->model()));
  AGORA_ASSERT(r->sampling() != nullptr);  // open() checked that the field is present
  task.sampling.reset(r->sampling()->UnPack());
  task.price_per_million_tokens_micros = a.price_per_million_tokens_micros();
  task.attempt = a.attempt();
  task.stream = r->stream();
  task.started = self->state.options->clock.now(self);
  *request = generation_request_of(*r);
  return task;
}

/// OK if this provider serves the task's model and type and its worker has room (queue_max
/// waiting, plus one running, or batch_max for a model the engine batches), so the worker never
/// refuses what the provider accepted (with both lanes in use it still may: that task fails).
status check_servable(provider_pointer self, const running_task& task,
                      const generation_request& request) {
  const auto& st = self->state;
  const worker_options& w = st.options->worker;
  const size_t running_max = st.options->backend->batches(request) ? w.batch_max : 1;
  if (st.running.size() >= w.queue_max + running_max)
    return make_error(errc::limit_exceeded,
                      std::to_string(st.running.size()) + " tasks in flight, the worker is full");
  const auto& models = st.models;
  if (std::none_of(models.begin(), models.end(),
                   [&](const model_info& m) { return m.id == task.model; }))
    return make_error(errc::not_found, "model '" + task.model + "' is not served here");
  return {};
}

/// An embed generation's output as the wire allows it (PROTOCOL.md §8): 1 to
/// embedding_dims_max finite values and no completion tokens; an engine breaking that fails
/// the task rather than the TaskResult's limits.
status check_embedding(const generation& g) {
  if (g.embedding.empty() || g.embedding.size() > wire::limits::embedding_dims_max)
    return make_error(errc::limit_exceeded, "the engine's embedding has " +
                                                std::to_string(g.embedding.size()) + " values");
  if (!std::all_of(g.embedding.begin(), g.embedding.end(),
                   [](float v) { return std::isfinite(v); }))
    return make_error(errc::invalid_argument, "the engine's embedding has non-finite values");
  if (g.completion_tokens != 0 || !g.chunks.empty())
    return make_error(errc::invalid_argument, "the engine generated tokens for an embedding");
  return {};
}

wire::TaskResultT task_result(provider_pointer self, const running_task& task,
                              wire::TaskStatus status) {
  wire::TaskResultT m;
  m.provider = wire::to_wire(self->state.self_id);
  m.task_id = wire::to_wire(task.task_id);
  m.status = status;
  m.output_hash = wire::to_wire(hash256{});
  m.finished_unix_s = unix_seconds(self->state.options->clock.now(self));
  return m;
}

wire::ComputeProofT make_proof(provider_pointer self, const running_task& task, const generation& g,
                               const hash256& output_hash) {
  const auto& st = self->state;
  wire::ComputeProofT m;
  m.provider = wire::to_wire(st.self_id);
  m.renter = wire::to_wire(task.renter);
  m.task_id = wire::to_wire(task.task_id);
  m.hold_id = wire::to_wire(task.hold_id);
  m.model_id = task.model;
  const auto model = std::find_if(st.models.begin(), st.models.end(),
                                  [&](const model_info& x) { return x.id == task.model; });
  AGORA_ASSERT(model != st.models.end());
  m.weights_hash = wire::to_wire(model->weights_hash);
  m.input_hash = wire::to_wire(task.input_hash);
  m.output_hash = wire::to_wire(output_hash);
  m.chain_hash = wire::to_wire(task.chain_hash);
  m.chunk_count = task.chunks;
  m.prompt_tokens = g.prompt_tokens;
  m.completion_tokens = g.completion_tokens;
  m.sampling = std::make_unique<wire::SamplingParamsT>(*task.sampling);
  m.started_unix_ns = unix_nanoseconds(task.started);
  m.finished_unix_ns = unix_nanoseconds(st.options->clock.now(self));
  m.worker = std::make_unique<wire::WorkerIdentityT>();
  const engine_identity& served_by = model->served_by;
  m.worker->backend = served_by.backend;
  m.worker->device = served_by.device;
  m.worker->device_index = served_by.device_index;
  m.worker->engine_version = served_by.engine_version;
  m.worker->deterministic = served_by.deterministic;
  m.price_per_million_tokens_micros = task.price_per_million_tokens_micros;
  m.finish_reason = g.finish_reason;
  return m;
}

void send_frame(provider_pointer self, wire::message_kind kind, const bytes& sealed) {
  self->send(self->state.options->relay, wire::frame{kind, sealed});
}

/// Logs how the task ended, then sends its result (and proof): nothing is sent that the log
/// does not hold.
void finish_task(provider_pointer self, const running_task& task, wire::TaskState state,
                 const bytes& result, const bytes& proof) {
  auto& st = self->state;
  const int64_t now_s = unix_seconds(st.options->clock.now(self));
  if (auto s = write_task_finished(*st.options->log, task, st.self_id, state, result, proof, now_s);
      !s) {
    spdlog::error("provider {} cannot log task {}: {}", st.self_id.to_string(),
                  to_hex(task.task_id), s.error().to_string());
    return;
  }
  send_frame(self, wire::message_kind::TaskResult, result);
  if (!proof.empty())
    send_frame(self, wire::message_kind::ComputeProof, proof);
}

/// Ends a task its renter cancelled (PROTOCOL.md "Cancelling"): the result and proof cover the
/// first min(chunks sent, delivered_chunks) chunks, whatever the worker made of the cancel (it
/// may have finished first), and the prompt tokens when the worker reported them.
void finish_cancelled(provider_pointer self, running_task& task, const result<generation>& out) {
  const auto& st = self->state;
  AGORA_ASSERT(task.cancel_delivered.has_value());
  AGORA_ASSERT(task.marks.size() == task.chunks);
  const uint32_t billed = std::min(task.chunks, *task.cancel_delivered);
  generation g;
  g.prompt_tokens = out ? out->prompt_tokens : 0;
  g.finish_reason = wire::FinishReason::None;
  task.chain_hash = {};
  if (billed > 0) {
    const chunk_mark& last = task.marks[billed - 1];
    g.completion_tokens = last.tokens;
    g.text = task.text.substr(0, last.text_bytes);
    task.chain_hash = last.chain_hash;
  }
  task.chunks = billed;
  const hash256 output_hash = output_hash_of(request_kind::generate, g);
  auto m = task_result(self, task, wire::TaskStatus::Cancelled);
  m.prompt_tokens = g.prompt_tokens;
  m.completion_tokens = g.completion_tokens;
  m.output_hash = wire::to_wire(output_hash);
  const bytes proof = wire::seal(make_proof(self, task, g, output_hash), st.options->key);
  finish_task(self, task, wire::TaskState::Completed, wire::seal(m, st.options->key), proof);
}

/// The worker answered (or failed) request `id`.
void on_generation(provider_pointer self, uint64_t id, result<generation> out) {
  auto& st = self->state;
  auto it = st.running.find(id);
  AGORA_ASSERT(it != st.running.end());
  running_task task = std::move(it->second);
  st.running.erase(it);
  if (task.cancel_delivered)
    return finish_cancelled(self, task, out);
  const bool embed = task.task_type == wire::TaskType::Embedding;
  if (out && embed)
    if (auto checked = check_embedding(*out); !checked)
      out = checked.error();
  if (!out) {
    auto m = task_result(self, task, wire::TaskStatus::Failed);
    m.finish_reason = wire::FinishReason::Error;
    m.error_message = out.error().to_string();
    return finish_task(self, task, wire::TaskState::Failed, wire::seal(m, st.options->key), {});
  }
  auto m = task_result(self, task, wire::TaskStatus::Completed);
  m.finish_reason = out->finish_reason;
  m.prompt_tokens = out->prompt_tokens;
  m.completion_tokens = out->completion_tokens;
  const hash256 output_hash =
      output_hash_of(embed ? request_kind::embed : request_kind::generate, *out);
  m.output_hash = wire::to_wire(output_hash);
  if (embed) {
    m.embedding = out->embedding;  // never streamed: chain_hash zero, chunk_count 0
    AGORA_ASSERT(task.chunks == 0);
  } else if (!task.stream) {
    m.text = out->text;
    m.token_ids = out->token_ids;
    std::vector<token_logprobs> logprobs;
    for (const generation_chunk& c : out->chunks)
      logprobs.insert(logprobs.end(), c.logprobs.begin(), c.logprobs.end());
    m.logprobs = wire_logprobs(logprobs);
  }
  const bytes proof = wire::seal(make_proof(self, task, *out, output_hash), st.options->key);
  finish_task(self, task, wire::TaskState::Completed, wire::seal(m, st.options->key), proof);
}

/// Answers a task with a Rejected TaskResult; nothing is logged (it never ran).
void reject(provider_pointer self, const running_task& task, const agora::error& why) {
  auto m = task_result(self, task, wire::TaskStatus::Rejected);
  m.error_message = why.to_string();
  send_frame(self, wire::message_kind::TaskResult, wire::seal(m, self->state.options->key));
}

/// Logs the task as Assigned and hands it to the worker.
void run(provider_pointer self, running_task task, generation_request request) {
  auto& st = self->state;
  const int64_t now_s = unix_seconds(st.options->clock.now(self));
  if (auto s = write_task_accepted(*st.options->log, task, st.self_id, now_s); !s)
    return reject(self, task, s.error());
  const uint64_t id = ++st.requests;
  request.id = id;
  const bool streams = task.stream && task.task_type != wire::TaskType::Embedding;
  const chunk_sink sink = streams ? caf::actor_cast<chunk_sink>(self) : chunk_sink{};
  const bool batched = st.options->backend->batches(request);  // only those can be cancelled
  st.running.emplace(id, std::move(task));
  self->request(st.worker, worker_timeout, generate_atom_v, std::move(request), sink)
      .then([self, id](generation& g) { on_generation(self, id, std::move(g)); },
            [self, id, batched](caf::error& e) {
              if (batched && e == caf::sec::request_timeout)  // given up: stop it in the engine
                self->send(self->state.worker, cancel_atom_v, id);
              on_generation(self, id, from_caf_error(e));
            });
}

/// Sends the logged result and proof of a task that already ended.
void resend_logged(provider_pointer self, const task_log_entry& entry) {
  AGORA_ASSERT(!entry.result.empty());
  send_frame(self, wire::message_kind::TaskResult, entry.result);
  if (!entry.proof.empty())
    send_frame(self, wire::message_kind::ComputeProof, entry.proof);
}

}  // namespace

void on_assignment(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed) {
  auto& st = self->state;
  if (opened.signer() != st.options->relay_id)
    return refuse(self, make_error(errc::bad_signature, "TaskAssignment not signed by our relay"),
                  sealed);
  const wire::TaskAssignment* a = opened.as<wire::TaskAssignment>();
  if (wire::from_wire(*a->provider()) != st.self_id)
    return refuse(self, make_error(errc::invalid_argument, "assigned to another provider"), sealed);
  generation_request request;
  auto task = open_task(self, *a, sealed, &request);
  if (!task)
    return refuse(self, task.error(), sealed);
  auto logged = read_task_log(*st.options->log, task->task_id);
  if (!logged)
    return reject(self, *task, logged.error());
  if (logged->has_value() && !(*logged)->result.empty())
    return resend_logged(self, **logged);
  if (std::any_of(st.running.begin(), st.running.end(),
                  [&](const auto& entry) { return entry.second.task_id == task->task_id; }))
    return;  // a repeated assignment of a running task: its result answers both
  if (st.phase != provider_phase::registered)
    return reject(self, *task, make_error(errc::unsupported, "provider takes no new tasks"));
  if (auto servable = check_servable(self, *task, request); !servable)
    return reject(self, *task, servable.error());
  run(self, std::move(*task), std::move(request));
}

void on_cancel(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed) {
  auto& st = self->state;
  const wire::TaskCancel& cancel = *opened.as<wire::TaskCancel>();
  const wire::id128 task_id = wire::from_wire(*cancel.task_id());
  auto it = std::find_if(st.running.begin(), st.running.end(),
                         [&](const auto& entry) { return entry.second.task_id == task_id; });
  if (it == st.running.end())
    return spdlog::info("provider: TaskCancel of task {}, which is not running", to_hex(task_id));
  running_task& task = it->second;
  if (opened.signer() != task.renter)
    return refuse(self, make_error(errc::bad_signature, "TaskCancel not signed by the renter"),
                  sealed);
  if (task.cancel_delivered)
    return;  // cancelled before: the worker is stopping it
  task.cancel_delivered = cancel.delivered_chunks();
  spdlog::info("provider: task {} cancelled by its renter after {} of {} chunk(s)", to_hex(task_id),
               cancel.delivered_chunks(), task.chunks);
  self->send(st.worker, cancel_atom_v, it->first);
}

void on_chunk(provider_pointer self, const generation_chunk& chunk) {
  auto& st = self->state;
  auto it = st.running.find(chunk.request_id);
  if (it == st.running.end())
    return;  // the task already ended (its worker request timed out)
  running_task& task = it->second;
  if (task.cancel_delivered)
    return;  // the renter is gone: nothing more is sent, nor billed
  AGORA_ASSERT(chunk.index == task.chunks);
  task.chain_hash = wire::chain_next(task.chain_hash, chunk.index, chunk.token_ids, chunk.text);
  ++task.chunks;
  task.text += chunk.text;
  const uint32_t tokens_before = task.marks.empty() ? 0 : task.marks.back().tokens;
  task.marks.push_back({task.chain_hash,
                        tokens_before + static_cast<uint32_t>(chunk.token_ids.size()),
                        task.text.size()});
  wire::TokenChunkT m;
  m.provider = wire::to_wire(st.self_id);
  m.task_id = wire::to_wire(task.task_id);
  m.index = chunk.index;
  m.token_ids = chunk.token_ids;
  m.text = chunk.text;
  m.chain_hash = wire::to_wire(task.chain_hash);
  m.logprobs = wire_logprobs(chunk.logprobs);
  send_sealed(self, m);
}

}  // namespace agora::actors
