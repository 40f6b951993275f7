// wss:// between a provider and the relay: a self-signed certificate made in the test, a link
// that pins it as its only CA registers and serves a task; a link that trusts only the system
// CA store refuses the same server and keeps retrying.

#include <gtest/gtest.h>

#include "tests/net/ws/self_signed.hpp"
#include "tests/net/ws/ws_fixture.hpp"

namespace agora::net::testing {
namespace {

class wss_test : public ws_test {
 protected:
  void SetUp() override {
    ws_test::SetUp();
    listen(test_limits(), 0, certificate_.certificate_file, certificate_.key_file);
    ASSERT_TRUE(listener_->tls());
  }

  self_signed certificate_{"relay"};
};

TEST_F(wss_test, a_provider_pinned_to_the_relay_certificate_registers_and_serves) {
  provider_link& link = add_provider(1, url("wss"), certificate_.certificate_file);
  ASSERT_TRUE(eventually([this] { return healthy(1); })) << "provider 1 never registered";
  EXPECT_EQ(link.metrics().connects.load(), 1u);
  EXPECT_EQ(serve_task(1).back(), wire::message_kind::ComputeProof);
}

TEST_F(wss_test, a_provider_refuses_an_unpinned_self_signed_relay) {
  provider_link& link = add_provider(1, url("wss"));  // the system CA store only
  ASSERT_TRUE(eventually([&link] { return link.metrics().connect_failures.load() >= 2; }));
  EXPECT_EQ(link.metrics().connects.load(), 0u);
  EXPECT_FALSE(provider_status(1).has_value());
  EXPECT_EQ(listener_->metrics().upgrades.load(), 0u);
}

TEST_F(wss_test, a_provider_pinned_to_another_certificate_refuses_the_relay) {
  self_signed other("other");
  provider_link& link = add_provider(1, url("wss"), other.certificate_file);
  ASSERT_TRUE(eventually([&link] { return link.metrics().connect_failures.load() >= 2; }));
  EXPECT_EQ(link.metrics().connects.load(), 0u);
  EXPECT_FALSE(provider_status(1).has_value());
}

TEST_F(wss_test, a_plain_ws_client_gets_no_websocket_from_a_tls_listener) {
  provider_link& link = dial(url("ws"));
  ASSERT_TRUE(eventually([&link] { return link.metrics().connect_failures.load() >= 1; }));
  EXPECT_EQ(link.metrics().connects.load(), 0u);
}

}  // namespace
}  // namespace agora::net::testing
