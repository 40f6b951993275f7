// The relay's tasks (docs/PROTOCOL.md §5): routing a renter's TaskRequest, forwarding what the
// provider streams back, settling each ComputeProof, and the deadlines: one reassignment, then a
// Refund, FailureToServe Slashes and an ErrorFrame to the renter (relay_actor.hpp's diagram).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "actors/common/caf_error.hpp"
#include "actors/relay/relay_state.hpp"

namespace agora::actors {

namespace {

/// The task a sealed TaskRequest asks for, checked against the relay's limits; sets `task_id`.
result<relay_task> open_request(relay_pointer self, const wire::frame& f, wire::id128* task_id) {
  auto& st = self->state;
  auto opened = wire::open(f.data);
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::TaskRequest)
    return make_error(errc::wrong_kind,
                      "route takes a TaskRequest, not a " + wire::kind_name(opened->kind()));
  const wire::TaskRequest* r = opened->as<wire::TaskRequest>();
  *task_id = wire::from_wire(*r->task_id());
  if (st.tasks.contains(*task_id))
    return make_error(errc::replayed, "task " + to_hex(*task_id) + " is routed already");
  if (st.tasks.size() >= st.options->tasks_max)
    return make_error(errc::limit_exceeded,
                      std::to_string(st.tasks.size()) + " tasks in flight on this relay");
  relay_task task;
  task.request_deadline = from_unix_seconds(r->deadline_unix_s());
  if (task.request_deadline <= relay_now(self))
    return make_error(errc::stale, "the task's deadline has passed");
  task.request = f.data;
  task.renter = opened->signer();
  task.hold_id = wire::from_wire(*r->hold_id());
  task.model = std::string(wire::view(r->model()));
  task.region = std::string(wire::view(r->region()));
  task.price_cap = amount::from_micros(r->price_cap_per_million_tokens_micros());
  const wire::id128 session = wire::from_wire(*r->rental_session_id());
  if (session != wire::id128{})
    task.rental_session = session;
  return task;
}

relay::task_requirements requirements_of(const relay_task& task) {
  relay::task_requirements r;
  r.model = task.model;
  r.price_cap_per_million_tokens = task.price_cap;
  r.region = task.region;
  r.rental_session = task.rental_session;
  r.excluded = task.failed;
  return r;
}

/// Matches a provider for `task` (counted in its in-flight tasks) and sends it a TaskAssignment
/// for the task's current attempt; returns the sealed assignment.
result<wire::frame> assign(relay_pointer self, const wire::id128& task_id, relay_task& task) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  auto match = st.matcher->route(requirements_of(task), now);
  if (!match)
    return match.error();
  const auto handle = st.providers.find(match->provider);
  AGORA_ASSERT(handle != st.providers.end());  // every registered provider came through Register
  task.provider = match->provider;
  task.assigned = now;
  task.deadline = std::min(task.request_deadline, now + st.options->assignment_timeout);
  wire::TaskAssignmentT m;
  m.relay = wire::to_wire(st.self_id);
  m.provider = wire::to_wire(task.provider);
  m.task_id = wire::to_wire(task_id);
  m.request = task.request;
  m.price_per_million_tokens_micros = match->price_per_million_tokens.micros();
  m.assigned_unix_s = unix_seconds(now);
  m.deadline_unix_s = unix_seconds(task.deadline);
  m.attempt = task.attempt;
  wire::frame sealed = relay_seal(self, m);
  self->send(handle->second, sealed);
  if (task.attempt > 0 && task.sink != nullptr)  // a reassignment: the renter must know who
    self->send(task.sink, sealed);               // will prove the result now
  spdlog::debug("relay {}: task {} attempt {} → provider {}", st.self_id.to_string(),
                to_hex(task_id), task.attempt, task.provider.to_string());
  return sealed;
}

/// Counts the current attempt as finished with `status` in the provider's record.
void finish_attempt(relay_pointer self, const relay_task& task, wire::TaskStatus status) {
  const auto latency =
      std::chrono::duration_cast<std::chrono::microseconds>(relay_now(self) - task.assigned);
  if (auto s = self->state.registry->task_finished(task.provider, {status, latency}); !s)
    spdlog::debug("relay: no record for {}: {}", task.provider.to_string(), s.error().to_string());
}

using task_iterator = std::map<wire::id128, relay_task>::iterator;

/// Nobody served the task: Refund its hold, tell the renter, forget the task. (Each provider
/// that stayed silent was slashed when its deadline passed.)
void fail_task(relay_pointer self, task_iterator it) {
  auto& st = self->state;
  const relay_task& task = it->second;
  spdlog::warn("relay {}: task {} was not served after {} attempt(s)", st.self_id.to_string(),
               to_hex(it->first), task.attempt + 1);
  send_refund(self, task.hold_id, wire::RefundReason::ProviderFailed);
  const auto why = make_error(errc::limit_exceeded, "No providers available: task " +
                                                        to_hex(it->first) + " was not served");
  self->send(task.sink,
             wire::frame{wire::message_kind::ErrorFrame,
                         wire::seal_error_frame(why, task.request, unix_seconds(relay_now(self)),
                                                st.options->key)});
  st.tasks.erase(it);
}

/// The current attempt failed: give the task to another provider once, else fail it.
void retry_or_fail(relay_pointer self, task_iterator it) {
  relay_task& task = it->second;
  task.failed.push_back(task.provider);
  if (task.attempt == 0 && relay_now(self) < task.request_deadline) {
    task.attempt = 1;
    auto assignment = assign(self, it->first, task);
    if (assignment) {
      ++self->state.counters.reassigned;
      return;
    }
    spdlog::info("relay: task {} cannot be reassigned: {}", to_hex(it->first),
                 assignment.error().to_string());
  }
  fail_task(self, it);
}

void on_result(relay_pointer self, task_iterator it, const wire::TaskResult& r,
               const wire::frame& f) {
  relay_task& task = it->second;
  if (task.proving) {  // a second TaskResult of the same attempt (a duplicate or a replay)
    spdlog::info("relay: dropped a second TaskResult of task {}", to_hex(it->first));
    return;
  }
  finish_attempt(self, task, r.status());
  switch (r.status()) {
  case wire::TaskStatus::Completed:
  case wire::TaskStatus::Cancelled:  // the renter's TaskCancel: the proof bills what it got
    task.proving = true;             // the proof follows; it gets one more assignment_timeout
    task.deadline = relay_now(self) + self->state.options->assignment_timeout;
    self->send(task.sink, f);
    return;
  default: return retry_or_fail(self, it);
  }
}

/// Settles the proof of a tracked task with the escrow at the provider's registered price and
/// forwards it to the task's sink once the escrow answered: a renter that disputes the proof at
/// once must find the hold settled. The proof of an untracked task (routed by this relay's
/// previous run, or given up on) has nobody to reach: its result never got to the renter, so
/// its hold is refunded, never charged (a Refund of a hold settled before changes nothing).
void on_proof(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f,
              task_iterator it) {
  auto& st = self->state;
  const relay::provider_record* record = st.registry->find(opened.signer());
  if (record == nullptr)
    return refuse(self, caf::actor_cast<frame_sink>(self->current_sender()),
                  make_error(errc::not_found, "the proof's provider is not registered here"),
                  f.data);
  const wire::ComputeProof& proof = *opened.as<wire::ComputeProof>();
  if (it == st.tasks.end()) {
    spdlog::info("relay: the proof of untracked task {} cannot reach its renter: refunding",
                 to_hex(wire::from_wire(*proof.task_id())));
    return send_refund(self, wire::from_wire(*proof.hold_id()), wire::RefundReason::Cancelled);
  }
  if (!it->second.proving)  // the proof overtook the result: the attempt is done all the same
    finish_attempt(self, it->second, wire::TaskStatus::Completed);
  const frame_sink sink = it->second.sink;
  st.tasks.erase(it);
  AGORA_ASSERT(!st.tasks.contains(wire::from_wire(*proof.task_id())));
  auto forward = [self, sink, f] {
    if (sink != nullptr)
      self->send(sink, f);
  };
  send_settle(self, proof, f.data, record->price_per_million_tokens.micros(), std::move(forward));
}

wire::id128 task_id_of(const wire::opened_envelope& opened) {
  switch (opened.kind()) {
  case wire::message_kind::TokenChunk:
    return wire::from_wire(*opened.as<wire::TokenChunk>()->task_id());
  case wire::message_kind::TaskResult:
    return wire::from_wire(*opened.as<wire::TaskResult>()->task_id());
  case wire::message_kind::ComputeProof:
    return wire::from_wire(*opened.as<wire::ComputeProof>()->task_id());
  default: AGORA_ASSERT(false);
  }
  return {};
}

}  // namespace

caf::result<wire::frame> route(relay_pointer self, const wire::frame& request, frame_sink sink) {
  wire::id128 task_id{};
  auto task = open_request(self, request, &task_id);
  if (!task)
    return to_caf_error(task.error());
  task->sink = std::move(sink);
  auto assignment = assign(self, task_id, *task);
  if (!assignment)
    return to_caf_error(assignment.error());
  self->state.tasks.emplace(task_id, std::move(*task));
  AGORA_ASSERT(self->state.tasks.size() <= self->state.options->tasks_max);
  return std::move(*assignment);
}

void on_task_frame(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f) {
  auto& st = self->state;
  const wire::id128 task_id = task_id_of(opened);
  auto it = st.tasks.find(task_id);
  if (it != st.tasks.end() && it->second.provider != opened.signer()) {
    spdlog::info("relay: dropped a {} of task {} from {}, no longer its provider",
                 wire::kind_name(opened.kind()), to_hex(task_id), opened.signer().to_string());
    return;
  }
  if (opened.kind() == wire::message_kind::ComputeProof)
    return on_proof(self, opened, f, it);
  if (it == st.tasks.end()) {  // a task of an earlier relay, or one given up on
    spdlog::info("relay: dropped a {} of untracked task {}", wire::kind_name(opened.kind()),
                 to_hex(task_id));
    return;
  }
  if (opened.kind() == wire::message_kind::TaskResult)
    return on_result(self, it, *opened.as<wire::TaskResult>(), f);
  self->send(it->second.sink, f);
}

void on_task_cancel(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f) {
  auto& st = self->state;
  const auto sender = caf::actor_cast<frame_sink>(self->current_sender());
  const wire::TaskCancel& cancel = *opened.as<wire::TaskCancel>();
  const wire::id128 task_id = wire::from_wire(*cancel.task_id());
  auto it = st.tasks.find(task_id);
  if (it == st.tasks.end())
    return refuse(self, sender, make_error(errc::not_found, "no task " + to_hex(task_id)), f.data);
  const relay_task& task = it->second;
  if (opened.signer() != task.renter)
    return refuse(self, sender,
                  make_error(errc::bad_signature, "only the task's renter may cancel it"), f.data);
  if (task.proving)
    return;  // the provider finished first: its proof is on the way
  const auto handle = st.providers.find(task.provider);
  if (handle == st.providers.end())
    return;  // the provider went away: the deadline reassigns or fails the task
  spdlog::info("relay: task {} cancelled by its renter after {} chunk(s)", to_hex(task_id),
               cancel.delivered_chunks());
  self->send(handle->second, f);
}

void check_deadlines(relay_pointer self) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  std::vector<wire::id128> due;
  for (const auto& [task_id, task] : st.tasks)
    if (task.deadline <= now)
      due.push_back(task_id);
  for (const wire::id128& task_id : due) {
    auto it = st.tasks.find(task_id);
    AGORA_ASSERT(it != st.tasks.end());  // handling one due task never ends another
    relay_task& task = it->second;
    if (task.proving) {  // the renter has no proof to check: it pays nothing
      spdlog::warn("relay: task {} completed but its proof never came", to_hex(task_id));
      send_refund(self, task.hold_id, wire::RefundReason::ProviderFailed);
      st.tasks.erase(it);
      continue;
    }
    finish_attempt(self, task, wire::TaskStatus::DeadlineExceeded);
    // It accepted a paid task and let the deadline pass in silence: failure to serve, whether
    // or not another provider takes the task over.
    send_failure_slash(self, task.provider, task_id);
    retry_or_fail(self, it);
  }
}

}  // namespace agora::actors
