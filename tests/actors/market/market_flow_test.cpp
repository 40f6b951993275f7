// End-to-end market flows on one real world (market_fixture.hpp): the happy path, the refusals
// of bad signatures, replayed and stale registrations, unknown models, missing capacity and
// short balances, and a replayed Settle. Every test checks exact balances and conservation.
#include <gtest/gtest.h>

#include "tests/actors/market/market_fixture.hpp"

namespace agora::actors::testing {
namespace {

using wire::message_kind;

/// A TaskRequest naming renter 1 as its signer field, sealed by `key`.
wire::frame task_request_signed_by(const private_key& key, int64_t now_s) {
  wire::TaskRequestT m;
  m.renter = wire::to_wire(wire::samples::test_key(301).address());
  m.task_id = wire::samples::wire_id(0x41);
  m.task_type = wire::TaskType::Completion;
  m.model = std::string(mock_model_id);
  m.prompt = "hello market world";
  m.sampling = std::make_unique<wire::SamplingParamsT>();
  m.sampling->max_tokens = 5;
  m.stream = true;
  m.price_cap_per_million_tokens_micros = price_cap_micros;
  m.hold_id = wire::samples::wire_id(0x42);
  m.created_unix_s = now_s;
  m.deadline_unix_s = now_s + 600;
  m.rental_session_id = wire::to_wire(wire::id128{});
  return {message_kind::TaskRequest, wire::seal(m, key)};
}

/// `log` holds `count` ErrorFrames, each with `code`.
void expect_refusals(const frame_log& log, size_t count, errc code) {
  auto errors = log.opened(message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), count);
  for (const auto& e : errors)
    EXPECT_EQ(e.as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(code));
}

TEST_F(market_test, happy_path_inference_settles_exactly_once) {
  const caf::actor renter = start();
  const uint64_t number = submit_task(renter, task());
  EXPECT_EQ(renter_balance(), deposit_micros - worst_case_hold());  // the Hold is taken
  const uint32_t p = busy_provider();
  ASSERT_NE(p, 0u);
  step(1s, 100ms);  // 5 tokens at 100 ms each
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::accepted) << o.reason;
  EXPECT_EQ(o.text, expected_text());
  const int64_t cost = cost_of(price_of(p), task_tokens);
  EXPECT_EQ(cost, 1'200 + p + 1);  // rounded up
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  EXPECT_EQ(earnings(p), cost - fee_of(cost));
  EXPECT_EQ(protocol_fee(), fee_of(cost));
  EXPECT_EQ(earnings(3 - p), 0);
  EXPECT_EQ(sent(message_kind::Settle), 1u);
  EXPECT_EQ(sent(message_kind::Refund) + sent(message_kind::Slash), 0u);
  step(15min, 1min);  // past the hold's expiry: nothing more moves
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  expect_conserved();
}

TEST_F(market_test, bad_signature_on_hold_or_task_request_is_refused) {
  start();
  const std::vector<int64_t> before = balances();
  wire::HoldT hold;
  hold.renter = wire::to_wire(wire::samples::test_key(301).address());
  hold.hold_id = wire::samples::wire_id(0x42);
  hold.amount_micros = worst_case_hold();
  hold.purpose = wire::HoldPurpose::Task;
  hold.subject_id = wire::samples::wire_id(0x41);
  hold.created_unix_s = now_s();
  hold.expires_unix_s = now_s() + 600;
  const auto refused_hold = submit(escrow_, frame_of(hold, stranger_key_));
  ASSERT_FALSE(refused_hold);
  EXPECT_EQ(refused_hold.error().code, errc::bad_signature);
  const auto refused_route = route(task_request_signed_by(stranger_key_, now_s()));
  ASSERT_FALSE(refused_route);
  EXPECT_EQ(refused_route.error().code, errc::bad_signature);
  step(2s, 100ms);
  EXPECT_EQ(balances(), before);
  EXPECT_EQ(status().tasks, 0u);
  EXPECT_EQ(sent(message_kind::Settle) + sent(message_kind::Refund), 0u);
  expect_conserved();
}

TEST_F(market_test, replayed_registration_is_refused) {
  start();
  const wire::frame registration_frame = registration(0);
  const frame_log replies = send_to_relay({registration_frame, registration_frame});
  ASSERT_EQ(replies.frames.size(), 2u);
  EXPECT_EQ(replies.frames[0].first.kind, message_kind::Registered);
  expect_refusals(replies, 1, errc::replayed);
  EXPECT_EQ(replies.opened(message_kind::ErrorFrame)[0].signer(), relay_key_.address());
  EXPECT_EQ(status().providers.size(), 3u);  // providers 1, 2 and the new one, once
}

TEST_F(market_test, stale_timestamp_registration_is_refused) {
  start();
  const frame_log replies = send_to_relay({registration(61), registration(-61)});
  expect_refusals(replies, 2, errc::stale);
  EXPECT_EQ(status().providers.size(), 2u);
}

TEST_F(market_test, unknown_model_or_no_capacity_fails_and_the_hold_is_refunded) {
  add_provider(1, {.max_concurrency = 1});
  const provider_actor draining = add_provider(2);
  const caf::actor renter = add_renter(1);
  caf::anon_send(draining, drain_atom_v);
  run();
  const uint64_t unknown = submit_task(renter, task("gpt-5"));
  const uint64_t served = submit_task(renter, task());  // takes provider 1's only slot
  const uint64_t full = submit_task(renter, task());
  EXPECT_EQ(outcome(renter, unknown).state, task_state::failed);
  EXPECT_NE(outcome(renter, unknown).reason.find("Model not found"), std::string::npos);
  EXPECT_EQ(outcome(renter, full).state, task_state::failed);
  EXPECT_NE(outcome(renter, full).reason.find("No providers available"), std::string::npos);
  EXPECT_EQ(renter_balance(), deposit_micros - 3 * worst_case_hold());  // refused holds wait
  step(1s, 100ms);
  EXPECT_EQ(outcome(renter, served).state, task_state::accepted);
  const int64_t cost = cost_of(price_of(1), task_tokens);
  EXPECT_EQ(renter_balance(), deposit_micros - 2 * worst_case_hold() - cost);
  step(11min, 30s);  // the renter's hold_ttl (10 min) passes: the escrow's tick refunds both
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  EXPECT_EQ(earnings(1), cost - fee_of(cost));
  EXPECT_EQ(earnings(2), 0);
  EXPECT_EQ(sent(message_kind::Refund), 0u);  // the escrow's expiry refunded them
  expect_conserved();
}

TEST_F(market_test, insufficient_balance_refuses_the_hold_and_changes_nothing) {
  add_provider(1);
  const caf::actor renter = add_renter(1, worst_case_hold() - 1);
  const std::vector<int64_t> before = balances();
  const uint64_t number = submit_task(renter, task());
  const task_outcome o = outcome(renter, number);
  EXPECT_EQ(o.state, task_state::failed);
  EXPECT_NE(o.reason.find("insufficient funds"), std::string::npos) << o.reason;
  step(11min, 30s);
  EXPECT_EQ(balances(), before);
  EXPECT_EQ(renter_balance(), worst_case_hold() - 1);
  EXPECT_EQ(busy_provider(), 0u);
  EXPECT_EQ(status().tasks, 0u);
  expect_conserved();
}

TEST_F(market_test, double_settlement_attempt_is_a_no_op) {
  const caf::actor renter = start();
  submit_task(renter, task());
  const uint32_t p = busy_provider();
  step(1s, 100ms);
  const auto settles = escrow_log_.of_kind(message_kind::Settle);
  ASSERT_EQ(settles.size(), 1u);
  const std::vector<int64_t> before = balances();
  const auto again = submit(escrow_, settles[0]);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(balances(), before);
  const int64_t cost = cost_of(price_of(p), task_tokens);
  EXPECT_EQ(renter_balance(), deposit_micros - cost);
  EXPECT_EQ(earnings(p), cost - fee_of(cost));
  expect_conserved();
}

}  // namespace
}  // namespace agora::actors::testing
