// render_prometheus: every counter appears once with its type line and current value.

#include "net/ws/ws_metrics.hpp"

#include <gtest/gtest.h>

namespace agora::net {
namespace {

TEST(ws_metrics, renders_prometheus_text) {
  ws_metrics m;
  m.connections_accepted = 7;
  m.connections_open = 2;
  m.frames.in = 41;
  m.refusals.rate = 3;
  m.refusals.bad_path = 1;
  const std::string text = render_prometheus(m);
  EXPECT_NE(text.find("# TYPE agora_ws_connections_accepted_total counter\n"
                      "agora_ws_connections_accepted_total 7\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE agora_ws_connections_open gauge\nagora_ws_connections_open 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("agora_ws_frames_in_total 41\n"), std::string::npos);
  EXPECT_NE(text.find("agora_ws_refusals_total{reason=\"rate\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("agora_ws_refusals_total{reason=\"bad_path\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("agora_ws_refusals_total{reason=\"handshake_timeout\"} 0\n"),
            std::string::npos);
  EXPECT_EQ(text.find("# TYPE agora_ws_refusals_total"),
            text.rfind("# TYPE agora_ws_refusals_total"));
}

}  // namespace
}  // namespace agora::net
