// What the relay reports to the escrow (docs/PROTOCOL.md §6–§7): Settle per ComputeProof, Refund
// for a task nobody served, FailureToServe Slash per provider that let a task's deadline pass,
// Downtime Slash per offline episode, the SessionEnd of an expired rental. Every request is
// sealed by the relay; its idempotency key is derived from what it reports (derived_id.hpp), so
// a relay that reports twice (after a restart, say) cannot make the escrow act twice. Reports
// the escrow could not take are sent again on the next ticks.

#include <spdlog/spdlog.h>

#include "actors/common/caf_error.hpp"
#include "actors/relay/relay_state.hpp"
#include "schemas/derived_id.hpp"

namespace agora::actors {

namespace {

/// True for an answer that says nothing about the request: the escrow did not get it or did not
/// answer in time (it may be restarting).
bool transient(const caf::error& e) {
  return e == caf::sec::request_timeout || e == caf::sec::request_receiver_down ||
         from_caf_error(e).code == errc::io_error;
}

/// Sends a sealed report to the escrow. A transient failure queues it for the next tick (up to
/// escrow_attempts_max sends); any other failure is logged (the escrow's idempotency makes a
/// later report of the same thing safe). `answered` runs once, after the final answer.
void send_to_escrow(relay_pointer self, escrow_retry call) {
  auto& st = self->state;
  if (st.options->escrow == nullptr) {
    if (call.answered)
      call.answered();
    return;
  }
  ++st.counters.escrow_sent;
  ++call.attempts;
  auto shared = std::make_shared<escrow_retry>(std::move(call));
  self->request(st.options->escrow, st.options->escrow_timeout, shared->request)
      .then(
          [shared](const escrow_receipt& receipt) {
            spdlog::debug("relay: escrow executed {} at sequence {}{}", shared->what,
                          receipt.sequence, receipt.duplicate ? " (duplicate)" : "");
            if (shared->answered)
              shared->answered();
          },
          [self, shared](caf::error& e) {
            auto& st = self->state;
            if (transient(e) && shared->attempts < st.options->escrow_attempts_max) {
              spdlog::warn("relay: escrow did not take {} ({}); retrying", shared->what,
                           from_caf_error(e).to_string());
              st.escrow_retries.push_back(std::move(*shared));
              return;
            }
            ++st.counters.escrow_failed;
            spdlog::error("relay {}: escrow refused {}: {}", st.self_id.to_string(), shared->what,
                          from_caf_error(e).to_string());
            if (shared->answered)
              shared->answered();
          });
}

void send_to_escrow(relay_pointer self, wire::frame request, std::string what,
                    std::function<void()> answered = {}) {
  send_to_escrow(self, escrow_retry{std::move(request), std::move(what), std::move(answered)});
}

int64_t now_unix_s(relay_pointer self) {
  return unix_seconds(relay_now(self));
}

wire::SlashT make_slash(relay_pointer self, const address& provider, wire::SlashReason reason) {
  wire::SlashT m;
  m.reporter = wire::to_wire(self->state.self_id);
  m.provider = wire::to_wire(provider);
  m.reason = reason;
  m.amount_micros = self->state.options->slash_report_micros;
  m.task_id = wire::to_wire(wire::id128{});
  m.created_unix_s = now_unix_s(self);
  return m;
}

}  // namespace

void send_settle(relay_pointer self, const wire::ComputeProof& proof, const bytes& sealed_proof,
                 int64_t registered_price_micros, std::function<void()> answered) {
  wire::SettleT m;
  m.submitter = wire::to_wire(self->state.self_id);
  m.hold_id = *proof.hold_id();
  m.proof = sealed_proof;
  m.created_unix_s = now_unix_s(self);
  m.registered_price_micros = registered_price_micros;
  send_to_escrow(self, relay_seal(self, m),
                 "Settle of hold " + to_hex(wire::from_wire(*proof.hold_id())),
                 std::move(answered));
}

void send_refund(relay_pointer self, const wire::id128& hold_id, wire::RefundReason reason) {
  wire::RefundT m;
  m.requester = wire::to_wire(self->state.self_id);
  m.hold_id = wire::to_wire(hold_id);
  m.reason = reason;
  m.created_unix_s = now_unix_s(self);
  send_to_escrow(self, relay_seal(self, m), "Refund of hold " + to_hex(hold_id));
}

void send_failure_slash(relay_pointer self, const address& provider, const wire::id128& task_id) {
  wire::SlashT m = make_slash(self, provider, wire::SlashReason::FailureToServe);
  m.task_id = wire::to_wire(task_id);
  m.idempotency_key = wire::to_wire(wire::derived_id("agora.slash.unserved", provider, task_id));
  send_to_escrow(self, relay_seal(self, m),
                 "FailureToServe Slash of " + provider.to_string() + " for " + to_hex(task_id));
}

void send_downtime_slash(relay_pointer self, const address& provider, wall_time since) {
  wire::SlashT m = make_slash(self, provider, wire::SlashReason::Downtime);
  m.offline_since_unix_s = unix_seconds(since);
  const int64_t since_ns = unix_nanoseconds(since);
  bytes subject(sizeof since_ns);
  for (size_t i = 0; i < subject.size(); ++i)
    subject[i] = static_cast<uint8_t>(static_cast<uint64_t>(since_ns) >> (8 * i));
  m.idempotency_key = wire::to_wire(wire::derived_id("agora.slash.downtime", provider, subject));
  send_to_escrow(self, relay_seal(self, m),
                 "Downtime Slash of " + provider.to_string() + " offline since " +
                     std::to_string(m.offline_since_unix_s));
}

wire::frame send_session_end(relay_pointer self, const wire::id128& session,
                             const relay_rental& rental, wire::SessionEndReason reason,
                             wall_time ended) {
  wire::SessionEndT m;
  m.sender = wire::to_wire(self->state.self_id);
  m.session_id = wire::to_wire(session);
  m.reason = reason;
  m.ended_unix_s = unix_seconds(ended);
  m.gpu_seconds_total = rental.gpu_seconds;
  m.hold_id = wire::to_wire(rental.hold_id);
  m.grant = rental.grant;
  wire::frame sealed = relay_seal(self, m);
  send_to_escrow(self, sealed, "SessionEnd of rental " + to_hex(session));
  return sealed;
}

void retry_escrow_reports(relay_pointer self) {
  std::vector<escrow_retry> due;
  due.swap(self->state.escrow_retries);
  for (escrow_retry& call : due)
    send_to_escrow(self, std::move(call));
  AGORA_ASSERT(self->state.escrow_retries.size() <= self->state.counters.escrow_sent);
}

}  // namespace agora::actors
