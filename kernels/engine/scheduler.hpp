// Continuous batching over one backend (DESIGN §8, issue 3): requests join and leave the running
// batch between steps; a long prompt is prefilled in chunks so running decodes never wait behind
// it; each step stays within a batch size and a token budget; a cancelled request leaves at the
// next step and its sequence (its KV blocks) is freed; text streams as it becomes final. Each
// request runs through its own request_state, the one generate() uses.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "kernels/backend.hpp"
#include "kernels/engine/generator.hpp"
#include "kernels/engine/request_state.hpp"
#include "kernels/tokenizer/tokenizer.hpp"

namespace agora::kernels {

struct scheduler_limits {
  uint32_t batch_max = 16;           // sequences running at once (≥ 1)
  uint32_t step_tokens_max = 512;    // tokens per step over all entries (≥ batch_max)
  uint32_t prefill_chunk_max = 256;  // prompt tokens one request runs per step (≥ 1)
  uint32_t requests_max = 256;       // requests submitted and not yet done (≥ batch_max)
};

static_assert(scheduler_limits{}.step_tokens_max >= scheduler_limits{}.batch_max);
static_assert(scheduler_limits{}.requests_max >= scheduler_limits{}.batch_max);

/// The limits generate() runs its one request under: the whole prompt in one forward.
scheduler_limits one_request_limits(const model_config& config);

/// Called once per request with its generation or the error that ended it.
using done_sink = std::function<void(result<generated> outcome)>;

struct request_callbacks {
  text_sink on_text;    // each piece of final text, in order (may be "")
  done_sink on_done;    // last call for the request
  token_sink on_token;  // each completion token with its final piece (request_state.hpp)
};

/// Threads: submit() and cancel() may be called from any thread (they only touch the incoming
/// queue, under mutex_); step() and run_until_idle() run on one thread at a time, the engine
/// thread, which is also where every callback runs (never under mutex_, so a callback may
/// submit or cancel). A worker runs `while (step()) {}` on its engine thread whenever work is
/// queued, and submits/cancels from its actor.
///
/// Cancellation: on_done gets errc::stale (the request is no longer wanted), with the number
/// of tokens generated in the message; the text of those tokens has been streamed by then (the
/// held-back text is released first, as at any end). An error rather than a stop_reason, so
/// that nothing switching over stop_reason (the worker's finish reasons) must learn a new case.
///
/// Admission: a request waits (FIFO, no overtaking) while the batch is full or the backend has
/// no memory for its sequence (open_sequence: limit_exceeded); when nothing runs and it still
/// cannot open, it fails with that error. Destroying the scheduler drops the requests it holds
/// without calling their on_done.
///
/// Determinism: a request's tokens depend only on its prompt, options and the logits its own
/// entries get, never on what else runs, the order of arrival or how its prompt was chunked —
/// provided the backend's logits are batch- and chunk-invariant (the CPU backend's are).
class scheduler {
 public:
  /// REQUIRES: limits as documented on scheduler_limits; `model` and `tokens` outlive this.
  scheduler(backend& model, const tokenizer& tokens, scheduler_limits limits);

  /// Queues a request; it joins the batch at a later step. Errors: those of generate() for bad
  /// options or prompts (invalid_argument, limit_exceeded), already_exists (`id` is queued or
  /// running), limit_exceeded (requests_max requests not done).
  status submit(uint64_t id, std::span<const uint32_t> prompt_ids, generate_options options,
                request_callbacks callbacks);
  /// Asks that request `id` end at the next step. Returns false (and does nothing) when no such
  /// request is queued or running.
  bool cancel(uint64_t id);

  /// One step: take new requests and cancellations, admit waiting requests in FIFO order while
  /// batch_max and the backend's memory allow, run one forward_batch (decode rows first, then
  /// prefill chunks within step_tokens_max), then sample, stop and stream for every request
  /// whose prompt is in. Returns whether work remains (queued or running requests).
  bool step();
  /// Steps until no request is queued or running.
  void run_until_idle();

  /// Requests in the running batch / waiting to join it (engine thread only).
  size_t running() const { return running_.size(); }
  size_t waiting() const { return waiting_.size(); }

 private:
  struct request {
    uint64_t id = 0;
    request_state state;
    done_sink on_done;
    uint32_t fed = 0;  // tokens of this request in the current batch
  };
  using request_ptr = std::unique_ptr<request>;

  void take_incoming();
  void apply_cancels(const std::vector<uint64_t>& ids);
  void admit();
  void build_batch();
  void absorb_batch();
  // Frees the request's sequence, forgets its id, then calls on_done.
  void end(request& r, result<generated> outcome);
  bool has_work();

  backend* model_;
  const tokenizer* tokens_;
  scheduler_limits limits_;

  std::mutex mutex_;
  std::deque<request_ptr> incoming_;   // GUARDED_BY(mutex_)
  std::vector<uint64_t> cancels_;      // GUARDED_BY(mutex_)
  std::unordered_set<uint64_t> live_;  // GUARDED_BY(mutex_): ids submitted and not done

  // Engine thread only.
  std::deque<request_ptr> waiting_;    // submitted, in order; they join from the front
  std::vector<request_ptr> running_;   // in admission order
  std::vector<batch_entry> batch_;     // this step's entries
  std::vector<request*> batch_owner_;  // batch_[i] belongs to batch_owner_[i]
  bool stepping_ = false;              // inside step(): callbacks may not step
  std::vector<float> logits_;          // batch_max rows of vocab_size
};

}  // namespace agora::kernels
