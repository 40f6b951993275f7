// Start-up deposits and stakes (funding.hpp).

#include "net/node/funding.hpp"

#include <caf/scoped_actor.hpp>
#include <optional>
#include <string>

#include "actors/common/caf_error.hpp"
#include "schemas/derived_id.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net {

wire::frame stable_deposit(const private_key& payer, const address& account, int64_t micros,
                           std::string_view label, int64_t now_unix_s) {
  AGORA_ASSERT(micros > 0);
  wire::DepositT m;
  m.depositor = wire::to_wire(payer.address());
  m.account = wire::to_wire(account);
  m.amount_micros = micros;
  m.idempotency_key = wire::to_wire(wire::derived_id(label, account));
  m.created_unix_s = now_unix_s;
  return wire::frame{wire::message_kind::Deposit, wire::seal(m, payer)};
}

wire::frame stable_stake(const private_key& provider, int64_t micros, std::string_view label,
                         int64_t now_unix_s) {
  AGORA_ASSERT(micros > 0);
  wire::StakeT m;
  m.provider = wire::to_wire(provider.address());
  m.amount_micros = micros;
  m.idempotency_key = wire::to_wire(wire::derived_id(label, provider.address()));
  m.created_unix_s = now_unix_s;
  return wire::frame{wire::message_kind::Stake, wire::seal(m, provider)};
}

result<actors::escrow_receipt> call_escrow(caf::actor_system& sys,
                                           const actors::escrow_inbox& escrow, wire::frame request,
                                           caf::timespan timeout) {
  AGORA_ASSERT(escrow != nullptr);
  caf::scoped_actor self{sys};
  std::optional<result<actors::escrow_receipt>> answer;
  self->request(escrow, timeout, std::move(request))
      .receive([&answer](const actors::escrow_receipt& r) { answer = r; },
               [&answer](caf::error& e) { answer = actors::from_caf_error(e); });
  AGORA_ASSERT(answer.has_value());
  return std::move(*answer);
}

}  // namespace agora::net
