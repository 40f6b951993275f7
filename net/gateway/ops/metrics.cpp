// The Prometheus exposition of the gateway's counters and the relay's status (metrics.hpp).
#include "net/gateway/ops/metrics.hpp"

#include <fmt/format.h>

#include <caf/send.hpp>
#include <map>

#include "core/assert.hpp"
#include "net/gateway/inference.hpp"

namespace agora::net::gateway {

namespace {

/// A label value as the text format wants it: backslash, double quote and newline escaped.
std::string escaped(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            uint64_t value) {
  family(out, name, type, help);
  out += fmt::format("{} {}\n", name, value);
}

/// Seconds as the text format prints floats: "0.0025", "30".
std::string seconds(uint64_t ns) {
  return fmt::format("{}", static_cast<double>(ns) / 1e9);
}

void requests(std::string& out, const gateway_counters& c) {
  family(out, "agora_gateway_requests_total", "counter",
         "Requests answered, by route and HTTP status.");
  for (const auto& [key, count] : c.requests())
    out += fmt::format("agora_gateway_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       escaped(key.first), key.second, count);
}

void histogram(std::string& out, const route_counters& r) {
  constexpr std::string_view name = "agora_gateway_request_duration_seconds";
  const latency_histogram::snapshot s = r.latency().read();
  const std::string route = escaped(r.name());
  for (size_t i = 0; i < latency_histogram::bounds_ns.size(); ++i)
    out += fmt::format("{}_bucket{{route=\"{}\",le=\"{}\"}} {}\n", name, route,
                       seconds(latency_histogram::bounds_ns[i]), s.cumulative[i]);
  out += fmt::format("{}_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", name, route, s.count);
  out += fmt::format("{}_sum{{route=\"{}\"}} {}\n", name, route, seconds(s.sum_ns));
  out += fmt::format("{}_count{{route=\"{}\"}} {}\n", name, route, s.count);
}

void latencies(std::string& out, const gateway_counters& c) {
  family(out, "agora_gateway_request_duration_seconds", "histogram",
         "Time from dispatch to the whole answer (a stream: to its end), by route.");
  c.for_each_route([&out](const route_counters& r) { histogram(out, r); });
}

void refusals(std::string& out, const gateway_counters& c) {
  family(out, "agora_gateway_refusals_total", "counter",
         "Answers with status >= 400, by reason (the OpenAI error code) and status.");
  for (const auto& [key, count] : c.refusals())
    out += fmt::format("agora_gateway_refusals_total{{reason=\"{}\",status=\"{}\"}} {}\n",
                       escaped(key.first), key.second, count);
}

void gateway_totals(std::string& out, const gateway_counters& c) {
  single(out, "agora_gateway_prompt_tokens_total", "counter", "Prompt tokens of verified proofs.",
         c.prompt_tokens.load());
  single(out, "agora_gateway_completion_tokens_total", "counter",
         "Completion tokens of verified proofs.", c.completion_tokens.load());
  single(out, "agora_gateway_proofs_verified_total", "counter",
         "ComputeProofs that passed every check.", c.proofs_verified.load());
  single(out, "agora_gateway_proofs_rejected_total", "counter",
         "ComputeProofs refused (answered 502).", c.proofs_rejected.load());
  single(out, "agora_gateway_settlements_total", "counter",
         "Results served whose proof the relay settled with the escrow first.",
         c.settlements.load());
  single(out, "agora_gateway_settled_micros_total", "counter",
         "Micro-units the settled results cost their paying accounts.", c.settled_micros.load());
}

/// The state label of a provider: its liveness, or draining.
std::string_view state_of(const actors::relay_provider_status& p) {
  return p.draining ? std::string_view("draining") : relay::to_string(p.state);
}

void relay_gauges(std::string& out, const actors::relay_status& relay) {
  std::map<std::string_view, uint64_t> by_state{
      {"healthy", 0}, {"unhealthy", 0}, {"offline", 0}, {"draining", 0}};
  for (const actors::relay_provider_status& p : relay.providers)
    ++by_state[state_of(p)];
  single(out, "agora_active_providers", "gauge",
         "Providers healthy and not draining: the ones that get work now.", by_state["healthy"]);
  family(out, "agora_relay_providers", "gauge", "Registered providers, by state.");
  for (const auto& [state, count] : by_state)
    out += fmt::format("agora_relay_providers{{state=\"{}\"}} {}\n", state, count);
  single(out, "agora_relay_tasks", "gauge", "Tasks the relay tracks now.", relay.tasks);
  single(out, "agora_relay_escrow_reports_total", "counter",
         "Settle, Refund and Slash reports the relay sent to the escrow.", relay.escrow_sent);
  single(out, "agora_relay_escrow_reports_failed_total", "counter",
         "Of those, the ones the escrow finally refused or never took.", relay.escrow_failed);
}

}  // namespace

std::string prometheus_text(const gateway_counters& counters, const actors::relay_status* relay) {
  std::string out;
  requests(out, counters);
  latencies(out, counters);
  refusals(out, counters);
  gateway_totals(out, counters);
  single(out, "agora_relay_up", "gauge", "1 if the relay answered the status query, else 0.",
         relay != nullptr ? 1 : 0);
  if (relay != nullptr)
    relay_gauges(out, *relay);
  AGORA_ASSERT(out.ends_with('\n'));
  return out;
}

route_handler metrics_route(caf::actor gateway_actor,
                            std::shared_ptr<const gateway_counters> counters) {
  AGORA_ASSERT(gateway_actor != nullptr);
  AGORA_ASSERT(counters != nullptr);
  return [gateway_actor, counters](const http_request&, std::string_view,
                                   std::shared_ptr<reply_channel> reply) {
    relay_status_call call{[reply, counters](const result<actors::relay_status>& status) {
      reply->text(http::status::ok, "text/plain; version=0.0.4",
                  prometheus_text(*counters, status ? &*status : nullptr));
    }};
    caf::anon_send(gateway_actor, actors::status_atom_v, std::move(call));
  };
}

}  // namespace agora::net::gateway
