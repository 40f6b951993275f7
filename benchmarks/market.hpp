// The parts of agora-bench's market suite, one function per component, each adding its figures
// to the suite's report (the suite itself is declared in suites.hpp).
#pragma once

#include "benchmarks/report.hpp"

namespace agora::bench {

/// Relay figures (benchmarks/relay_bench.cpp): routes per second and route latency p50/p99
/// with 10,000 registered providers, in two shapes of model spread.
void add_relay_figures(report& out, const options& opts);

/// Escrow ledger figures (benchmarks/escrow_bench.cpp) on a real directory under
/// opts.scratch_dir: ledger operations per second, one operation per store::apply (unbatched),
/// synced and not, and settlements per second including the ComputeProof's signature recovery.
void add_escrow_figures(report& out, const options& opts);

}  // namespace agora::bench
