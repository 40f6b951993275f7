// Hostile peers on the relay's listener while an honest provider stays registered: each attack
// is refused the documented way (a close reason, a 404, a cut-off socket, an ErrorFrame),
// counted in the listener's metrics, and the honest provider still serves a task afterwards.

#include <gtest/gtest.h>

#include <vector>

#include "tests/net/ws/test_peer.hpp"
#include "tests/net/ws/ws_fixture.hpp"

namespace agora::net::testing {
namespace {

using wire::message_kind;

class hostile_peer_test : public ws_test {
 protected:
  void SetUp() override {
    ws_test::SetUp();
    listen();
    add_provider(1, url());
    ASSERT_TRUE(eventually([this] { return healthy(1); }));
  }

  /// The honest provider is still registered, healthy, and serves a task.
  void expect_honest_provider_serves() {
    EXPECT_TRUE(healthy(1));
    EXPECT_EQ(serve_task(1).back(), message_kind::ComputeProof);
  }

  const refusal_counters& refusals() const { return listener_->metrics().refusals; }

  /// A sealed Heartbeat whose signature no longer matches its payload.
  static bytes badly_signed_heartbeat() {
    const private_key key = wire::samples::test_key(400);
    bytes sealed = wire::seal(wire::samples::sample_of<wire::Heartbeat>(key), key);
    const auto* signature = wire::GetEnvelope(sealed.data())->signature();
    const size_t at = static_cast<size_t>(signature->Data() - sealed.data());
    sealed[at + 10] ^= 0x5a;
    return sealed;
  }
};

TEST_F(hostile_peer_test, garbage_messages_are_counted_then_closed_with_policy_error) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.upgrade());
  const bytes garbage{'n', 'o', 't', ' ', 'a', 'n', ' ', 'e', 'n', 'v', 'e', 'l', 'o', 'p', 'e'};
  for (uint32_t i = 0; i <= test_limits().malformed_frames_max; ++i)
    ASSERT_FALSE(peer.write(garbage));
  const peer_read end = peer.read_until_end();
  EXPECT_EQ(end.ec, websocket::error::closed) << end.ec.message();
  EXPECT_EQ(end.close_code, static_cast<uint16_t>(websocket::close_code::policy_error));
  EXPECT_EQ(refusals().malformed.load(), test_limits().malformed_frames_max + 1);
  EXPECT_EQ(status().refused, 0u);  // nothing malformed reached the relay actor
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, an_oversize_message_is_closed_with_too_big) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.upgrade());
  const bytes huge(test_limits().frame_bytes_max + 1, 0x42);
  peer.write(huge);  // the relay may close before it has read it all
  const peer_read end = peer.read_until_end();
  EXPECT_TRUE(end.ec) << "the connection stayed open";
  if (end.ec == websocket::error::closed) {
    EXPECT_EQ(end.close_code, static_cast<uint16_t>(websocket::close_code::too_big));
  }
  EXPECT_TRUE(eventually([this] { return refusals().oversize.load() == 1; }));
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, a_bad_signature_gets_an_error_frame_and_is_counted) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.upgrade());
  const uint64_t refused = status().refused;
  ASSERT_FALSE(peer.write(badly_signed_heartbeat()));
  const peer_read answer = peer.read();
  ASSERT_FALSE(answer.ec) << answer.ec.message();
  auto opened = wire::open(answer.message);
  ASSERT_TRUE(opened) << opened.error().to_string();
  ASSERT_EQ(opened->kind(), message_kind::ErrorFrame);
  EXPECT_EQ(opened->signer(), relay_key_.address());
  EXPECT_EQ(opened->as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::bad_signature));
  EXPECT_EQ(status().refused, refused + 1);
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, a_frame_flood_is_disconnected_and_counted) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.upgrade());
  const bytes frame = badly_signed_heartbeat();
  for (uint32_t i = 0; i < 3 * test_limits().frames_burst; ++i)
    if (peer.write(frame))
      break;  // the relay already closed
  const peer_read end = peer.read_until_end();
  EXPECT_EQ(end.ec, websocket::error::closed) << end.ec.message();
  EXPECT_EQ(end.close_code, static_cast<uint16_t>(websocket::close_code::policy_error));
  EXPECT_EQ(refusals().rate.load(), 1u);
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, a_slowloris_upgrade_is_cut_off_after_the_handshake_timeout) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.connect());
  ASSERT_FALSE(peer.send_raw("GET /v1/provider/connect HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const auto left = peer.read_until_closed(5s);
  ASSERT_TRUE(left.has_value()) << "the relay kept a half-finished upgrade open";
  EXPECT_TRUE(left->empty());
  EXPECT_TRUE(eventually([this] { return refusals().handshake_timeout.load() == 1; }));
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, connections_over_the_per_address_limit_are_refused) {
  // The honest provider holds one of the address's slots; three upgraded peers take the rest.
  std::vector<std::unique_ptr<test_peer>> peers;
  for (size_t i = 1; i < test_limits().connections_per_ip_max; ++i) {
    peers.push_back(std::make_unique<test_peer>(listener_->port()));
    ASSERT_FALSE(peers.back()->upgrade());
  }
  ASSERT_TRUE(eventually([this] { return listener_->metrics().connections_open.load() == 4; }));
  test_peer extra(listener_->port());
  ASSERT_FALSE(extra.connect());
  EXPECT_TRUE(extra.read_until_closed(5s).has_value()) << "the extra connection stayed open";
  EXPECT_EQ(refusals().per_ip.load(), 1u);
  EXPECT_EQ(listener_->metrics().connections_refused.load(), 1u);
  for (auto& p : peers)
    p->close();
  EXPECT_TRUE(eventually([this] { return listener_->metrics().connections_open.load() == 1; }));
  expect_honest_provider_serves();
}

TEST_F(hostile_peer_test, a_wrong_path_gets_a_404) {
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.connect());
  ASSERT_FALSE(peer.send_raw("GET /v1/admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  const auto response = peer.read_until_closed(5s);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->rfind("HTTP/1.1 404", 0), 0u) << *response;
  EXPECT_EQ(refusals().bad_path.load(), 1u);
  test_peer upgrade_elsewhere(listener_->port());
  EXPECT_TRUE(upgrade_elsewhere.upgrade("/v1/other"));
  EXPECT_TRUE(eventually([this] { return refusals().bad_path.load() == 2; }));
  expect_honest_provider_serves();
}

TEST_F(ws_test, a_silent_peer_is_dropped_after_the_idle_timeout) {
  ws_limits limits = test_limits();
  limits.idle_timeout = 400ms;
  listen(limits);
  test_peer peer(listener_->port());
  ASSERT_FALSE(peer.upgrade());  // then never reads: the relay's pings go unanswered
  EXPECT_TRUE(
      eventually([this] { return listener_->metrics().refusals.idle_timeout.load() == 1; }));
  EXPECT_EQ(listener_->metrics().connections_open.load(), 0u);
}

}  // namespace
}  // namespace agora::net::testing
