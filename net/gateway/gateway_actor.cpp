// The gateway actor: seals each inference's Hold and TaskRequest and spawns its task actor
// (gateway_actor.hpp).
#include "net/gateway/gateway_actor.hpp"

#include <set>

#include "actors/common/caf_error.hpp"
#include "actors/escrow/accounts.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "core/amount.hpp"
#include "net/gateway/accounts/account_actions.hpp"
#include "net/gateway/accounts/account_key.hpp"
#include "net/gateway/accounts/auth.hpp"
#include "net/gateway/rentals/rental_actor.hpp"
#include "net/gateway/task_actor.hpp"
#include "schemas/envelope.hpp"
#include "schemas/proof_hash.hpp"

namespace agora::net::gateway {

namespace {

struct gateway_state {
  std::shared_ptr<const gateway_actor_options> options;
  std::set<caf::actor_addr> tasks;  // in flight
  caf::actor rentals;               // the linked rental actor (rentals/rental_actor.hpp)

  static inline const char* name = "agora.gateway";
};

using gateway_pointer = caf::stateful_actor<gateway_state>*;

wire::id128 random_id(random_source& rng) {
  wire::id128 id{};
  rng.fill(id);
  return id;
}

int64_t now_s(gateway_pointer self) {
  return unix_seconds(self->state.options->clock.now(self));
}

wire::frame seal_hold(gateway_pointer self, const task_plan& plan, const private_key& renter,
                      int64_t micros) {
  const gateway_actor_options& o = *self->state.options;
  wire::HoldT m;
  m.renter = wire::to_wire(renter.address());
  m.hold_id = wire::to_wire(plan.hold_id);
  m.amount_micros = micros;
  m.purpose = wire::HoldPurpose::Task;
  m.subject_id = wire::to_wire(plan.task_id);
  m.created_unix_s = now_s(self);
  m.expires_unix_s = m.created_unix_s + o.hold_ttl.count();
  return {wire::message_kind::Hold, wire::seal(m, renter)};
}

std::unique_ptr<wire::SamplingParamsT> sampling_of(const inference_spec& spec) {
  auto s = std::make_unique<wire::SamplingParamsT>();
  s->max_tokens = spec.max_tokens;
  s->temperature = spec.temperature;
  s->top_p = spec.top_p;
  s->seed = spec.seed;
  s->stop = spec.stop;
  s->logprobs = static_cast<uint8_t>(spec.top_logprobs);
  s->with_logprobs = spec.logprobs;
  return s;
}

/// A generation's TaskRequest streams on the wire only when the HTTP client streams: a whole
/// answer comes in the TaskResult, which saves a signed TokenChunk per token. The text is the
/// same either way (the chunks concatenate to the result's text, whose hash the proof binds).
bytes seal_request(gateway_pointer self, const task_plan& plan, const private_key& renter,
                   const inference_spec& spec) {
  const gateway_actor_options& o = *self->state.options;
  wire::TaskRequestT m;
  m.renter = wire::to_wire(renter.address());
  m.task_id = wire::to_wire(plan.task_id);
  m.task_type = spec.type;
  m.model = spec.model;
  if (spec.type == wire::TaskType::Chat)
    for (const chat_turn& turn : spec.messages) {
      auto message = std::make_unique<wire::ChatMessageT>();
      message->role = turn.role;
      message->content = turn.content;
      m.messages.push_back(std::move(message));
    }
  else if (!spec.prompt_token_ids.empty())
    m.prompt_token_ids = spec.prompt_token_ids;
  else
    m.prompt = spec.prompt;
  m.sampling = sampling_of(spec);
  m.stream = spec.stream && spec.type != wire::TaskType::Embedding;
  m.price_cap_per_million_tokens_micros = o.price_cap_per_million_micros;
  m.hold_id = wire::to_wire(plan.hold_id);
  m.created_unix_s = now_s(self);
  m.deadline_unix_s = m.created_unix_s + o.task_deadline.count();
  m.rental_session_id = wire::to_wire(wire::id128{});
  return wire::seal(m, renter);
}

// ------------------------------------------------------------------------------------------------
// x402 (x402/payment.hpp): a paid call is served from the escrow account the gateway keeps for
// its payer, funded by a Deposit that records the authorization, keyed by its nonce.

/// The account that pays for `call`: an API account's, the house, or the payer's (after the
/// payment's validity window checked against the actor clock; payment_refused otherwise).
result<private_key> renter_of(gateway_pointer self, const inference_call& call, task_plan* plan) {
  const gateway_actor_options& o = *self->state.options;
  if (call.account)
    return accounts::api_account_key(o.key, *call.account);
  if (call.payment == nullptr)
    return o.key;
  AGORA_ASSERT(o.x402.enabled);
  const int64_t now = now_s(self);
  auto account = x402::payer_account_key(o.key, call.payment->authorization.from);
  if (!account || call.payment_deposited)
    return account;  // the payment was recorded (and its window checked) by an earlier call
  if (auto s = x402::check_window(*call.payment, now); !s)
    return s.error();
  plan->deposit = {wire::message_kind::Deposit,
                   x402::seal_deposit(o.x402, *account, *call.payment, now)};
  return account;
}

/// Seals the call's Hold and TaskRequest into a plan; errors: the request breaks a wire limit
/// (internal), or its x402 payment is outside its validity window (payment_refused).
result<task_plan> plan_of(gateway_pointer self, inference_call call, failure_kind* kind) {
  const gateway_actor_options& o = *self->state.options;
  task_plan plan;
  plan.options = self->state.options;
  plan.task_id = random_id(*o.rng);
  plan.hold_id = random_id(*o.rng);
  auto renter = renter_of(self, call, &plan);
  if (!renter) {
    *kind = failure_kind::payment_refused;
    return renter.error();
  }
  plan.renter = renter->address();
  auto micros = worst_case_micros(o.price_cap_per_million_micros, call.spec);
  if (!micros)
    return micros.error();
  plan.hold = seal_hold(self, plan, *renter, *micros);
  plan.request = seal_request(self, plan, *renter, call.spec);
  auto opened = wire::open(plan.request);
  if (!opened)
    return opened.error();
  plan.input_hash = wire::input_hash(opened->payload());
  plan.type = call.spec.type;
  plan.forward_text = call.spec.stream;
  plan.streams = call.spec.stream && call.spec.type != wire::TaskType::Embedding;
  plan.listener = std::move(call.listener);
  plan.renter_key = std::make_shared<const private_key>(*renter);
  plan.cancel = std::move(call.cancel);
  return plan;
}

void on_infer(gateway_pointer self, inference_call& call) {
  AGORA_ASSERT(call.listener != nullptr);
  gateway_state& st = self->state;
  if (st.tasks.size() >= st.options->tasks_max)
    return call.listener->on_failure(
        {failure_kind::internal,
         make_error(errc::limit_exceeded, "too many requests in flight on this gateway")});
  if (call.account)  // the account's short balance is the caller's 402, not the gateway's 503
    call.listener = accounts::account_listener(std::move(call.listener));
  auto listener = call.listener;
  failure_kind kind = failure_kind::internal;
  auto plan = plan_of(self, std::move(call), &kind);
  if (!plan)
    return listener->on_failure({kind, plan.error()});
  caf::actor task = spawn_task(self->home_system(), std::move(*plan));
  self->monitor(task);
  st.tasks.insert(task.address());
}

void on_status(gateway_pointer self, const relay_status_call& call) {
  self->request(self->state.options->relay, self->state.options->call_timeout,
                actors::status_atom_v)
      .then([call](const actors::relay_status& status) { call.done(status); },
            [call](const caf::error& e) { call.done(actors::from_caf_error(e)); });
}

/// The escrow's full interface answers balance queries; the inbox the gateway holds is that
/// escrow (in-process) or a remote stand-in forwarding everything (net/node/remote_role.hpp).
void on_balance(gateway_pointer self, const balance_call& call) {
  const auto& o = *self->state.options;
  const auto query = actors::balance_query::of(escrow::renter_balance(o.key.address()));
  self->request(caf::actor_cast<actors::escrow_actor>(o.escrow), o.call_timeout,
                actors::balance_atom_v, query)
      .then([call](int64_t micros) { call.done(micros); },
            [call](const caf::error& e) { call.done(actors::from_caf_error(e)); });
}

/// Hands a rental call to the rental actor with the escrow key of the account that pays: the
/// caller's API account (rental_routes.hpp decided), else the house.
template <class Atom, class Call>
void forward_rental(gateway_pointer self, Atom atom, Call& call) {
  const gateway_actor_options& o = *self->state.options;
  auto payer =
      call.account ? accounts::api_account_key(o.key, *call.account) : result<private_key>(o.key);
  if (!payer)
    return call.done(payer.error());
  call.payer = std::move(*payer);
  self->send(self->state.rentals, atom, std::move(call));
}

rentals::rental_actor_options rental_options_of(const gateway_actor_options& o) {
  return {o.escrow, o.relay, o.clock, o.rng, o.rentals, o.call_timeout};
}

caf::behavior gateway_behavior(gateway_pointer self,
                               std::shared_ptr<const gateway_actor_options> options) {
  AGORA_ASSERT(options->rng != nullptr && options->proofs != nullptr);
  AGORA_ASSERT(options->counters != nullptr && options->price_cap_per_million_micros > 0);
  AGORA_ASSERT(options->task_deadline.count() > 0 && options->hold_ttl >= options->task_deadline);
  AGORA_ASSERT(options->rentals != nullptr);
  self->state.options = std::move(options);
  self->state.rentals = rentals::spawn_rental_actor(self, rental_options_of(*self->state.options));
  self->set_down_handler([self](caf::down_msg& down) { self->state.tasks.erase(down.source); });
  // Stopping the gateway stops its tasks: their listeners hear on_failure.
  self->set_exit_handler([self](caf::exit_msg& exit) {
    for (const caf::actor_addr& task : self->state.tasks)
      self->send_exit(task, exit.reason);
    self->quit(exit.reason);
  });
  return {
      [self](infer_atom, inference_call& call) { on_infer(self, call); },
      [self](actors::status_atom, const relay_status_call& call) { on_status(self, call); },
      [self](actors::balance_atom, const balance_call& call) { on_balance(self, call); },
      [self](rentals::open_atom a, rentals::rental_open_call& c) { forward_rental(self, a, c); },
      [self](rentals::read_atom a, rentals::rental_read_call& c) { forward_rental(self, a, c); },
      [self](rentals::close_atom a, rentals::rental_close_call& c) { forward_rental(self, a, c); },
      [self](accounts::account_atom, accounts::create_key_call& call) {
        accounts::on_account_call(self, *self->state.options, call);
      },
      [self](accounts::account_atom, accounts::deposit_call& call) {
        accounts::on_account_call(self, *self->state.options, call);
      },
      [self](accounts::account_atom, accounts::account_balance_call& call) {
        accounts::on_account_call(self, *self->state.options, call);
      },
  };
}

}  // namespace

caf::actor spawn_gateway_actor(caf::actor_system& sys, gateway_actor_options options) {
  return sys.spawn(gateway_behavior,
                   std::make_shared<const gateway_actor_options>(std::move(options)));
}

}  // namespace agora::net::gateway
