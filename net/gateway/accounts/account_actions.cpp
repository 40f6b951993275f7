// New keys, deposits and balances of the gateway's API accounts (account_actions.hpp).
#include "net/gateway/accounts/account_actions.hpp"

#include "actors/common/caf_error.hpp"
#include "actors/escrow/accounts.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "net/gateway/accounts/account_key.hpp"
#include "net/gateway/accounts/api_key.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway::accounts {

namespace {

int64_t now_s(caf::event_based_actor* self, const gateway_actor_options& o) {
  return unix_seconds(o.clock.now(self));
}

/// The escrow's balance query (the inbox the gateway holds is the escrow in-process, or a
/// remote stand-in forwarding everything: net/node/remote_role.hpp).
template <class Done>
void query_balance(caf::event_based_actor* self, const gateway_actor_options& o,
                   const address& owner, Done done) {
  const auto query = actors::balance_query::of(escrow::renter_balance(owner));
  self->request(caf::actor_cast<actors::escrow_actor>(o.escrow), o.call_timeout,
                actors::balance_atom_v, query)
      .then([done](int64_t micros) { done(result<int64_t>(micros)); },
            [done](const caf::error& e) { done(result<int64_t>(actors::from_caf_error(e))); });
}

/// The unproven Deposit of a dev node: the account's own key deposits into its own account
/// (escrow_actor.hpp: any signer may), under a fresh idempotency key.
wire::frame self_deposit(const gateway_actor_options& o, const private_key& account, int64_t micros,
                         int64_t now_unix_s) {
  AGORA_ASSERT(micros > 0);
  wire::DepositT m;
  m.depositor = wire::to_wire(account.address());
  m.account = wire::to_wire(account.address());
  m.amount_micros = micros;
  wire::id128 key{};
  o.rng->fill(key);
  m.idempotency_key = wire::to_wire(key);
  m.created_unix_s = now_unix_s;
  return {wire::message_kind::Deposit, wire::seal(m, account)};
}

/// The x402-paid Deposit of `p` (its window checked first), or the unproven one.
result<wire::frame> deposit_frame(caf::event_based_actor* self, const gateway_actor_options& o,
                                  const private_key& account, const deposit_call& call) {
  const int64_t now = now_s(self, o);
  if (call.payment == nullptr)
    return self_deposit(o, account, call.amount_micros, now);
  AGORA_ASSERT(o.x402.enabled);
  if (auto s = x402::check_window(*call.payment, now); !s)
    return s.error();
  return wire::frame{wire::message_kind::Deposit,
                     x402::seal_deposit(o.x402, account, *call.payment, now)};
}

}  // namespace

void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     create_key_call& call) {
  AGORA_ASSERT(o.accounts != nullptr);
  AGORA_ASSERT(call.name.size() <= key_name_bytes_max);
  wire::id128 account_id{};
  if (call.account_id)
    account_id = *call.account_id;
  else
    o.rng->fill(account_id);
  auto account = api_account_key(o.key, account_id);
  if (!account)
    return call.done(account.error());
  account_created made{account_id, account->address(), generate_api_key(*o.rng),
                       {},         call.name,          now_s(self, o)};
  const hash256 key_hash = api_key_hash(made.api_key);
  made.key_id = key_id_of(key_hash);
  auto stored = o.accounts->put({key_hash, account_id, made.owner, made.name, made.created_unix_s});
  if (!stored)
    return call.done(stored.error());
  call.done(std::move(made));
}

void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     deposit_call& call) {
  AGORA_ASSERT(o.accounts != nullptr);
  AGORA_ASSERT(call.amount_micros > 0);
  auto account = api_account_key(o.key, call.account_id);
  if (!account)
    return call.done(account.error());
  auto frame = deposit_frame(self, o, *account, call);
  if (!frame)
    return call.done(frame.error());
  const int64_t credited =
      call.payment != nullptr ? call.payment->value_micros : call.amount_micros;
  self->request(o.escrow, o.call_timeout, std::move(*frame))
      .then(
          [self, &o, owner = account->address(), credited,
           done = call.done](const actors::escrow_receipt& receipt) {
            if (receipt.duplicate)
              return done(
                  make_error(errc::replayed, "x402: this authorization's nonce was used before"));
            query_balance(self, o, owner, [credited, done](const result<int64_t>& available) {
              if (!available)
                return done(available.error());
              done(deposit_outcome{credited, *available});
            });
          },
          [done = call.done](const caf::error& e) { done(actors::from_caf_error(e)); });
}

void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     account_balance_call& call) {
  AGORA_ASSERT(o.accounts != nullptr);
  auto account = api_account_key(o.key, call.account_id);
  if (!account)
    return call.done(account.error());
  query_balance(self, o, account->address(),
                [owner = account->address(), done = call.done](const result<int64_t>& micros) {
                  if (!micros)
                    return done(micros.error());
                  done(account_balance{owner, *micros});
                });
}

}  // namespace agora::net::gateway::accounts
