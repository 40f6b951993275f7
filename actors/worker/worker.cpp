// The worker actor: bounded queue; a sync lane (one request at a time, chunks streamed on the
// actor clock) and a batch lane (requests started on a batching engine, chunks as they come).

#include "actors/worker/worker.hpp"

#include <algorithm>
#include <string>
#include <vector>

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
/// finish time and the finish message after the last token. The chunks go through the worker
/// itself (sync_chunk), so a cancel stops them between tokens.
void stream_output(worker_pointer self, uint64_t run) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  st.running->output_ready = true;
  const auto me = caf::actor_cast<worker_actor>(self);
  caf::timespan elapsed{0};
  if (st.output) {
    for (const generation_chunk& chunk : st.output->chunks) {
      elapsed += st.options.token_time * static_cast<int64_t>(chunk.token_ids.size());
      send_after(self, me, elapsed, chunk_atom_v, run, chunk);
    }
  }
  send_after(self, me, elapsed, finish_atom_v, run);
}

/// Whether `run` is the sync lane's current run (not one cancelled before its messages came).
bool is_running(const worker_state& st, uint64_t run) {
  return st.running.has_value() && st.running->run == run;
}

/// A sync run's chunk is due: on to the sink, unless the run was cancelled.
void sync_chunk(worker_pointer self, uint64_t run, generation_chunk& chunk) {
  auto& st = self->state;
  if (!is_running(st, run))
    return;
  AGORA_ASSERT(chunk.index == st.running->chunks_sent);
  ++st.running->chunks_sent;
  if (st.running->sink)
    self->send(st.running->sink, chunk_atom_v, std::move(chunk));
}

/// `g` cut after its first `kept` chunks: what a cancelled sync run delivered.
generation truncated(generation g, uint32_t kept) {
  AGORA_ASSERT(kept <= g.chunks.size());
  if (kept == g.chunks.size())
    return g;  // every chunk went out: the generation is whole
  g.chunks.resize(kept);
  g.token_ids.clear();
  g.text.clear();
  for (const generation_chunk& c : g.chunks) {
    g.token_ids.insert(g.token_ids.end(), c.token_ids.begin(), c.token_ids.end());
    g.text += c.text;
  }
  g.completion_tokens = static_cast<uint32_t>(g.token_ids.size());
  g.finish_reason = wire::FinishReason::None;
  return g;
}

/// Ends the sync run at once: with the chunks its sink got, or stale when its output had not
/// come from the engine thread yet (that output is dropped when it comes).
void cut_sync(worker_pointer self, const std::string& why) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  worker_state::job& j = *st.running;
  if (j.output_ready && st.output)
    j.promise.deliver(truncated(std::move(*st.output), j.chunks_sent));
  else
    j.promise.deliver(make_caf_error(errc::stale, why));
  st.running.reset();
}

/// Runs the sync lane's request on the engine thread; the outcome comes back as (ran, run, …).
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

/// Starts the sync lane's request: inline for an engine that answers at once, else on the
/// engine thread.
void start_sync(worker_pointer self) {
  auto& st = self->state;
  AGORA_ASSERT(st.running.has_value());
  AGORA_ASSERT(!st.running->batched);
  const uint64_t run = ++st.runs;
  st.running->run = run;
  if (st.thread != nullptr)
    return run_on_thread(self, run);
  st.output = st.backend->generate(st.running->request);
  stream_output(self, run);
}

// ------------------------------------------------------------------------------------------------
// The batch lane: the sinks and requesters of its jobs are monitored (once per actor).

std::vector<caf::strong_actor_ptr> parties_of(const worker_state::job& j) {
  std::vector<caf::strong_actor_ptr> parties;
  if (j.sink)
    parties.push_back(caf::actor_cast<caf::strong_actor_ptr>(j.sink));
  if (j.requester)
    parties.push_back(j.requester);
  return parties;
}

void watch(worker_pointer self, const worker_state::job& j) {
  AGORA_ASSERT(j.batched);
  for (const caf::strong_actor_ptr& party : parties_of(j)) {
    if (++self->state.watched[caf::actor_cast<caf::actor_addr>(party)] == 1)
      self->monitor(party);
  }
}

void unwatch(worker_pointer self, const worker_state::job& j) {
  AGORA_ASSERT(j.batched);
  auto& watched = self->state.watched;
  for (const caf::strong_actor_ptr& party : parties_of(j)) {
    auto it = watched.find(caf::actor_cast<caf::actor_addr>(party));
    if (it == watched.end())
      continue;  // its down_msg already arrived
    AGORA_ASSERT(it->second >= 1);
    if (--it->second == 0) {
      self->demonitor(it->first);
      watched.erase(it);
    }
  }
}

/// Hands a batched job to the engine under a fresh run number, which is also its engine-level
/// request id: unique whatever ids the clients chose. Chunks and the end come back as messages.
void start_batched(worker_pointer self, worker_state::job j) {
  auto& st = self->state;
  AGORA_ASSERT(j.batched);
  AGORA_ASSERT(st.batch.size() < st.options.batch_max);
  const uint64_t run = ++st.runs;
  j.run = run;
  generation_request request = j.request;
  request.id = run;
  auto worker = caf::actor_cast<worker_actor>(self);
  auto on_chunk = [worker, run](generation_chunk c) {
    caf::anon_send(worker, chunk_atom_v, run, std::move(c));
  };
  auto on_done = [worker, run](result<generation> out) {
    if (out)
      caf::anon_send(worker, ran_atom_v, run, std::move(*out));
    else
      caf::anon_send(worker, ran_atom_v, run, to_caf_error(out.error()));
  };
  if (auto started = st.backend->start(request, on_chunk, on_done); !started) {
    j.promise.deliver(to_caf_error(started.error()));
    unwatch(self, j);
    return;
  }
  st.batch.emplace(run, std::move(j));
}

/// Whether a new request of this lane would start at once (room, and none of its lane waits).
bool lane_free(const worker_state& st, bool batched) {
  const bool busy = batched ? st.batch.size() >= st.options.batch_max : st.running.has_value();
  return !busy && std::none_of(st.waiting.begin(), st.waiting.end(),
                               [&](const worker_state::job& j) { return j.batched == batched; });
}

/// Starts every waiting request whose lane has room, in arrival order within each lane.
void start_next(worker_pointer self) {
  auto& st = self->state;
  for (auto it = st.waiting.begin(); it != st.waiting.end();) {
    if (it->batched && st.batch.size() < st.options.batch_max) {
      worker_state::job j = std::move(*it);
      it = st.waiting.erase(it);
      start_batched(self, std::move(j));
    } else if (!it->batched && !st.running) {
      st.running = std::move(*it);
      it = st.waiting.erase(it);
      start_sync(self);
    } else {
      ++it;
    }
  }
  AGORA_ASSERT(st.batch.size() <= st.options.batch_max);
}

/// A batched run produced a chunk: on to the sink, under the client's request id.
void batch_chunk(worker_pointer self, uint64_t run, generation_chunk& chunk) {
  auto& st = self->state;
  auto it = st.batch.find(run);
  if (it == st.batch.end())
    return;  // cancelled and already answered
  AGORA_ASSERT(chunk.request_id == run);
  chunk.request_id = it->second.request.id;
  if (it->second.sink)
    self->send(it->second.sink, chunk_atom_v, std::move(chunk));
}

/// A batched run ended: reply under the client's request id, then start what waits.
void batch_ended(worker_pointer self, uint64_t run, result<generation> output) {
  auto& st = self->state;
  auto it = st.batch.find(run);
  AGORA_ASSERT(it != st.batch.end());
  worker_state::job j = std::move(it->second);
  st.batch.erase(it);
  unwatch(self, j);
  if (output) {
    AGORA_ASSERT(output->request_id == run);
    output->request_id = j.request.id;
    for (generation_chunk& c : output->chunks)
      c.request_id = j.request.id;
    j.promise.deliver(std::move(*output));
  } else {
    j.promise.deliver(to_caf_error(output.error()));
  }
  start_next(self);
}

/// Cancels the jobs `unwanted` selects: waiting ones are answered with stale at once, batched
/// ones are cancelled in the engine (their end comes back as usual), the sync one is cut
/// (cut_sync) when `sync_too`.
template <class Pred>
void cancel_where(worker_pointer self, Pred unwanted, const std::string& why,
                  bool sync_too = false) {
  auto& st = self->state;
  for (auto it = st.waiting.begin(); it != st.waiting.end();) {
    if (!unwanted(*it)) {
      ++it;
      continue;
    }
    it->promise.deliver(make_caf_error(errc::stale, why));
    if (it->batched)
      unwatch(self, *it);
    it = st.waiting.erase(it);
  }
  for (auto& [run, j] : st.batch) {
    if (unwanted(j))
      st.backend->cancel(run);
  }
  if (sync_too && st.running && unwanted(*st.running)) {
    cut_sync(self, why);
    start_next(self);
  }
}

/// A monitored sink or requester went away: its batched requests are no longer wanted.
void party_down(worker_pointer self, const caf::down_msg& down) {
  self->state.watched.erase(down.source);
  cancel_where(
      self,
      [&](const worker_state::job& j) {
        return j.batched && ((j.sink && down.source == caf::actor_cast<caf::actor_addr>(j.sink)) ||
                             (j.requester && down.source == j.requester));
      },
      "the requester or its chunk sink went away");
}

/// A blocking engine finished the sync run `run`, or a batching engine ended batched run `run`.
void ran(worker_pointer self, uint64_t run, result<generation> output) {
  auto& st = self->state;
  if (st.batch.contains(run))
    return batch_ended(self, run, std::move(output));
  if (!is_running(st, run))
    return;  // a sync run cancelled while on the engine thread
  AGORA_ASSERT(!st.running->output_ready);
  st.output = std::move(output);
  stream_output(self, run);
}

/// The sync run's time is over: reply, then start what waits.
void finish(worker_pointer self, uint64_t run) {
  auto& st = self->state;
  if (!is_running(st, run))
    return;  // cancelled: answered then
  AGORA_ASSERT(st.running->output_ready);
  if (st.output)
    st.running->promise.deliver(std::move(*st.output));
  else
    st.running->promise.deliver(to_caf_error(st.output.error()));
  st.running.reset();
  start_next(self);
}

/// A new request: refused when its lane is full and queue_max already wait, else queued and
/// started as soon as its lane has room.
caf::result<generation> enqueue(worker_pointer self, generation_request& request,
                                chunk_sink& sink) {
  auto& st = self->state;
  const bool batched = st.backend->batches(request);
  if (!lane_free(st, batched) && st.waiting.size() >= st.options.queue_max)
    return make_caf_error(errc::limit_exceeded, "worker queue holds " +
                                                    std::to_string(st.waiting.size()) +
                                                    " requests (queue_max)");
  worker_state::job j{std::move(request), std::move(sink),
                      self->make_response_promise<generation>(), nullptr, batched};
  if (batched) {
    j.requester = self->current_sender();
    watch(self, j);
  }
  auto promise = j.promise;
  st.waiting.push_back(std::move(j));
  start_next(self);
  return promise;
}

}  // namespace

worker_state::~worker_state() {
  for (const auto& [run, j] : batch)
    backend->cancel(run);
}

worker_actor::behavior_type worker(worker_pointer self, std::shared_ptr<engine> backend,
                                   worker_options options) {
  AGORA_ASSERT(backend != nullptr);
  AGORA_ASSERT(options.batch_max >= 1);
  self->state.backend = std::move(backend);
  self->state.options = options;
  if (self->state.backend->blocks())
    self->state.thread = std::make_unique<engine_thread>();
  self->set_down_handler([self](caf::down_msg& down) { party_down(self, down); });
  return {
      [self](generate_atom, generation_request& request, chunk_sink& sink) {
        return enqueue(self, request, sink);
      },
      [self](status_atom) {
        const auto& st = self->state;
        return std::make_tuple(static_cast<uint32_t>(st.waiting.size()),
                               static_cast<uint32_t>((st.running ? 1 : 0) + st.batch.size()));
      },
      [self](cancel_atom, uint64_t id) {
        cancel_where(
            self, [id](const worker_state::job& j) { return j.request.id == id; },
            "request " + std::to_string(id) + " cancelled by its client", true);
      },
      [self](finish_atom, uint64_t run) { finish(self, run); },
      [self](ran_atom, uint64_t run, generation& g) { ran(self, run, std::move(g)); },
      [self](ran_atom, uint64_t run, const caf::error& e) { ran(self, run, from_caf_error(e)); },
      [self](chunk_atom, uint64_t run, generation_chunk& c) {
        if (self->state.batch.contains(run))
          return batch_chunk(self, run, c);
        sync_chunk(self, run, c);
      },
  };
}

worker_actor spawn_worker(caf::actor_system& sys, std::shared_ptr<engine> backend,
                          worker_options options) {
  return sys.spawn(worker, std::move(backend), options);
}

}  // namespace agora::actors
