// One inference: Hold, route, stream, proof (task_actor.hpp).
#include "net/gateway/task_actor.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/renter/proof_check.hpp"
#include "actors/worker/task_request.hpp"
#include "core/amount.hpp"
#include "net/gateway/proofs/attestation.hpp"
#include "net/gateway/utf8.hpp"
#include "schemas/proof_hash.hpp"

namespace agora::net::gateway {

namespace {

/// The request's deadline passed (the task actor's own timer).
using deadline_atom = caf::atom_constant<caf::atom("gw_dead")>;

/// What the renter had passed on to its client when it cancelled: what the proof must bind.
struct cancel_point {
  hash256 chain_hash{};
  uint32_t chunk_count = 0;
  size_t text_bytes = 0;
};

struct task_state {
  task_plan plan;
  address provider;  // from the TaskAssignment; zero before
  address relay;     // who signed it; a reassignment must come from it
  hash256 chain_hash{};
  uint32_t chunk_count = 0;
  std::string text;                              // received so far
  std::optional<std::vector<float>> embedding;   // an Embedding's, from its TaskResult
  size_t forwarded = 0;                          // bytes of text the listener heard
  std::vector<actors::token_logprobs> logprobs;  // received so far, one per token
  size_t logprobs_forwarded = 0;                 // entries the listener heard
  bool ended = false;                            // the listener heard the outcome
  bool cancel_asked = false;                     // the client went away
  std::optional<cancel_point> cancelled;         // set when the TaskCancel went out

  ~task_state() {
    if (!ended && plan.listener != nullptr)
      plan.listener->on_failure(
          {failure_kind::internal, make_error(errc::io_error, "the gateway stopped the task")});
  }

  static inline const char* name = "agora.gateway.task";
};

using task_pointer = caf::stateful_actor<task_state>*;

void fail(task_pointer self, failure_kind kind, agora::error why) {
  task_state& st = self->state;
  if (st.ended)
    return;
  spdlog::info("gateway: task {} failed: {}", to_hex(st.plan.task_id), why.to_string());
  st.ended = true;
  st.plan.listener->on_failure({kind, std::move(why)});
  self->quit();
}

/// Whether more text may follow what was received.
enum class text_state : uint8_t { streaming, complete };

/// Passes on the received text up to its last whole character (all of it once complete).
void forward(task_pointer self, text_state received) {
  task_state& st = self->state;
  if (!st.plan.forward_text)
    return;
  const std::string_view pending = std::string_view(st.text).substr(st.forwarded);
  const size_t n =
      received == text_state::complete ? pending.size() : utf8_complete_prefix(pending);
  if (n == 0)
    return;
  if (st.logprobs_forwarded < st.logprobs.size()) {
    st.plan.listener->on_logprobs(std::vector<actors::token_logprobs>(
        st.logprobs.begin() + static_cast<ptrdiff_t>(st.logprobs_forwarded), st.logprobs.end()));
    st.logprobs_forwarded = st.logprobs.size();
  }
  st.plan.listener->on_text(std::string(pending.substr(0, n)));
  st.forwarded += n;
  AGORA_ASSERT(st.forwarded <= st.text.size());
}

void on_chunk(task_pointer self, const wire::opened_envelope& opened) {
  task_state& st = self->state;
  const wire::TokenChunk& chunk = *opened.as<wire::TokenChunk>();
  if (opened.signer() != st.provider)
    return spdlog::warn("gateway: dropped a TokenChunk from {}", opened.signer().to_string());
  if (!st.plan.streams)
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "a TokenChunk for a task that does not stream"));
  if (chunk.index() != st.chunk_count)
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "TokenChunk out of order"));
  const std::string_view text = wire::view(chunk.text());
  std::span<const uint32_t> tokens;
  if (chunk.token_ids() != nullptr)
    tokens = {chunk.token_ids()->data(), chunk.token_ids()->size()};
  st.chain_hash = wire::chain_next(st.chain_hash, chunk.index(), tokens, text);
  if (st.chain_hash != wire::from_wire(*chunk.chain_hash()))
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "TokenChunk chain hash differs"));
  std::vector<actors::token_logprobs> logprobs = actors::logprobs_of(chunk.logprobs());
  if (!logprobs.empty() && logprobs.size() != tokens.size())
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "TokenChunk logprobs do not match its tokens"));
  ++st.chunk_count;
  st.text.append(text);
  st.logprobs.insert(st.logprobs.end(), std::make_move_iterator(logprobs.begin()),
                     std::make_move_iterator(logprobs.end()));
  forward(self, text_state::streaming);
}

/// Whether `proof` covers only what was delivered before the TaskCancel (the provider stopped
/// there: its signed finish reason is None) rather than everything received (it finished first).
bool proves_cancel_point(const task_state& st, const wire::ComputeProof& proof) {
  return st.cancelled && proof.finish_reason() == wire::FinishReason::None;
}

/// The text the proof binds: all received, or the part delivered before the TaskCancel.
std::string_view proven_text(const task_state& st, const wire::ComputeProof& proof) {
  const std::string_view all = st.text;
  return proves_cancel_point(st, proof) ? all.substr(0, st.cancelled->text_bytes) : all;
}

/// The output hash the proof must bind: of the text, or of the embedding's values.
/// Errors: an Embedding whose TaskResult has not come, or whose proof claims generated tokens.
result<hash256> expected_output_hash(const task_state& st, const wire::ComputeProof& proof) {
  if (st.plan.type != wire::TaskType::Embedding)
    return wire::output_hash_text(proven_text(st, proof));
  if (!st.embedding)
    return make_error(errc::invalid_argument, "ComputeProof before the embedding's TaskResult");
  if (proof.completion_tokens() != 0)
    return make_error(errc::invalid_argument, "an embedding's proof claims completion tokens");
  return wire::output_hash_embedding(*st.embedding);
}

void on_proof(task_pointer self, const wire::opened_envelope& opened, const bytes& sealed) {
  task_state& st = self->state;
  const gateway_actor_options& o = *st.plan.options;
  const wire::ComputeProof& proof = *opened.as<wire::ComputeProof>();
  auto output_hash = expected_output_hash(st, proof);
  const bool at_cancel = proves_cancel_point(st, proof);
  const actors::proof_expectation expected{st.provider,
                                           st.plan.renter,
                                           st.plan.task_id,
                                           st.plan.hold_id,
                                           st.plan.input_hash,
                                           output_hash ? *output_hash : hash256{},
                                           at_cancel ? st.cancelled->chain_hash : st.chain_hash,
                                           at_cancel ? st.cancelled->chunk_count : st.chunk_count,
                                           o.price_cap_per_million_micros};
  status checked = output_hash ? actors::check_proof(opened, expected) : output_hash.error();
  if (!checked) {
    ++o.counters->proofs_rejected;
    return fail(self, failure_kind::bad_proof, checked.error());
  }
  inference_final final{std::string(proven_text(st, proof)),
                        st.embedding.value_or(std::vector<float>{}),
                        proof.finish_reason(),
                        proof.prompt_tokens(),
                        proof.completion_tokens(),
                        0};
  final.cost_micros = cost_of_proof(proof);
  final.logprobs = st.logprobs;
  o.proofs->put(st.plan.task_id, stored_proof{sealed, final.cost_micros});
  final.attest_bodies = body_attestor(
      self->home_system(), {st.plan.options, st.plan.task_id, st.provider, st.plan.renter_key});
  ++o.counters->proofs_verified;
  ++o.counters->settlements;
  o.counters->settled_micros += static_cast<uint64_t>(final.cost_micros);
  o.counters->prompt_tokens += final.prompt_tokens;
  o.counters->completion_tokens += final.completion_tokens;
  forward(self, text_state::complete);
  st.ended = true;
  st.plan.listener->on_final(final);
  self->quit();
}

/// The relay gave the task to another provider: its proof and chunks start over, which a
/// stream that already passed text on cannot follow.
void on_reassignment(task_pointer self, const wire::opened_envelope& opened) {
  task_state& st = self->state;
  if (st.relay.is_zero() || opened.signer() != st.relay)
    return spdlog::warn("gateway: dropped a TaskAssignment not signed by the task's relay");
  if (st.forwarded > 0)
    return fail(self, failure_kind::provider_failed,
                make_error(errc::io_error, "the task moved to another provider mid-stream"));
  st.provider = wire::from_wire(*opened.as<wire::TaskAssignment>()->provider());
  st.chain_hash = {};
  st.chunk_count = 0;
  st.text.clear();
  st.logprobs.clear();
  st.embedding.reset();
}

/// A completed Embedding's TaskResult carries its values (open() checked there are at most
/// embedding_dims_max, all finite); the proof that follows must bind them.
void on_embedding(task_pointer self, const wire::opened_envelope& opened) {
  task_state& st = self->state;
  const wire::TaskResult& result = *opened.as<wire::TaskResult>();
  if (opened.signer() != st.provider)
    return spdlog::warn("gateway: dropped a TaskResult from {}", opened.signer().to_string());
  if (result.embedding() == nullptr || result.embedding()->size() == 0)
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "the embedding's TaskResult has no values"));
  st.embedding.emplace(result.embedding()->begin(), result.embedding()->end());
  AGORA_ASSERT(st.chunk_count == 0);
}

/// A completed generation that did not stream: its TaskResult carries the text, which the
/// proof that follows must bind (chain hash zero, no chunks).
void on_whole_text(task_pointer self, const wire::opened_envelope& opened) {
  task_state& st = self->state;
  const wire::TaskResult& result = *opened.as<wire::TaskResult>();
  if (opened.signer() != st.provider)
    return spdlog::warn("gateway: dropped a TaskResult from {}", opened.signer().to_string());
  const size_t tokens = result.token_ids() == nullptr ? 0 : result.token_ids()->size();
  std::vector<actors::token_logprobs> logprobs = actors::logprobs_of(result.logprobs());
  if (!logprobs.empty() && logprobs.size() != tokens)
    return fail(self, failure_kind::provider_failed,
                make_error(errc::invalid_argument, "TaskResult logprobs do not match its tokens"));
  AGORA_ASSERT(st.chunk_count == 0);
  st.text = std::string(wire::view(result.text()));
  st.logprobs = std::move(logprobs);
}

void on_result(task_pointer self, const wire::opened_envelope& opened) {
  const wire::TaskResult& result = *opened.as<wire::TaskResult>();
  const bool embedding = self->state.plan.type == wire::TaskType::Embedding;
  if (result.status() == wire::TaskStatus::Completed && embedding)
    return on_embedding(self, opened);
  if (result.status() == wire::TaskStatus::Completed && !self->state.plan.streams)
    return on_whole_text(self, opened);
  if (result.status() == wire::TaskStatus::Completed)
    return;  // the proof binds everything the result says
  if (result.status() == wire::TaskStatus::Cancelled && self->state.cancelled)
    return;  // as asked: the proof of what was delivered follows
  const std::string status = wire::EnumNameTaskStatus(result.status());
  fail(self, failure_kind::provider_failed,
       make_error(errc::io_error,
                  "task " + status + ": " + std::string(wire::view(result.error_message()))));
}

void on_frame(task_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return spdlog::warn("gateway: dropped a frame: {}", opened.error().to_string());
  switch (opened->kind()) {
  case wire::message_kind::TokenChunk: return on_chunk(self, *opened);
  case wire::message_kind::TaskResult: return on_result(self, *opened);
  case wire::message_kind::ComputeProof: return on_proof(self, *opened, f.data);
  case wire::message_kind::TaskAssignment: return on_reassignment(self, *opened);
  case wire::message_kind::ErrorFrame: {
    const wire::ErrorFrame& refusal = *opened->as<wire::ErrorFrame>();
    if (refusal.refused_kind() == wire::message_kind::TaskCancel)  // the task ended first
      return spdlog::info("gateway: the relay refused a TaskCancel: {}",
                          wire::view(refusal.message()));
    return fail(
        self, failure_kind::relay_refused,
        make_error(static_cast<errc>(refusal.code()), std::string(wire::view(refusal.message()))));
  }
  default: return spdlog::warn("gateway: dropped a frame of kind {}", int(opened->kind()));
  }
}

/// Tells the provider, through the relay, that the client went away and how many chunks it
/// had been given; from then on nothing more is passed on.
void send_cancel(task_pointer self) {
  task_state& st = self->state;
  AGORA_ASSERT(!st.provider.is_zero());
  if (st.cancelled || st.ended)
    return;
  const uint32_t delivered = st.plan.forward_text ? st.chunk_count : 0;
  st.cancelled = cancel_point{delivered > 0 ? st.chain_hash : hash256{}, delivered,
                              delivered > 0 ? st.text.size() : 0};
  st.plan.forward_text = false;
  wire::TaskCancelT m;
  m.renter = wire::to_wire(st.plan.renter);
  m.task_id = wire::to_wire(st.plan.task_id);
  m.reason = "the client went away";
  m.delivered_chunks = delivered;
  m.created_unix_s = unix_seconds(st.plan.options->clock.now(self));
  AGORA_ASSERT(st.plan.renter_key->address() == st.plan.renter);
  spdlog::info("gateway: task {} cancelled after {} chunk(s)", to_hex(st.plan.task_id), delivered);
  self->send(st.plan.options->relay,
             wire::frame{wire::message_kind::TaskCancel, wire::seal(m, *st.plan.renter_key)});
}

void on_cancel(task_pointer self) {
  task_state& st = self->state;
  st.cancel_asked = true;
  if (!st.provider.is_zero())
    send_cancel(self);  // else once the relay assigned the task
}

void on_assignment(task_pointer self, const wire::frame& assignment) {
  task_state& st = self->state;
  auto opened = wire::open(assignment.data);
  if (!opened || opened->kind() != wire::message_kind::TaskAssignment)
    return fail(self, failure_kind::relay_refused,
                make_error(errc::wrong_kind, "route: no TaskAssignment back"));
  st.provider = wire::from_wire(*opened->as<wire::TaskAssignment>()->provider());
  st.relay = opened->signer();
  const int64_t now_s = unix_seconds(st.plan.options->clock.now(self));
  st.plan.listener->on_head({st.plan.task_id, st.provider.to_string(), now_s});
  if (st.cancel_asked)
    send_cancel(self);
}

void route(task_pointer self) {
  const gateway_actor_options& o = *self->state.plan.options;
  const wire::frame request{wire::message_kind::TaskRequest, self->state.plan.request};
  self->request(o.relay, o.call_timeout, actors::route_atom_v, request,
                caf::actor_cast<actors::frame_sink>(self))
      .then([self](const wire::frame& assignment) { on_assignment(self, assignment); },
            [self](const caf::error& e) {
              fail(self, failure_kind::relay_refused, actors::from_caf_error(e));
            });
}

void hold(task_pointer self) {
  const gateway_actor_options& o = *self->state.plan.options;
  self->request(o.escrow, o.call_timeout, self->state.plan.hold)
      .then([self](const actors::escrow_receipt&) { route(self); },
            [self](const caf::error& e) {
              fail(self, failure_kind::escrow_refused, actors::from_caf_error(e));
            });
}

/// x402: the escrow records the payment once; a duplicate receipt is a replayed nonce.
void deposit(task_pointer self) {
  const gateway_actor_options& o = *self->state.plan.options;
  self->request(o.escrow, o.call_timeout, self->state.plan.deposit)
      .then(
          [self](const actors::escrow_receipt& receipt) {
            if (receipt.duplicate)
              return fail(self, failure_kind::payment_refused,
                          make_error(errc::already_exists,
                                     "x402: this authorization's nonce was used before"));
            hold(self);
          },
          [self](const caf::error& e) {
            fail(self, failure_kind::escrow_refused, actors::from_caf_error(e));
          });
}

caf::behavior task_behavior(task_pointer self, task_plan plan) {
  AGORA_ASSERT(plan.listener != nullptr);
  AGORA_ASSERT(plan.options != nullptr);
  AGORA_ASSERT(!plan.renter.is_zero());
  AGORA_ASSERT(plan.renter_key != nullptr);
  self->state.plan = std::move(plan);
  if (self->state.plan.cancel != nullptr)
    self->state.plan.cancel->attach(caf::actor_cast<caf::actor>(self));
  const gateway_actor_options& o = *self->state.plan.options;
  self->delayed_send(self, o.task_deadline, deadline_atom::value);
  if (self->state.plan.deposit.kind == wire::message_kind::Deposit)
    deposit(self);
  else
    hold(self);
  return {
      [self](const wire::frame& f) { on_frame(self, f); },
      [self](cancel_task_atom) { on_cancel(self); },
      [self](deadline_atom) {
        const auto seconds = self->state.plan.options->task_deadline.count();
        fail(self, failure_kind::timed_out,
             make_error(errc::stale, "no result within " + std::to_string(seconds) + " s"));
      },
  };
}

}  // namespace

caf::actor spawn_task(caf::actor_system& sys, task_plan plan) {
  return sys.spawn(task_behavior, std::move(plan));
}

}  // namespace agora::net::gateway
