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

}  // namespace agora::bench
