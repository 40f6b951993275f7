// A provider and the relay over a real ws:// socket: registration, a task streamed end to end
// through both bridges, and a reconnect with a fresh session after the relay's listener
// restarts on the same port.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/net/ws/ws_fixture.hpp"

namespace agora::net::testing {
namespace {

using wire::message_kind;

TEST_F(ws_test, a_provider_registers_over_ws_and_is_healthy) {
  listen();
  provider_link& link = add_provider(1, url());
  ASSERT_TRUE(eventually([this] { return healthy(1); })) << "provider 1 never registered";
  EXPECT_EQ(link.metrics().connects.load(), 1u);
  EXPECT_EQ(link.metrics().disconnects.load(), 0u);
  EXPECT_EQ(listener_->metrics().upgrades.load(), 1u);
  EXPECT_EQ(listener_->metrics().connections_open.load(), 1u);
  // Heartbeats keep flowing through the socket both ways (Registered came back in).
  const uint64_t in = listener_->metrics().frames.in.load();
  EXPECT_TRUE(eventually([&] { return listener_->metrics().frames.in.load() > in; }));
  EXPECT_GT(link.metrics().frames.in.load(), 0u);
  EXPECT_EQ(status().refused, 0u);
}

TEST_F(ws_test, a_task_streams_through_both_bridges) {
  listen();
  add_provider(1, url());
  ASSERT_TRUE(eventually([this] { return healthy(1); }));
  const std::vector<message_kind> kinds = serve_task(1);
  ASSERT_FALSE(kinds.empty());
  EXPECT_GE(std::count(kinds.begin(), kinds.end(), message_kind::TokenChunk), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), message_kind::TaskResult), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), message_kind::ComputeProof), 1);
  // Chunks first, then the result, then the proof: the socket keeps the provider's order.
  const auto result = std::find(kinds.begin(), kinds.end(), message_kind::TaskResult);
  EXPECT_TRUE(std::all_of(kinds.begin(), result,
                          [](message_kind k) { return k == message_kind::TokenChunk; }));
  EXPECT_EQ(kinds.back(), message_kind::ComputeProof);
  auto p = provider_status(1);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->jobs_completed, 1u);
  EXPECT_EQ(status().refused, 0u);
}

TEST_F(ws_test, a_provider_reconnects_with_a_new_session_after_a_relay_restart) {
  listen();
  provider_link& link = add_provider(1, url());
  ASSERT_TRUE(eventually([this] { return healthy(1); }));
  const bytes first_session = provider_status(1)->session_id;
  const uint16_t port = listener_->port();

  listener_->stop();
  ASSERT_TRUE(eventually([&link] { return link.metrics().disconnects.load() == 1; }));
  listen(test_limits(), port);
  ASSERT_TRUE(eventually([this, &first_session] {
    auto p = provider_status(1);
    return p && p->session_id != first_session && p->state == relay::liveness::healthy;
  })) << "provider 1 did not register again";
  EXPECT_EQ(link.metrics().connects.load(), 2u);
  EXPECT_EQ(serve_task(2).back(), message_kind::ComputeProof);
}

TEST_F(ws_test, a_link_retries_until_the_relay_listens) {
  listen();
  const uint16_t port = listener_->port();
  listener_->stop();
  provider_link& link = add_provider(1, "ws://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(eventually([&link] { return link.metrics().connect_failures.load() >= 2; }));
  listen(test_limits(), port);
  ASSERT_TRUE(eventually([this] { return healthy(1); }));
  EXPECT_EQ(link.metrics().connects.load(), 1u);
}

}  // namespace
}  // namespace agora::net::testing
