// The gateway suite of agora-bench (issue: OpenAI-compatible gateway): the whole one-machine
// network of `agora up` started in this process on ephemeral ports, then mock-model chat
// completions at 1, 64 and 256 concurrent keep-alive connections from a load generator on the
// same machine (requests/s, p50, p99), and the time to the first token over SSE.
#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <cstdio>

#include "actors/common/message_types.hpp"
#include "benchmarks/http_load.hpp"
#include "benchmarks/scratch_dir.hpp"
#include "benchmarks/suites.hpp"
#include "net/node/local_network.hpp"

namespace agora::bench {

namespace {

constexpr const char* chat_body =
    R"({"model":"mock-model","messages":[{"role":"user","content":"benchmark me"}],)"
    R"("max_tokens":16,"temperature":0})";
constexpr const char* stream_body =
    R"({"model":"mock-model","messages":[{"role":"user","content":"benchmark me"}],)"
    R"("max_tokens":16,"temperature":0,"stream":true})";

void add_load_figures(report& out, uint16_t port, size_t connections, double seconds) {
  http_load_options o{"127.0.0.1", port, "/v1/chat/completions", chat_body, connections, seconds};
  const http_load_result r = run_http_load(o);
  const std::string at = " @" + std::to_string(connections) + " conn";
  out.add({"chat completions" + at, r.requests_per_second(), "req/s",
           "goal: 20,000 req/s at 256 conn on 2 cores"});
  out.add({"p50 latency" + at, r.percentile_us(0.50), "µs", ""});
  out.add({"p99 latency" + at, r.percentile_us(0.99), "µs", ""});
  if (r.failed > 0)
    out.note("failed requests" + at, std::to_string(r.failed));
}

void add_ttft_figure(report& out, uint16_t port) {
  http_load_options o{"127.0.0.1", port, "/v1/chat/completions", stream_body, 1, 0};
  std::vector<double> samples;
  for (int i = 0; i < 21; ++i)
    if (double us = time_to_first_token_us(o); us >= 0)
      samples.push_back(us);
  std::sort(samples.begin(), samples.end());
  out.add({"time to first token (SSE, median of 21)",
           samples.empty() ? 0 : samples[samples.size() / 2], "µs",
           "mock-model: the market path's own latency"});
}

}  // namespace

report run_gateway_suite(const options& opts) {
  report out("gateway");
  scratch_dir dir(opts.scratch_dir, "gateway");
  caf::actor_system_config cfg;
  actors::add_agora_message_types(cfg);
  caf::actor_system sys{cfg};
  net::local_network_options network;
  network.data_dir = dir.path();
  network.gateway_port = 0;
  network.relay_port = 0;
  auto node = net::local_network::start(sys, network);
  if (!dir.ok() || !node) {
    out.note("error", node ? "no scratch directory" : node.error().to_string());
    return out;
  }
  out.note("setup", "agora up in-process (escrow on RocksDB, sync on), load generator on 1 thread");
  for (size_t connections : {size_t{1}, size_t{64}, size_t{256}})
    add_load_figures(out, (*node)->gateway_port(), connections, opts.seconds);
  add_ttft_figure(out, (*node)->gateway_port());
  (*node)->stop();
  return out;
}

}  // namespace agora::bench
