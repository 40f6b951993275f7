// Tests of the relay's matcher (actors/relay/matcher.hpp): the two errors, every filter, the
// ranking, the seeded tie-break and sticky rental sessions.
#include "actors/relay/matcher.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "tests/actors/relay/relay_fixture.hpp"

namespace agora::relay::testing {
namespace {

using namespace std::chrono_literals;
using wire::RegisterT;

class matcher_test : public relay_fixture {
 protected:
  /// A heartbeat from provider n (registered by add_provider) at `now`, all models ready.
  void beat(uint32_t n, uint64_t sequence, wall_time now) {
    const private_key key = wire::samples::test_key(n);
    auto m = session_message<wire::HeartbeatT>(key, session_id(n), sequence, unix_seconds(now));
    m.available_models = {llama};
    ASSERT_TRUE(deliver(m, key, now).ok());
  }
  result<match_result> match(const task_requirements& task, int64_t unix_s = now_s) {
    return matcher_.match(task, at_s(unix_s));
  }
  address matched(const task_requirements& task, int64_t unix_s = now_s) {
    result<match_result> found = match(task, unix_s);
    EXPECT_TRUE(found.ok()) << found.error().to_string();
    return found ? found->provider : address{};
  }
  static task_requirements session_task(uint8_t fill) {
    task_requirements task = llama_task();
    task.rental_session = wire::samples::make_id(fill);
    return task;
  }
};

void expect_no_providers(const result<match_result>& found) {
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, errc::limit_exceeded);
  EXPECT_EQ(found.error().message, no_providers_available);
}

// ------------------------------------------------------------------------------------------------
// The two errors

TEST_F(matcher_test, unknown_model_is_model_not_found) {
  result<match_result> found = match(llama_task());
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, errc::not_found);
  EXPECT_EQ(found.error().message, model_not_found);

  add_provider(1);
  task_requirements other = llama_task();
  other.model = "unknown/model";
  found = match(other);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, errc::not_found);
  EXPECT_EQ(found.error().message, model_not_found);
}

TEST_F(matcher_test, no_capacity_is_no_providers_available) {
  const address p = add_provider(1, [](RegisterT& m) { m.max_concurrency = 1; });
  result<match_result> routed = matcher_.route(llama_task(), at_s(now_s));
  ASSERT_TRUE(routed.ok());
  EXPECT_EQ(routed->provider, p);
  EXPECT_EQ(routed->price_per_million_tokens, amount::from_micros(150'000));
  EXPECT_EQ(registry_.find(p)->in_flight, 1u);
  expect_no_providers(matcher_.route(llama_task(), at_s(now_s)));

  ASSERT_TRUE(registry_.task_finished(p, {wire::TaskStatus::Completed, 30ms}).ok());
  EXPECT_EQ(matched(llama_task()), p);
}

// ------------------------------------------------------------------------------------------------
// Filters

TEST_F(matcher_test, price_cap_filters) {
  const address cheap =
      add_provider(1, [](RegisterT& m) { m.price_per_million_tokens_micros = 100'000; });
  const address dear =
      add_provider(2, [](RegisterT& m) { m.price_per_million_tokens_micros = 300'000; });
  run_task(dear, wire::TaskStatus::Completed, 1);  // ranks better than cheap, if it qualified
  run_task(cheap, wire::TaskStatus::Completed, 500);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(matched(llama_task()), cheap);
  task_requirements task = llama_task();
  task.price_cap_per_million_tokens = amount::from_micros(300'000);
  EXPECT_EQ(matched(task), dear);  // the cap is inclusive
  task.price_cap_per_million_tokens = amount::from_micros(99'999);
  expect_no_providers(match(task));
}

TEST_F(matcher_test, region_filters_when_requested) {
  const address eu = add_provider(1);
  const address us = add_provider(2, [](RegisterT& m) { m.region = "us-east"; });
  task_requirements task = llama_task();
  task.region = "us-east";
  EXPECT_EQ(matched(task), us);
  task.region = "eu-west";
  EXPECT_EQ(matched(task), eu);
  task.region = "ap-south";
  expect_no_providers(match(task));
  task.region = "";
  std::set<address> any;
  for (int i = 0; i < 32; ++i)
    any.insert(matched(task));
  EXPECT_EQ(any.size(), 2u);
}

TEST_F(matcher_test, excluded_providers_are_skipped) {
  const address first = add_provider(1);
  const address second = add_provider(2);
  task_requirements task = llama_task();
  const std::vector<address> failed{first};
  task.excluded = failed;
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(matched(task), second);
  const std::vector<address> both{first, second};
  task.excluded = both;
  expect_no_providers(match(task));
}

TEST_F(matcher_test, tee_requirement_filters) {
  const address plain = add_provider(1, [](RegisterT& m) { m.tee.reset(); });
  const address tee = add_provider(2);
  run_task(plain, wire::TaskStatus::Completed, 10);
  run_task(tee, wire::TaskStatus::Completed, 900);
  EXPECT_EQ(matched(llama_task()), plain);
  task_requirements task = llama_task();
  task.tee = tee_requirement::required;
  EXPECT_EQ(matched(task), tee);
  ASSERT_TRUE(registry_.task_started(tee).ok());
  EXPECT_EQ(registry_.find(tee)->tee_type, wire::TeeType::NvidiaCc);
}

TEST_F(matcher_test, unhealthy_after_exactly_2_min_gets_no_new_work) {
  add_provider(1);
  EXPECT_TRUE(match(llama_task(), now_s + 119).ok());
  expect_no_providers(match(llama_task(), now_s + 120));
  beat(1, 1, at_s(now_s + 130));
  EXPECT_TRUE(match(llama_task(), now_s + 130).ok());
}

TEST_F(matcher_test, draining_provider_gets_no_new_work) {
  const address p = add_provider(1);
  ASSERT_TRUE(registry_.task_started(p).ok());
  const private_key key = wire::samples::test_key(1);
  ASSERT_TRUE(deliver(session_message<wire::DrainT>(key, session_id(1), 1), key).ok());
  expect_no_providers(match(llama_task()));  // the model still exists: not "Model not found"
  ASSERT_TRUE(registry_.task_finished(p, {wire::TaskStatus::Completed, 20ms}).ok());
  EXPECT_EQ(registry_.find(p)->in_flight, 0u);
  expect_no_providers(match(llama_task()));
}

TEST_F(matcher_test, models_not_ready_in_the_last_heartbeat_are_skipped) {
  add_provider(1);
  const private_key key = wire::samples::test_key(1);
  auto m = session_message<wire::HeartbeatT>(key, session_id(1), 1);
  m.available_models.clear();
  ASSERT_TRUE(deliver(m, key).ok());
  expect_no_providers(match(llama_task()));
  beat(1, 2, at_s(now_s + 1));
  EXPECT_TRUE(match(llama_task(), now_s + 1).ok());
}

// ------------------------------------------------------------------------------------------------
// Ranking

TEST_F(matcher_test, ranking_prefers_lower_latency_then_lower_error_rate) {
  const address slow = add_provider(1);
  const address fast = add_provider(2);
  const address middle = add_provider(3);
  run_task(slow, wire::TaskStatus::Completed, 200);
  run_task(fast, wire::TaskStatus::Completed, 50);
  run_task(middle, wire::TaskStatus::Completed, 120);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(matched(llama_task()), fast);

  // Same latency bucket (10 ms): the lower error rate wins.
  const address reliable = add_provider(4);
  run_task(reliable, wire::TaskStatus::Completed, 52);
  run_task(fast, wire::TaskStatus::Failed, 0);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(matched(llama_task()), reliable);

  // Latency comes first: a faster bucket wins despite errors.
  const address fastest = add_provider(5);
  run_task(fastest, wire::TaskStatus::Completed, 30);
  run_task(fastest, wire::TaskStatus::Failed, 0);
  EXPECT_EQ(matched(llama_task()), fastest);
}

std::vector<address> picks(registry& providers, uint64_t seed, int count) {
  seeded_random rng(seed);
  matcher m(providers, rng);
  std::vector<address> out;
  for (int i = 0; i < count; ++i) {
    result<match_result> found = m.match(llama_task(), at_s(now_s));
    AGORA_ASSERT(found.ok());
    out.push_back(found->provider);
  }
  return out;
}

TEST_F(matcher_test, seeded_tie_break_is_deterministic_and_varies_across_seeds) {
  for (uint32_t n = 1; n <= 8; ++n)
    add_provider(n);
  EXPECT_EQ(picks(registry_, 42, 32), picks(registry_, 42, 32));
  const std::vector<address> one_seed = picks(registry_, 42, 32);
  EXPECT_GT(std::set<address>(one_seed.begin(), one_seed.end()).size(), 4u);
  std::set<address> first_picks;
  for (uint64_t seed = 1; seed <= 16; ++seed)
    first_picks.insert(picks(registry_, seed, 1)[0]);
  EXPECT_GT(first_picks.size(), 1u);
}

TEST_F(matcher_test, candidates_max_bounds_the_scan_but_not_the_answer) {
  for (uint32_t n = 1; n <= 12; ++n)
    add_provider(n);
  matcher_config config;
  config.candidates_max = 4;
  seeded_random rng(9);
  matcher windowed(registry_, rng, config);
  std::set<address> seen;
  for (int i = 0; i < 64; ++i) {
    result<match_result> found = windowed.match(llama_task(), at_s(now_s));
    ASSERT_TRUE(found.ok());
    seen.insert(found->provider);
  }
  EXPECT_GT(seen.size(), 4u);  // the window moves from route to route

  // Only provider 9 qualifies: found wherever the window starts.
  for (uint32_t n = 1; n <= 12; ++n) {
    if (n == 9)
      continue;
    const private_key key = wire::samples::test_key(n);
    ASSERT_TRUE(deliver(session_message<wire::DrainT>(key, session_id(n), 1), key).ok());
  }
  for (int i = 0; i < 16; ++i) {
    result<match_result> found = windowed.match(llama_task(), at_s(now_s));
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->provider, wire::samples::test_key(9).address());
  }
}

// ------------------------------------------------------------------------------------------------
// Sticky rental sessions

TEST_F(matcher_test, rental_session_sticks_to_its_provider_while_healthy) {
  for (uint32_t n = 1; n <= 4; ++n)
    add_provider(n);
  const address bound = matched(session_task(1));
  EXPECT_EQ(matcher_.session_provider(wire::samples::make_id(1)), bound);
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(matched(session_task(1)), bound);

  // Its provider falls silent while the others beat: the session moves to a healthy one.
  for (uint32_t n = 1; n <= 4; ++n)
    if (wire::samples::test_key(n).address() != bound)
      beat(n, 1, at_s(now_s + 100));
  const address moved = matched(session_task(1), now_s + 150);
  EXPECT_NE(moved, bound);
  EXPECT_EQ(matcher_.session_provider(wire::samples::make_id(1)), moved);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(matched(session_task(1), now_s + 150), moved);

  matcher_.end_session(wire::samples::make_id(1));
  EXPECT_FALSE(matcher_.session_provider(wire::samples::make_id(1)).has_value());
  EXPECT_EQ(matcher_.sessions(), 0u);
}

TEST_F(matcher_test, busy_sticky_provider_is_not_swapped) {
  const address p = add_provider(1, [](RegisterT& m) { m.max_concurrency = 1; });
  const task_requirements task = session_task(7);
  result<match_result> first = matcher_.route(task, at_s(now_s));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->provider, p);
  const address other = add_provider(2);
  expect_no_providers(matcher_.route(task, at_s(now_s)));
  EXPECT_EQ(matcher_.session_provider(wire::samples::make_id(7)), p);
  EXPECT_EQ(matched(llama_task()), other);  // tasks outside the session go elsewhere
}

TEST_F(matcher_test, draining_sticky_provider_releases_the_session) {
  const address first = add_provider(1);
  const address bound = matched(session_task(3));
  EXPECT_EQ(bound, first);
  const address second = add_provider(2);
  const private_key key = wire::samples::test_key(1);
  ASSERT_TRUE(deliver(session_message<wire::DrainT>(key, session_id(1), 1), key).ok());
  EXPECT_EQ(matched(session_task(3)), second);
}

TEST_F(matcher_test, reregistration_after_drain_gets_work_again) {
  add_provider(1);
  const private_key key = wire::samples::test_key(1);
  ASSERT_TRUE(deliver(session_message<wire::DrainT>(key, session_id(1), 1), key).ok());
  expect_no_providers(match(llama_task()));
  wire::RegisterT again = registration(key, session_id(101));
  ASSERT_TRUE(deliver(again, key).ok());
  EXPECT_EQ(matched(llama_task()), key.address());
}

TEST_F(matcher_test, deregistered_sticky_provider_releases_the_session) {
  const address first = add_provider(1);
  EXPECT_EQ(matched(session_task(4)), first);
  const private_key key = wire::samples::test_key(1);
  ASSERT_TRUE(deliver(session_message<wire::DeregisterT>(key, session_id(1), 1), key).ok());
  EXPECT_EQ(registry_.find(first), nullptr);
  result<match_result> gone = match(session_task(4));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message, model_not_found);  // no one serves llama any more
  const address second = add_provider(2);
  EXPECT_EQ(matched(session_task(4)), second);
  EXPECT_EQ(matcher_.session_provider(wire::samples::make_id(4)), second);
}

TEST_F(matcher_test, sessions_are_bounded) {
  add_provider(1);
  matcher_config config;
  config.sessions_max = 1;
  seeded_random rng(5);
  matcher small(registry_, rng, config);
  ASSERT_TRUE(small.match(session_task(1), at_s(now_s)).ok());
  result<match_result> refused = small.match(session_task(2), at_s(now_s));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, errc::limit_exceeded);
  EXPECT_TRUE(small.match(session_task(1), at_s(now_s)).ok());
  small.end_session(wire::samples::make_id(1));
  EXPECT_TRUE(small.match(session_task(2), at_s(now_s)).ok());
}

}  // namespace
}  // namespace agora::relay::testing
