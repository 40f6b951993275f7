// The worker actor: bounded queue, one request at a time, chunks streamed on the actor clock.

#include "actors/worker/worker.hpp"

#include <string>

#include "actors/common/caf_error.hpp"

namespace agora::actors {

namespace {

/// Sends `message` to `target` after `delay`; at once when delay is 0, so a worker without
/// execution time needs no clock movement.
template <class Handle, class... Ts>
void send_after(worker_pointer self, const Handle& target, caf::timespan delay, Ts&&... message) {
  if (delay == caf::timespan{0})
    self->send(target, std::forward<Ts>(message)...);
  else
    self->delayed_send(target, delay, std::forward<Ts>(message)...);
}

/// The running request's output is in st.output: schedules each chunk at its token's virtual
/// finish time and the finish message after the last token.
void stream_output(worker_pointer self, uint64_t run) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  caf::timespan elapsed{0};
  if (st.output) {
    for (const generation_chunk& chunk : st.output->chunks) {
      elapsed += st.options.token_time * static_cast<int64_t>(chunk.token_ids.size());
      if (st.running->sink)
        send_after(self, st.running->sink, elapsed, chunk_atom_v, chunk);
    }
  }
  send_after(self, caf::actor_cast<worker_actor>(self), elapsed, finish_atom_v, run);
}

/// Runs the request on the engine thread; the outcome comes back as (ran, run, …).
void run_on_thread(worker_pointer self, uint64_t run) {
  auto& st = self->state;
  AGORA_ASSERT(st.thread != nullptr);
  st.thread->post([backend = st.backend, request = st.running->request, run,
                   worker = caf::actor_cast<worker_actor>(self)] {
    auto out = backend->generate(request);
    if (out)
      caf::anon_send(worker, ran_atom_v, run, std::move(*out));
    else
      caf::anon_send(worker, ran_atom_v, run, to_caf_error(out.error()));
  });
}

/// Starts the next waiting request, if any and none runs: inline for an engine that answers at
/// once, else on the engine thread.
void start_next(worker_pointer self) {
  auto& st = self->state;
  if (st.running || st.waiting.empty())
    return;
  st.running = std::move(st.waiting.front());
  st.waiting.pop_front();
  const uint64_t run = ++st.runs;
  if (st.thread != nullptr)
    return run_on_thread(self, run);
  st.output = st.backend->generate(st.running->request);
  stream_output(self, run);
}

/// A blocking engine finished run `run`.
void ran(worker_pointer self, uint64_t run, result<generation> output) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  AGORA_ASSERT(run == st.runs);
  st.output = std::move(output);
  stream_output(self, run);
}

/// The running request's time is over: reply, then start the next one.
void finish(worker_pointer self, uint64_t run) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  AGORA_ASSERT(run == st.runs);
  if (st.output)
    st.running->promise.deliver(std::move(*st.output));
  else
    st.running->promise.deliver(to_caf_error(st.output.error()));
  st.running.reset();
  start_next(self);
}

}  // namespace

worker_actor::behavior_type worker(worker_pointer self, std::shared_ptr<engine> backend,
                                   worker_options options) {
  AGORA_ASSERT(backend != nullptr);
  self->state.backend = std::move(backend);
  self->state.options = options;
  if (self->state.backend->blocks())
    self->state.thread = std::make_unique<engine_thread>();
  return {
      [self](generate_atom, generation_request& request,
             chunk_sink& sink) -> caf::result<generation> {
        auto& st = self->state;
        if (st.running && st.waiting.size() >= st.options.queue_max)
          return make_caf_error(errc::limit_exceeded, "worker queue holds " +
                                                          std::to_string(st.waiting.size()) +
                                                          " requests (queue_max)");
        auto promise = self->make_response_promise<generation>();
        st.waiting.push_back({std::move(request), std::move(sink), promise});
        start_next(self);
        return promise;
      },
      [self](status_atom) {
        const auto& st = self->state;
        return std::make_tuple(static_cast<uint32_t>(st.waiting.size()),
                               static_cast<uint32_t>(st.running ? 1 : 0));
      },
      [self](finish_atom, uint64_t run) { finish(self, run); },
      [self](ran_atom, uint64_t run, generation& g) { ran(self, run, std::move(g)); },
      [self](ran_atom, uint64_t run, const caf::error& e) { ran(self, run, from_caf_error(e)); },
  };
}

worker_actor spawn_worker(caf::actor_system& sys, std::shared_ptr<engine> backend,
                          worker_options options) {
  return sys.spawn(worker, std::move(backend), options);
}

}  // namespace agora::actors
