// The agora-bench suites. Each suite measures, fills a report and returns it; bin/agora-bench
// picks suites by name and prints them.
#pragma once

#include "benchmarks/report.hpp"

namespace agora::bench {

/// secp256k1 sign, verify and recover per second on one core.
report run_crypto_suite(const options& opts);
/// Durable RocksDB batched writes per second, sync on and off, and batch-size effects.
report run_storage_suite(const options& opts);
/// Relay routes per second and latency; escrow ledger operations and settlements per second.
report run_market_suite(const options& opts);
/// mock-model chat completions through `agora up` (in-process) at 1, 64 and 256 connections,
/// and the time to the first token over SSE.
report run_gateway_suite(const options& opts);
/// One relay (own process) with 10,000 heartbeating WebSocket providers: RSS per idle
/// connection and CPU; task round trips over ws:// at 1, 64 and 256 concurrent requests.
report run_network_suite(const options& opts);
/// The inference engine: prefill and batch-1 decode of GPT-2 124M and TinyLlama-1.1B shapes
/// beside the machine's bandwidth and SGEMM floors.
report run_engine_suite(const options& opts);
/// The simulation's core loop in events per second and a simulated market's time compression.
report run_sim_suite(const options& opts);

}  // namespace agora::bench
