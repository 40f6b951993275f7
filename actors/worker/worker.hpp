// The worker actor (DESIGN §6): owns one engine, queues generation requests in a bounded queue,
// streams each chunk to the requester's sink and replies with the whole generation. Requests on
// the synchronous path (engine::generate) run one at a time; their execution takes virtual time
// (token_time per token, through the actor clock) so the simulation sees realistic latencies; the
// default 0 answers at once. An engine that blocks (engine::blocks) runs them on the worker's own
// engine_thread instead, and the output comes back as a message. Requests an engine batches
// (engine::batches: a model folder) run together, batch_max at most, through engine::start: their
// chunks come back as messages while tokens are produced and go on to the sink at once.
//
//   sync lane:  idle ──generate──▶ running ──all chunks sent, finish──▶ next waiting, or idle
//                                      └──cancel: answered with the chunks sent──┘
//   batch lane: up to batch_max started on the engine; each ends with its own (ran) message
//   a request whose lane is full waits (queue_max waiting at most over both lanes, else refused)
#pragma once

#include <caf/all.hpp>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "actors/common/atoms.hpp"
#include "actors/worker/engine.hpp"
#include "actors/worker/engine_thread.hpp"

namespace agora::actors {

using generate_atom = caf::atom_constant<caf::atom("generate")>;
inline constexpr generate_atom generate_atom_v{};
using chunk_atom = caf::atom_constant<caf::atom("chunk")>;
inline constexpr chunk_atom chunk_atom_v{};
using finish_atom = caf::atom_constant<caf::atom("finish")>;
inline constexpr finish_atom finish_atom_v{};
using ran_atom = caf::atom_constant<caf::atom("ran")>;
inline constexpr ran_atom ran_atom_v{};
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
inline constexpr cancel_atom cancel_atom_v{};

/// Receives the chunks of a streamed generation, in index order.
using chunk_sink = caf::typed_actor<caf::reacts_to<chunk_atom, generation_chunk>>;

/// The worker's interface:
///  - (generate, request, sink) → generation. Streams every chunk to sink (none when sink is
///    invalid) before the reply. Errors (agora category, caf_error.hpp): limit_exceeded when
///    the request's lane is full and queue_max requests already wait; the engine's errors
///    (not_found, invalid_argument, …); stale for a batched request cancelled before its end.
///  - (status) → (waiting, running): requests queued, and those running (both lanes).
///  - (cancel, request id): the client no longer wants its requests of that id. One still
///    waiting is answered with stale at once; a batched one is cancelled in the engine (it ends
///    with stale, or with its generation if it finished first); the synchronous one stops
///    between chunks: it is answered at once with the generation cut after the chunks its sink
///    got (finish None; whole if every chunk went out), or stale if a blocking engine had not
///    returned its output yet. The worker does the same by itself when a batched request's sink
///    or requester goes down (not for the sync lane, whose timing the simulation relies on).
///  - (finish, run) is internal: the running request's execution time is over.
///  - (ran, run, generation or error) is internal: a blocking engine finished the synchronous
///    run on the engine_thread, or a batching engine ended batched run `run`.
///  - (chunk, run, chunk) is internal: a batching engine produced a chunk of run `run`, or the
///    sync run `run`'s chunk is due (its token time passed).
using worker_actor = caf::typed_actor<
    caf::replies_to<generate_atom, generation_request, chunk_sink>::with<generation>,
    caf::replies_to<status_atom>::with<uint32_t, uint32_t>, caf::reacts_to<cancel_atom, uint64_t>,
    caf::reacts_to<finish_atom, uint64_t>, caf::reacts_to<ran_atom, uint64_t, generation>,
    caf::reacts_to<ran_atom, uint64_t, caf::error>,
    caf::reacts_to<chunk_atom, uint64_t, generation_chunk>>;

struct worker_options {
  uint32_t queue_max = 16;      // requests waiting for a lane, over both lanes
  uint32_t batch_max = 1;       // batched requests (engine::batches) running at once; ≥ 1
  caf::timespan token_time{0};  // virtual execution time per generated token (sync lane)
};

struct worker_state {
  struct job {
    generation_request request;
    chunk_sink sink;
    caf::typed_response_promise<generation> promise;
    caf::strong_actor_ptr requester;  // who asked (null for an anonymous request)
    bool batched = false;             // engine::batches(request): the batch lane
    uint64_t run = 0;                 // set when started; the engine-level id of a batched job
    uint32_t chunks_sent = 0;         // sync lane: chunks passed on to the sink
    bool output_ready = false;        // sync lane: the engine's output is in `output`
  };

  /// Cancels the batched runs still in the engine: nobody waits for them any more.
  ~worker_state();

  std::shared_ptr<engine> backend;
  std::unique_ptr<engine_thread> thread;  // only for an engine that blocks
  worker_options options;
  std::deque<job> waiting;
  std::optional<job> running;                   // the sync lane
  std::map<uint64_t, job> batch;                // the batch lane, by run
  std::map<caf::actor_addr, uint32_t> watched;  // monitored sinks and requesters of batched jobs
  result<generation> output = make_error(errc::not_found, "nothing ran yet");
  uint64_t runs = 0;  // requests started; tags the messages about each run
  static inline const char* name = "agora.worker";
};

using worker_pointer = worker_actor::stateful_pointer<worker_state>;

/// The worker's behavior; spawn it with spawn_worker or, linked to an owner,
/// self->spawn<caf::linked>(worker, backend, options). REQUIRES: backend not null.
worker_actor::behavior_type worker(worker_pointer self, std::shared_ptr<engine> backend,
                                   worker_options options);

worker_actor spawn_worker(caf::actor_system& sys, std::shared_ptr<engine> backend,
                          worker_options options = {});

}  // namespace agora::actors
