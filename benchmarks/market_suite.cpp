// The market suite of agora-bench: relay matching with 10,000 registered providers and the escrow
// ledger's durable operations and settlements (issue: marketplace core).
#include "benchmarks/market.hpp"
#include "benchmarks/suites.hpp"

namespace agora::bench {

report run_market_suite(const options& opts) {
  report out("market");
  add_relay_figures(out, opts);
  add_escrow_figures(out, opts);
  return out;
}

}  // namespace agora::bench
