// End-to-end market failures on one real world (market_fixture.hpp): a provider vanishing
// mid-task, heartbeats stopping, draining, a lying provider and a false dispute, an escrow
// restart between hold and settle, a relay restart mid-task. Every test checks exact balances
// (slashes at slashing_rules' defaults: downtime 1 %, failure to serve 5 %, wrong result 20 %
// of the stake) and conservation.
#include <gtest/gtest.h>

#include "tests/actors/market/market_fixture.hpp"

namespace agora::actors::testing {
namespace {

using wire::message_kind;

/// mock-model that lies: its first token becomes "zzzz", and it streams and hashes the lie
/// consistently, so only a re-execution (a spot check's dispute) can tell.
class lying_model final : public engine {
 public:
  std::vector<model_info> models() const override { return inner_.models(); }
  result<generation> generate(const generation_request& request) override {
    auto g = inner_.generate(request);
    if (!g || g->chunks.empty())
      return g;
    const uint32_t lie = mock_model::vocab_size - 1;
    g->token_ids[0] = lie;
    g->chunks[0].token_ids = {lie};
    g->chunks[0].text = mock_model::word_of(lie);
    g->text.clear();
    for (const generation_chunk& c : g->chunks)
      g->text += c.text;
    return g;
  }

 private:
  mock_model inner_;
};

/// Renter 1 submits the fixture's task; the provider it went to vanishes (its actor is killed);
/// after the assignment's 60 s the relay reassigns the task to the other provider, which serves it.
class reassignment_test : public market_test {
 protected:
  /// The vanished provider's number (0 if the task went nowhere).
  uint32_t vanish_mid_task() {
    renter_ = start();
    number_ = submit_task(renter_, task());
    const uint32_t vanished = busy_provider();
    if (vanished == 0)
      return 0;
    kill(providers_[vanished - 1]);
    step(70s);
    EXPECT_EQ(status().reassigned, 1u);
    step(1s, 100ms);
    return vanished;
  }

  caf::actor renter_;
  uint64_t number_ = 0;
};

TEST_F(reassignment_test, vanished_provider_task_is_reassigned_and_settled) {
  const uint32_t vanished = vanish_mid_task();
  ASSERT_NE(vanished, 0u);
  const uint32_t served = 3 - vanished;
  const int64_t cost = cost_of(price_of(served), task_tokens);
  EXPECT_EQ(sent(message_kind::Settle), 1u);
  EXPECT_EQ(earnings(served), cost - fee_of(cost));
  EXPECT_EQ(earnings(vanished), 0);
  // Served after all, but the vanished provider failed the task it accepted: slashed.
  const int64_t slash = slash_of(stake_micros, 500);
  EXPECT_EQ(sent(message_kind::Slash), 1u);
  EXPECT_EQ(staked(vanished), stake_micros - slash);
  EXPECT_EQ(slashed(), slash);
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  expect_conserved();
}

// The relay sends the second TaskAssignment to the renter too, so the renter checks the proof
// against the provider that served it (before that fix the task ended "failed" although served).
TEST_F(reassignment_test, renter_accepts_the_proof_of_the_reassigned_provider) {
  ASSERT_NE(vanish_mid_task(), 0u);
  const task_outcome o = outcome(renter_, number_);
  EXPECT_EQ(o.state, task_state::accepted) << o.reason;
  EXPECT_EQ(o.text, expected_text());
}

TEST_F(market_test, vanished_sole_provider_refunds_and_is_slashed_for_failure_to_serve) {
  const provider_actor only = add_provider(1);
  const caf::actor renter = add_renter(1);
  const uint64_t number = submit_task(renter, task());
  kill(only);
  step(70s, 5s);
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::failed);
  EXPECT_NE(o.reason.find("No providers available"), std::string::npos) << o.reason;
  EXPECT_EQ(sent(message_kind::Refund), 1u);
  EXPECT_EQ(sent(message_kind::Slash), 1u);
  const int64_t slash = slash_of(stake_micros, 500);
  EXPECT_EQ(renter_balance(), deposit_micros);
  EXPECT_EQ(staked(1), stake_micros - slash);
  EXPECT_EQ(slashed(), slash);
  EXPECT_EQ(earnings(1), 0);
  step(15min, 30s);  // nothing more: the refunded hold does not expire again
  EXPECT_EQ(renter_balance(), deposit_micros);
  EXPECT_EQ(staked(1), stake_micros - slash);
  expect_conserved();
}

TEST_F(market_test, heartbeats_stop_unhealthy_offline_and_slashed_for_downtime_once) {
  const caf::actor renter = start();
  kill(providers_[0]);
  step(2min, 5s);
  EXPECT_EQ(provider_status(status(), 1)->state, relay::liveness::unhealthy);
  EXPECT_EQ(provider_status(status(), 2)->state, relay::liveness::healthy);
  for (uint64_t i = 0; i < 3; ++i) {  // no new work for the silent provider
    const uint64_t number = submit_task(renter, task());
    EXPECT_EQ(busy_provider(), 2u);
    step(1s, 100ms);
    EXPECT_EQ(outcome(renter, number).state, task_state::accepted);
  }
  step(10min, 5s);
  EXPECT_EQ(provider_status(status(), 1)->state, relay::liveness::offline);
  EXPECT_EQ(staked(1), stake_micros);
  step(4h, 30s);
  auto slashes = escrow_log_.opened(message_kind::Slash);
  ASSERT_EQ(slashes.size(), 1u);
  EXPECT_EQ(slashes[0].as<wire::Slash>()->reason(), wire::SlashReason::Downtime);
  const int64_t slash = slash_of(stake_micros, 100);
  EXPECT_EQ(staked(1), stake_micros - slash);
  EXPECT_EQ(slashed(), slash);
  step(4h, 30s);  // still offline: no second slash
  EXPECT_EQ(sent(message_kind::Slash), 1u);
  EXPECT_EQ(staked(1), stake_micros - slash);
  const int64_t cost = cost_of(price_of(2), task_tokens);
  EXPECT_EQ(renter_balance(), deposit_micros - 3 * cost);
  EXPECT_EQ(earnings(2), 3 * (cost - fee_of(cost)));
  EXPECT_EQ(protocol_fee(), 3 * fee_of(cost));
  expect_conserved();
}

TEST_F(market_test, draining_provider_gets_no_new_work_and_its_task_settles) {
  const caf::actor renter = start();
  const uint64_t first = submit_task(renter, task());
  const uint32_t drained = busy_provider();
  ASSERT_NE(drained, 0u);
  const uint32_t other = 3 - drained;
  caf::anon_send(providers_[drained - 1], drain_atom_v);
  run();
  EXPECT_TRUE(provider_status(status(), drained)->draining);
  const uint64_t second = submit_task(renter, task());
  const uint64_t third = submit_task(renter, task());
  EXPECT_EQ(provider_status(status(), drained)->in_flight, 1u);
  EXPECT_EQ(provider_status(status(), other)->in_flight, 2u);
  step(2s, 100ms);  // the other provider's worker runs its two tasks one after the other
  for (uint64_t number : {first, second, third})
    EXPECT_EQ(outcome(renter, number).state, task_state::accepted);
  const int64_t cost_drained = cost_of(price_of(drained), task_tokens);
  const int64_t cost_other = cost_of(price_of(other), task_tokens);
  EXPECT_EQ(earnings(drained), cost_drained - fee_of(cost_drained));
  EXPECT_EQ(earnings(other), 2 * (cost_other - fee_of(cost_other)));
  EXPECT_EQ(renter_balance(), deposit_micros - cost_drained - 2 * cost_other);
  EXPECT_EQ(protocol_fee(), fee_of(cost_drained) + 2 * fee_of(cost_other));
  EXPECT_EQ(sent(message_kind::Settle), 3u);
  expect_conserved();
}

TEST_F(market_test, wrong_result_is_disputed_slashed_and_refunded) {
  add_provider(1, {.backend = std::make_shared<lying_model>()});
  const caf::actor renter = add_renter(1, deposit_micros, 1'000);
  const uint64_t number = submit_task(renter, task());
  step(1s, 100ms);
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::disputed) << o.reason;
  EXPECT_TRUE(o.spot_checked);  // the lie streams and hashes consistently
  EXPECT_NE(o.text, expected_text());
  // ProviderWrong: bond back, the settlement reversed (earnings and fee), 20 % stake slashed,
  // all of it to Slashed because the reversal covered the renter in full.
  const int64_t slash = slash_of(stake_micros, 2'000);
  EXPECT_EQ(renter_balance(), deposit_micros);
  EXPECT_EQ(earnings(1), 0);
  EXPECT_EQ(protocol_fee(), 0);
  EXPECT_EQ(staked(1), stake_micros - slash);
  EXPECT_EQ(slashed(), slash);
  expect_conserved();
}

TEST_F(market_test, false_dispute_loses_the_bond) {
  const caf::actor renter = start(1'000);
  const uint64_t number = submit_task(renter, task());
  const uint32_t p = busy_provider();
  ASSERT_NE(p, 0u);
  step(1s, 100ms);
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::disputed) << o.reason;
  EXPECT_TRUE(o.spot_checked);
  EXPECT_EQ(o.text, expected_text());
  const int64_t cost = cost_of(price_of(p), task_tokens);
  EXPECT_EQ(renter_balance(), deposit_micros - cost - bond_micros);
  EXPECT_EQ(earnings(p), cost - fee_of(cost) + bond_micros);
  EXPECT_EQ(protocol_fee(), fee_of(cost));
  EXPECT_EQ(staked(p), stake_micros);
  EXPECT_EQ(slashed(), 0);
  expect_conserved();
}

TEST_F(market_test, escrow_restart_between_hold_and_settle_keeps_balances_consistent) {
  const caf::actor renter = start();
  const uint64_t number = submit_task(renter, task());  // the Hold is acknowledged
  const uint32_t p = busy_provider();
  ASSERT_NE(p, 0u);
  EXPECT_EQ(renter_balance(), deposit_micros - worst_case_hold());
  kill(escrow_);
  step(1s, 100ms);  // the proof comes; the relay's Settle finds no escrow and waits for a tick
  EXPECT_EQ(status().escrow_failed, 0u);
  EXPECT_EQ(outcome(renter, number).state, task_state::pending);  // no proof before its Settle
  escrow_ = spawn_escrow_actor();  // over the same memory_env; the tap reaches it from now on
  EXPECT_EQ(renter_balance(), deposit_micros - worst_case_hold());  // the hold survived
  step(10s, 1s);  // the relay's next tick sends the Settle again
  EXPECT_EQ(outcome(renter, number).state, task_state::accepted);
  EXPECT_EQ(status().escrow_failed, 0u);
  // A third copy of the same Settle (a relay restarted with its report) changes nothing.
  const auto settles = escrow_log_.of_kind(message_kind::Settle);
  ASSERT_EQ(settles.size(), 2u);  // the one the dead escrow lost, the one the new escrow took
  const auto again = submit(escrow_, settles[0]);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_TRUE(again->duplicate);
  const int64_t cost = cost_of(price_of(p), task_tokens);
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  EXPECT_EQ(earnings(p), cost - fee_of(cost));
  EXPECT_EQ(protocol_fee(), fee_of(cost));
  step(15min, 1min);  // the settled hold is not refunded at its expiry
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  expect_conserved();
}

TEST_F(market_test, relay_restart_mid_task_refunds_the_task_the_new_relay_cannot_deliver) {
  const caf::actor renter = start();
  const uint64_t number = submit_task(renter, task());
  const uint32_t p = busy_provider();
  ASSERT_NE(p, 0u);
  advance(150ms);  // the task is running
  kill(relay_);
  relay_ = spawn_relay_actor();  // same key, same escrow tap
  for (const provider_actor& provider : providers_)
    caf::anon_send(provider, reconnect_atom_v, caf::actor_cast<frame_sink>(relay_));
  run();
  EXPECT_EQ(status().providers.size(), 2u);
  step(1s, 100ms);
  // The new relay does not know the task, so nothing more reaches the renter: it stays pending
  // with what streamed before the restart, and the proof the provider sends the new relay
  // refunds the hold instead of settling it (nobody is charged for a result never delivered).
  EXPECT_EQ(sent(message_kind::Settle), 0u);
  EXPECT_EQ(sent(message_kind::Refund), 1u);
  EXPECT_EQ(renter_balance(), deposit_micros);
  EXPECT_EQ(earnings(p), 0);
  EXPECT_EQ(protocol_fee(), 0);
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::pending);
  EXPECT_TRUE(expected_text().starts_with(o.text));
  step(15min, 1min);
  EXPECT_EQ(renter_balance(), deposit_micros);
  expect_conserved();
}

}  // namespace
}  // namespace agora::actors::testing
