// Task round trips of the network suite (issue 5): a relay (no escrow: proofs are forwarded, not
// settled), its relay_listener on 127.0.0.1 and mock-model providers behind their own
// provider_link, all in this process but talking over real WebSocket connections. Closed-loop
// clients (one actor per concurrent request) route a freshly sealed TaskRequest to the relay with
// themselves as the task's sink and route the next one when the ComputeProof arrives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::bench {

struct round_trip_options {
  size_t providers = 4;                // each behind its own WebSocket
  uint32_t provider_concurrency = 96;  // max_concurrency and worker queue_max of each
  uint32_t max_tokens = 16;            // mock-model completion length (not streamed)
  std::vector<size_t> concurrency_levels = {1, 64, 256};
  double seconds = 5;  // per level
};

struct round_trip_level {
  size_t concurrency = 0;
  uint64_t completed = 0;  // ComputeProofs received in the window
  uint64_t failed = 0;     // route errors and ErrorFrames
  double seconds = 0;      // measured window
  double cpu_seconds = 0;  // this process's CPU time in the window (relay, providers, clients)
  std::vector<double> latencies_us;  // route sent → ComputeProof received, sorted

  double per_second() const { return seconds > 0 ? double(completed) / seconds : 0; }
  /// CPU microseconds per completed task, all parts together: robust to a busy host.
  double cpu_us_per_task() const {
    return completed > 0 ? cpu_seconds / double(completed) * 1e6 : 0;
  }
  /// The q-quantile (0–1) of the latencies; 0 when none.
  double percentile_us(double q) const;
};

struct round_trip_run {
  std::string error;  // empty: the network started and every level ran
  std::vector<round_trip_level> levels;
};

round_trip_run run_round_trips(const round_trip_options& options);

}  // namespace agora::bench
