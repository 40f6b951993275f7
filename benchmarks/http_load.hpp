// A closed-loop HTTP/1.1 load generator for agora-bench (the gateway suite): `connections`
// kept-alive connections on one io_context thread, each sending the same POST again as soon as
// its previous answer arrived, for `seconds`. Counts answers by status and records every
// latency, so the suite reports requests/s and percentiles of what a client saw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::bench {

struct http_load_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/v1/chat/completions";
  std::string body;
  size_t connections = 1;
  double seconds = 1.0;
};

struct http_load_result {
  uint64_t ok = 0;                   // 200 answers
  uint64_t failed = 0;               // other statuses, broken connections
  double seconds = 0;                // measured span
  std::vector<double> latencies_us;  // of the 200 answers, sorted

  double requests_per_second() const { return seconds > 0 ? ok / seconds : 0; }
  /// The q-quantile (0–1) of the latencies; 0 when none.
  double percentile_us(double q) const;
};

http_load_result run_http_load(const http_load_options& options);

/// Time to the first content token over SSE: POSTs `body` (a streaming request) on a fresh
/// connection and returns the microseconds until the first `data:` line that carries content,
/// or a negative value when none came.
double time_to_first_token_us(const http_load_options& options);

}  // namespace agora::bench
