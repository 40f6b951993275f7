// parse_ws_url: schemes, default ports and path, IPv6 hosts, and what is refused.

#include "net/ws/ws_url.hpp"

#include <gtest/gtest.h>

namespace agora::net {
namespace {

TEST(ws_url, defaults_the_port_and_the_provider_path) {
  auto u = parse_ws_url("ws://relay.example.org");
  ASSERT_TRUE(u) << u.error().to_string();
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "relay.example.org");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, provider_connect_path);
  EXPECT_EQ(u->host_header(), "relay.example.org:80");
  EXPECT_FALSE(u->host_is_address());
  auto s = parse_ws_url("wss://relay.example.org/");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->tls);
  EXPECT_EQ(s->port, 443);
  EXPECT_EQ(s->target, provider_connect_path);
}

TEST(ws_url, keeps_an_explicit_port_path_and_address) {
  auto u = parse_ws_url("wss://127.0.0.1:4443/v2/connect?region=eu");
  ASSERT_TRUE(u) << u.error().to_string();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 4443);
  EXPECT_EQ(u->target, "/v2/connect?region=eu");
  EXPECT_TRUE(u->host_is_address());
  auto v6 = parse_ws_url("ws://[::1]:9000");
  ASSERT_TRUE(v6) << v6.error().to_string();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->host_is_address());
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
}

TEST(ws_url, refuses_other_schemes_and_odd_parts) {
  for (const char* bad : {"http://relay:80", "relay:80", "ws://", "ws://user:pw@relay",
                          "ws://relay/#frag", "ws://relay:0", "not a url"}) {
    auto u = parse_ws_url(bad);
    EXPECT_FALSE(u) << bad;
    if (!u) {
      EXPECT_EQ(u.error().code, errc::invalid_argument) << bad;
    }
  }
}

}  // namespace
}  // namespace agora::net
