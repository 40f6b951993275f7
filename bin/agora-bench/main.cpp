// agora-bench: runs benchmark suites and prints each as a table (or one JSON object per suite
// with --json). Each figure stands beside the reference it is compared with (docs/BENCHMARKS.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <map>

#include "benchmarks/suites.hpp"

namespace {

using suite_fn = std::function<agora::bench::report(const agora::bench::options&)>;

const std::map<std::string, std::pair<suite_fn, std::string>>& suites() {
  static const std::map<std::string, std::pair<suite_fn, std::string>> all = {
      {"crypto", {agora::bench::run_crypto_suite, "secp256k1 sign/verify/recover per core"}},
      {"storage", {agora::bench::run_storage_suite, "RocksDB durable batched writes"}},
      {"market", {agora::bench::run_market_suite, "relay matching and escrow ledger"}},
      {"network",
       {agora::bench::run_network_suite,
        "relay with 10,000 WebSocket providers; task round trips over ws://"}},
      {"gateway", {agora::bench::run_gateway_suite, "OpenAI chat completions through agora up"}},
      {"engine",
       {agora::bench::run_engine_suite, "inference engine prefill and decode vs hardware floors"}},
      {"sim", {agora::bench::run_sim_suite, "simulation core loop and market time compression"}},
  };
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"agora-bench: measure Agora's kernels, engine, market, crypto and storage",
               "agora-bench"};
  std::vector<std::string> names;
  agora::bench::options opts;
  bool json = false;
  std::string help = "Suites to run (all when none):";
  for (const auto& [name, entry] : suites())
    help += " " + name + " (" + entry.second + ");";
  app.add_option("suites", names, help);
  app.add_option("--seconds", opts.seconds, "Time budget per figure")
      ->check(CLI::Range(0.05, 60.0))
      ->capture_default_str();
  app.add_option("--scratch-dir", opts.scratch_dir, "Where on-disk suites write")
      ->capture_default_str();
  app.add_flag("--json", json, "Print one JSON object per suite instead of tables");
  CLI11_PARSE(app, argc, argv);

  if (names.empty())
    for (const auto& [name, entry] : suites())
      names.push_back(name);
  for (const auto& name : names) {
    auto it = suites().find(name);
    if (it == suites().end()) {
      std::fprintf(stderr, "agora-bench: unknown suite '%s' (see --help)\n", name.c_str());
      return 2;
    }
    auto result = it->second.first(opts);
    std::printf("%s\n", json ? result.json().c_str() : result.table().c_str());
    std::fflush(stdout);
  }
  return 0;
}
