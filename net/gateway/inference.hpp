// The bridge between the gateway's HTTP handlers and its actors (DESIGN §6 "gateway"): what a
// handler asks for (inference_spec, sent from an I/O thread with anon_send) and how the actors
// answer it (an inference_listener, called from CAF threads; it must not block and posts to
// the connection's strand). A listener hears on_head once the relay assigned the task, on_text
// for each whole-character piece of output, then exactly one of on_final and on_failure. An
// inference_cancel lets the handler stop the task when its client goes away.
#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/relay/relay_actor.hpp"
#include "actors/worker/engine.hpp"
#include "core/error.hpp"
#include "net/gateway/x402/payment.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway {

/// One chat message, as the TaskRequest carries it.
struct chat_turn {
  wire::ChatRole role = wire::ChatRole::User;
  std::string content;
};

/// One inference request: a Completion (prompt), a Chat (messages) or an Embedding (prompt or
/// prompt_token_ids, max_tokens 0; it never streams) task.
struct inference_spec {
  wire::TaskType type = wire::TaskType::Completion;
  std::string model;
  std::string prompt;                      // Completion, Embedding
  std::vector<chat_turn> messages;         // Chat
  std::vector<uint32_t> prompt_token_ids;  // Embedding, instead of prompt
  uint32_t max_tokens = 16;                // ≥ 1; 0 for an Embedding
  float temperature = 1.0f;
  float top_p = 1.0f;
  uint64_t seed = 0;
  std::vector<std::string> stop;
  bool stream = false;        // send TokenChunks while generating
  bool logprobs = false;      // report each token's log-probability
  uint32_t top_logprobs = 0;  // and this many most likely candidates (≤ 20)
};

/// An upper bound on the prompt tokens of `spec` for any byte-level or byte-fallback tokenizer:
/// one token per byte of input, plus the chat template's roles and separators, or the number of
/// prompt_token_ids (what a Hold must cover before the provider counts the real number).
uint64_t prompt_tokens_bound(const inference_spec& spec);

/// The worst case of `spec` at `price_per_million_micros`: every prompt token the bound allows
/// plus max_tokens, at least one micro-unit (what a Hold, and an x402 payment, must cover).
/// Errors: the product overflows.
result<int64_t> worst_case_micros(int64_t price_per_million_micros, const inference_spec& spec);

/// Asks the provider to sign a response's bodies by their SHA-256 (request, response).
using attest_bodies_fn =
    std::function<void(const hash256& request_sha256, const hash256& response_sha256)>;

/// What the gateway knows once the relay assigned the task.
struct inference_head {
  wire::id128 task_id{};
  std::string provider;  // EIP-55 address text
  int64_t created_unix_s = 0;
};

/// A verified result: the figures of its ComputeProof.
struct inference_final {
  std::string text;
  std::vector<float> embedding;  // an Embedding's values (their hash is the proof's output hash)
  wire::FinishReason finish_reason = wire::FinishReason::Stop;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
  int64_t cost_micros = 0;  // what the escrow charges the gateway's account for it
  std::vector<actors::token_logprobs> logprobs;  // one per completion token, when asked
  /// Call once the HTTP response body is complete, with the SHA-256 of the request and response
  /// bodies: the provider is asked to sign them (GET /signature/{id}, proofs/attestation.hpp).
  /// Embeddings leave it uncalled: one HTTP body spans several tasks.
  attest_bodies_fn attest_bodies;
};

/// Where a request failed; the HTTP status follows from it (openai/errors.hpp).
enum class failure_kind : uint8_t {
  escrow_refused,      // the Hold was refused (the gateway's account, the escrow)
  relay_refused,       // route refused, or the relay gave up (not_found, limit_exceeded, …)
  provider_failed,     // the provider reported a failure or broke the stream
  bad_proof,           // the ComputeProof failed the renter's checks
  timed_out,           // nothing conclusive before the request's deadline
  internal,            // the gateway itself (too many requests, an actor gone)
  payment_refused,     // x402: the payment expired or its nonce was used before (402)
  insufficient_quota,  // accounts: the caller's account cannot cover the Hold (402)
};

struct inference_failure {
  failure_kind kind = failure_kind::internal;
  agora::error why;
};

class inference_listener {
 public:
  virtual ~inference_listener() = default;
  virtual void on_head(const inference_head& head) = 0;
  virtual void on_text(std::string text) = 0;
  /// The log-probabilities of the tokens whose text the next on_text starts passing on (only
  /// when the spec asks for them).
  virtual void on_logprobs(std::vector<actors::token_logprobs> entries) { (void)entries; }
  virtual void on_final(const inference_final& final) = 0;
  virtual void on_failure(const inference_failure& failure) = 0;
};

/// Stops an inference whose HTTP client went away (any thread): the task actor, once it
/// attached, hears cancel_atom; a cancel before that is kept and delivered on attach.
class inference_cancel {
 public:
  void cancel();
  /// The task actor of the inference. REQUIRES: called once, task valid.
  void attach(const caf::actor& task);

 private:
  std::mutex mutex_;
  caf::actor task_;         // GUARDED_BY(mutex_)
  bool cancelled_ = false;  // GUARDED_BY(mutex_)
};

/// (infer_atom, inference_call) to the gateway actor.
struct inference_call {
  inference_spec spec;
  std::shared_ptr<inference_listener> listener;  // not null
  /// x402: a payment the handler parsed and verified (signature, recipient, value); the actor
  /// checks its validity window, has the escrow record it and pays from the payer's account.
  /// Null: the gateway's house account pays.
  std::shared_ptr<const x402::payment> payment;
  /// x402: an earlier call of the same HTTP request (an embeddings request's first input) had
  /// the escrow record the payment's Deposit; this one pays from the payer's account without it.
  bool payment_deposited = false;
  /// Accounts (accounts/auth.hpp): the API account that pays, instead of the house or x402.
  std::optional<wire::id128> account;
  /// Set by the handler when the client may go away mid-answer; null: never cancelled.
  std::shared_ptr<inference_cancel> cancel;
};

/// (status_atom, relay_status_call) to the gateway actor: the relay's status, or why not.
struct relay_status_call {
  std::function<void(const result<actors::relay_status>&)> done;  // called once, any thread
};

/// (balance_atom, balance_call) to the gateway actor: the house account's available balance in
/// the escrow, or why not.
struct balance_call {
  std::function<void(const result<int64_t>&)> done;  // called once, any thread
};

using infer_atom = caf::atom_constant<caf::atom("gw_infer")>;
inline constexpr infer_atom infer_atom_v{};
/// To a task actor: its client went away.
using cancel_task_atom = caf::atom_constant<caf::atom("gw_cancel")>;
inline constexpr cancel_task_atom cancel_task_atom_v{};

}  // namespace agora::net::gateway

// Local-only messages: they carry callbacks, so they never cross caf::io.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::inference_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::relay_status_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::balance_call)
