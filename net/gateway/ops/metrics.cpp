// The Prometheus exposition of the gateway's counters (metrics.hpp).
#include "net/gateway/ops/metrics.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace agora::net::gateway {

namespace {

void counter(std::string& out, const char* name, const char* help, uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
}

}  // namespace

std::string prometheus_text(const gateway_counters& c) {
  std::string out =
      "# HELP agora_gateway_requests_total Requests answered, by route and HTTP status.\n"
      "# TYPE agora_gateway_requests_total counter\n";
  for (const auto& [key, count] : c.requests())
    out += fmt::format("agora_gateway_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, count);
  counter(out, "agora_gateway_prompt_tokens_total", "Prompt tokens of verified proofs.",
          c.prompt_tokens.load());
  counter(out, "agora_gateway_completion_tokens_total", "Completion tokens of verified proofs.",
          c.completion_tokens.load());
  counter(out, "agora_gateway_proofs_verified_total", "ComputeProofs that passed every check.",
          c.proofs_verified.load());
  counter(out, "agora_gateway_proofs_rejected_total", "ComputeProofs refused (answered 502).",
          c.proofs_rejected.load());
  return out;
}

route_handler metrics_route(std::shared_ptr<const gateway_counters> counters) {
  AGORA_ASSERT(counters != nullptr);
  return [counters](const http_request&, std::string_view, std::shared_ptr<reply_channel> reply) {
    reply->text(http::status::ok, "text/plain; version=0.0.4", prometheus_text(*counters));
  };
}

}  // namespace agora::net::gateway
