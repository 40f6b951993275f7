// The renter actor: deposits, the Hold → route → stream → proof flow of each task, proof checks
// and disputes (renter.hpp); rental sessions live in rental.cpp.
#include "actors/renter/renter.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "actors/common/caf_error.hpp"
#include "actors/renter/proof_check.hpp"
#include "actors/renter/rental.hpp"
#include "core/keccak.hpp"
#include "schemas/envelope.hpp"
#include "schemas/proof_hash.hpp"

namespace agora::actors {

namespace {

/// Marks a pending task failed; a task that ended before keeps its outcome.
void fail(renter_task_state& task, const error& why) {
  if (task.outcome.state != task_state::pending)
    return;
  task.outcome.state = task_state::failed;
  task.outcome.reason = why.to_string();
}

renter_task_state* find_task(renter_pointer self, const wire::Id128& task_id) {
  auto found = self->state.by_task_id.find(wire::from_wire(task_id));
  if (found == self->state.by_task_id.end())
    return nullptr;
  return &self->state.tasks[found->second];
}

/// The relay gave the task to another provider (the first did not serve it): the proof must
/// now come from the new one, and its chunks start a new chain.
void on_reassignment(renter_task_state& task, const wire::opened_envelope& opened) {
  if (task.relay.is_zero() || opened.signer() != task.relay)
    return spdlog::warn("renter: dropped a TaskAssignment not signed by the task's relay");
  task.provider = wire::from_wire(*opened.as<wire::TaskAssignment>()->provider());
  task.chain_hash = {};
  task.chunk_count = 0;
  task.stream_error.clear();
}

// ------------------------------------------------------------------------------------------------
// Sealing

wire::frame seal_hold(renter_pointer self, const renter_task_state& task, int64_t micros) {
  const renter_options& o = *self->state.options;
  wire::HoldT m;
  m.renter = wire::to_wire(o.key.address());
  m.hold_id = wire::to_wire(task.hold_id);
  m.amount_micros = micros;
  m.purpose = wire::HoldPurpose::Task;
  m.subject_id = wire::to_wire(task.task_id);
  m.created_unix_s = now_s(self);
  m.expires_unix_s = m.created_unix_s + o.hold_ttl.count();
  return {wire::message_kind::Hold, wire::seal(m, o.key)};
}

bytes seal_request(renter_pointer self, const renter_task_state& task, const renter_task& spec) {
  const renter_options& o = *self->state.options;
  wire::TaskRequestT m;
  m.renter = wire::to_wire(o.key.address());
  m.task_id = wire::to_wire(task.task_id);
  m.task_type = wire::TaskType::Completion;
  m.model = spec.model;
  m.prompt = spec.prompt;
  m.sampling = std::make_unique<wire::SamplingParamsT>();
  m.sampling->max_tokens = spec.max_tokens;
  m.sampling->temperature = spec.temperature;
  m.sampling->seed = spec.seed;
  m.stream = true;
  m.price_cap_per_million_tokens_micros = spec.price_cap_per_million_micros;
  m.hold_id = wire::to_wire(task.hold_id);
  m.created_unix_s = now_s(self);
  m.deadline_unix_s = m.created_unix_s + o.task_deadline.count();
  return wire::seal(m, o.key);
}

wire::frame seal_dispute(renter_pointer self, const renter_task_state& task, const bytes& proof,
                         const std::string& reason) {
  const renter_options& o = *self->state.options;
  wire::DisputeT m;
  m.renter = wire::to_wire(o.key.address());
  m.dispute_id = wire::to_wire(random_id(*o.rng));
  m.task_id = wire::to_wire(task.task_id);
  m.provider = wire::to_wire(task.provider);
  m.bond_micros = o.bond_micros;
  m.proof = proof;
  m.reason = reason.substr(0, wire::limits::reason_bytes_max);
  m.created_unix_s = now_s(self);
  m.request = task.request;
  return {wire::message_kind::Dispute, wire::seal(m, o.key)};
}

// ------------------------------------------------------------------------------------------------
// A task's flow

void route(renter_pointer self, size_t number) {
  const renter_options& o = *self->state.options;
  const renter_task_state& task = self->state.tasks[number];
  const wire::frame request{wire::message_kind::TaskRequest, task.request};
  self->request(o.relay, o.call_timeout, route_atom_v, request, caf::actor_cast<frame_sink>(self))
      .then(
          [self, number](const wire::frame& assignment) {
            renter_task_state& t = self->state.tasks[number];
            auto opened = wire::open(assignment.data);
            if (!opened || opened->kind() != wire::message_kind::TaskAssignment)
              return fail(t, make_error(errc::wrong_kind, "route: no TaskAssignment back"));
            t.provider = wire::from_wire(*opened->as<wire::TaskAssignment>()->provider());
            t.relay = opened->signer();
          },
          [self, number](const caf::error& e) {
            fail(self->state.tasks[number], from_caf_error(e));
          });
}

caf::result<uint64_t> on_submit(renter_pointer self, const renter_task& spec) {
  renter_state& st = self->state;
  if (st.tasks.size() >= st.options->tasks_max)
    return make_caf_error(errc::limit_exceeded, "renter: too many tasks");
  const size_t number = st.tasks.size();
  renter_task_state task;
  task.task_id = random_id(*st.options->rng);
  task.hold_id = random_id(*st.options->rng);
  task.price_cap_micros = spec.price_cap_per_million_micros;
  task.request = seal_request(self, task, spec);
  auto opened = wire::open(task.request);
  if (!opened)  // the renter's own spec breaks a field limit
    return to_caf_error(opened.error());
  task.input_hash = wire::input_hash(opened->payload());
  const wire::frame hold = seal_hold(self, task, spec.hold_micros);
  st.by_task_id.emplace(task.task_id, number);
  st.by_request_hash.emplace(keccak256(task.request), number);
  st.tasks.push_back(std::move(task));
  self->request(st.options->escrow, st.options->call_timeout, hold)
      .then([self, number](const escrow_receipt&) { route(self, number); },
            [self, number](const caf::error& e) {
              fail(self->state.tasks[number], from_caf_error(e));
            });
  AGORA_ASSERT(st.tasks.size() == number + 1);
  return static_cast<uint64_t>(number);
}

void open_dispute(renter_pointer self, renter_task_state& task, const bytes& proof,
                  const std::string& reason) {
  AGORA_ASSERT(task.outcome.state == task_state::pending);
  task.outcome.reason = reason;
  const size_t number = self->state.by_task_id.at(task.task_id);
  self->request(self->state.options->escrow, self->state.options->call_timeout,
                seal_dispute(self, task, proof, reason))
      .then(
          [self, number](const escrow_receipt&) {
            self->state.tasks[number].outcome.state = task_state::disputed;
          },
          [self, number](const caf::error& e) {
            fail(self->state.tasks[number], from_caf_error(e));
          });
}

void on_proof(renter_pointer self, renter_task_state& task, const wire::opened_envelope& proof,
              const bytes& sealed) {
  if (task.outcome.state != task_state::pending)
    return;  // one proof per task
  const renter_options& o = *self->state.options;
  const proof_expectation expected{
      task.provider,   o.key.address(),  task.task_id,
      task.hold_id,    task.input_hash,  wire::output_hash_text(task.outcome.text),
      task.chain_hash, task.chunk_count, task.price_cap_micros};
  if (!task.stream_error.empty())
    return open_dispute(self, task, sealed, "stream broken: " + task.stream_error);
  if (auto checked = check_proof(proof, expected); !checked)
    return open_dispute(self, task, sealed, "proof check failed: " + checked.error().message);
  if (o.rng->uniform(1'000) < o.spot_check_permille) {
    task.outcome.spot_checked = true;
    return open_dispute(self, task, sealed, "spot check");
  }
  task.outcome.state = task_state::accepted;
}

/// Appends a chunk; the first one out of order or with a wrong chain hash breaks the stream.
void on_chunk(renter_task_state& task, const wire::TokenChunk& chunk) {
  if (task.outcome.state != task_state::pending || !task.stream_error.empty())
    return;
  if (chunk.index() != task.chunk_count) {
    task.stream_error = "TokenChunk out of order";
    return;
  }
  const std::string_view text = wire::view(chunk.text());
  std::span<const uint32_t> tokens;
  if (chunk.token_ids() != nullptr)
    tokens = {chunk.token_ids()->data(), chunk.token_ids()->size()};
  task.chain_hash = wire::chain_next(task.chain_hash, chunk.index(), tokens, text);
  if (task.chain_hash != wire::from_wire(*chunk.chain_hash())) {
    task.stream_error = "TokenChunk chain hash differs";
    return;
  }
  ++task.chunk_count;
  task.outcome.text.append(text);
}

/// A completed task's result says nothing the proof does not bind; any other status ends it.
void on_result(renter_pointer self, const wire::TaskResult& result) {
  renter_task_state* task = find_task(self, *result.task_id());
  if (task == nullptr || result.status() == wire::TaskStatus::Completed)
    return;
  const std::string status = wire::EnumNameTaskStatus(result.status());
  fail(*task, make_error(errc::io_error, "task " + status + ": " +
                                             std::string(wire::view(result.error_message()))));
}

void on_error_frame(renter_pointer self, const wire::ErrorFrame& refusal) {
  auto found = self->state.by_request_hash.find(wire::from_wire(*refusal.refused_frame_hash()));
  if (found == self->state.by_request_hash.end())
    return spdlog::warn("renter: an ErrorFrame for no task of ours: {}",
                        wire::view(refusal.message()));
  fail(self->state.tasks[found->second],
       make_error(static_cast<errc>(refusal.code()), std::string(wire::view(refusal.message()))));
}

void on_frame(renter_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return spdlog::warn("renter: dropped a frame: {}", opened.error().to_string());
  switch (opened->kind()) {
  case wire::message_kind::TokenChunk: {
    const wire::TokenChunk& chunk = *opened->as<wire::TokenChunk>();
    if (renter_task_state* task = find_task(self, *chunk.task_id()))
      on_chunk(*task, chunk);
    return;
  }
  case wire::message_kind::ComputeProof:
    if (renter_task_state* task = find_task(self, *opened->as<wire::ComputeProof>()->task_id()))
      on_proof(self, *task, *opened, f.data);
    return;
  case wire::message_kind::TaskAssignment:
    if (renter_task_state* task = find_task(self, *opened->as<wire::TaskAssignment>()->task_id()))
      on_reassignment(*task, *opened);
    return;
  case wire::message_kind::TaskResult: return on_result(self, *opened->as<wire::TaskResult>());
  case wire::message_kind::ErrorFrame: return on_error_frame(self, *opened->as<wire::ErrorFrame>());
  case wire::message_kind::UsageReport:
  case wire::message_kind::SessionEnd: return on_rental_frame(self, *opened);
  default: return spdlog::warn("renter: dropped a frame of kind {}", int(opened->kind()));
  }
}

caf::result<escrow_receipt> on_deposit(renter_pointer self, int64_t micros) {
  const renter_options& o = *self->state.options;
  wire::DepositT m;
  m.depositor = wire::to_wire(o.key.address());
  m.account = m.depositor;
  m.amount_micros = micros;
  m.idempotency_key = wire::to_wire(random_id(*o.rng));
  m.created_unix_s = now_s(self);
  auto rp = self->make_response_promise<escrow_receipt>();
  self->request(o.escrow, o.call_timeout,
                wire::frame{wire::message_kind::Deposit, wire::seal(m, o.key)})
      .then([rp](const escrow_receipt& r) mutable { rp.deliver(r); },
            [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::behavior renter_behavior(renter_pointer self, std::shared_ptr<const renter_options> o) {
  AGORA_ASSERT(o != nullptr && o->rng != nullptr);
  AGORA_ASSERT(o->spot_check_permille <= 1'000);
  self->state.options = std::move(o);
  return {
      [self](deposit_atom, int64_t micros) { return on_deposit(self, micros); },
      [self](submit_atom, const renter_task& spec) { return on_submit(self, spec); },
      [self](outcome_atom, uint64_t number) -> caf::result<task_outcome> {
        if (number >= self->state.tasks.size())
          return make_caf_error(errc::not_found, "renter: no such task");
        return self->state.tasks[number].outcome;
      },
      [self](rent_atom, const renter_rental& spec) { return on_rent(self, spec); },
      [self](end_session_atom, const wire::id128& session) {
        return on_end_session(self, session);
      },
      [self](usage_atom, const wire::id128& session) { return read_usage(self, session); },
      [self](const wire::frame& f) { on_frame(self, f); },
  };
}

}  // namespace

caf::actor spawn_renter(caf::actor_system& sys, renter_options options) {
  return sys.spawn(renter_behavior, std::make_shared<const renter_options>(std::move(options)));
}

}  // namespace agora::actors
