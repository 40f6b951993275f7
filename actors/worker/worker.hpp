// The worker actor (DESIGN §6): owns one engine, queues generation requests in a bounded queue,
// runs them one at a time, streams each chunk to the requester's sink and replies with the
// whole generation. Execution takes virtual time (token_time per token, through the actor clock)
// so the simulation sees realistic latencies; the default 0 answers at once. An engine that
// blocks (a GPU, the CPU engine, a remote server: engine::blocks) runs on the worker's own
// engine_thread instead, and its output comes back to the worker as a message.
//
//   idle ──generate──▶ running ──all chunks sent, finish──▶ next waiting request, or idle
//                         │ generate while running: waits (queue_max at most, else refused)
#pragma once

#include <caf/all.hpp>
#include <deque>
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

/// Receives the chunks of a streamed generation, in index order.
using chunk_sink = caf::typed_actor<caf::reacts_to<chunk_atom, generation_chunk>>;

/// The worker's interface:
///  - (generate, request, sink) → generation. Streams every chunk to sink (none when sink is
///    invalid) before the reply. Errors (agora category, caf_error.hpp): limit_exceeded when
///    queue_max requests already wait; the engine's errors (not_found, invalid_argument, …).
///  - (status) → (waiting, running): requests queued, and 1 while one runs.
///  - (finish, run) is internal: the running request's execution time is over.
///  - (ran, run, generation or error) is internal: a blocking engine (engine::blocks) finished
///    the running request on the worker's engine_thread.
using worker_actor = caf::typed_actor<
    caf::replies_to<generate_atom, generation_request, chunk_sink>::with<generation>,
    caf::replies_to<status_atom>::with<uint32_t, uint32_t>, caf::reacts_to<finish_atom, uint64_t>,
    caf::reacts_to<ran_atom, uint64_t, generation>, caf::reacts_to<ran_atom, uint64_t, caf::error>>;

struct worker_options {
  uint32_t queue_max = 16;      // requests waiting behind the running one
  caf::timespan token_time{0};  // virtual execution time per generated token
};

struct worker_state {
  struct job {
    generation_request request;
    chunk_sink sink;
    caf::typed_response_promise<generation> promise;
  };

  std::shared_ptr<engine> backend;
  std::unique_ptr<engine_thread> thread;  // only for an engine that blocks
  worker_options options;
  std::deque<job> waiting;
  std::optional<job> running;
  result<generation> output = make_error(errc::not_found, "nothing ran yet");
  uint64_t runs = 0;  // requests started; tags the finish message of the running one
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
