// Prometheus text rendering of the WebSocket transport's counters.

#include "net/ws/ws_metrics.hpp"

#include <utility>

namespace agora::net {

namespace {

void add_metric(std::string& out, std::string_view name, std::string_view type, uint64_t value) {
  out.append("# TYPE agora_ws_").append(name).append(" ").append(type).append("\n");
  out.append("agora_ws_").append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

std::string render_prometheus(const ws_metrics& m) {
  std::string out;
  add_metric(out, "connections_accepted_total", "counter", m.connections_accepted.load());
  add_metric(out, "connections_open", "gauge", m.connections_open.load());
  add_metric(out, "connections_refused_total", "counter", m.connections_refused.load());
  add_metric(out, "upgrades_total", "counter", m.upgrades.load());
  add_metric(out, "frames_in_total", "counter", m.frames.in.load());
  add_metric(out, "frames_out_total", "counter", m.frames.out.load());
  const refusal_counters& r = m.refusals;
  const std::pair<std::string_view, const std::atomic<uint64_t>*> reasons[] = {
      {"oversize", &r.oversize},         {"rate", &r.rate},
      {"malformed", &r.malformed},       {"handshake_timeout", &r.handshake_timeout},
      {"idle_timeout", &r.idle_timeout}, {"per_ip", &r.per_ip},
      {"capacity", &r.capacity},         {"bad_path", &r.bad_path},
      {"slow_peer", &r.slow_peer},
  };
  out.append("# TYPE agora_ws_refusals_total counter\n");
  for (const auto& [reason, count] : reasons)
    out.append("agora_ws_refusals_total{reason=\"")
        .append(reason)
        .append("\"} ")
        .append(std::to_string(count->load()))
        .append("\n");
  return out;
}

}  // namespace agora::net
