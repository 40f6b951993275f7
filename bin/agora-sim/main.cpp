// agora-sim: deterministic simulation of the market from scenario files (DESIGN §9,
// docs/SIMULATION.md). `run` builds a scenario's world from a seed and prints its timeline,
// final balances, expectations and statistics; `list` names the shipped scenarios; `fuzz` runs
// random worlds drawn from a range of seeds against the invariants and stops at the first
// violation. Wall time is measured here only (statistics), never inside the world.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "sim/fuzz.hpp"
#include "sim/market.hpp"

namespace {

using namespace agora;

struct run_args {
  std::string file;
  std::optional<uint64_t> seed;
  std::string until;
  std::string trace_file;
  bool json = false;
  bool quiet = false;
};

void print_balances(const sim::run_report& r) {
  std::printf("\nfinal balances (micro-units)\n  %-16s %-8s %14s %14s %14s\n", "party", "role",
              "balance", "earnings", "stake");
  for (const sim::party_balances& p : r.parties)
    std::printf("  %-16s %-8s %14lld %14lld %14lld\n", p.name.c_str(),
                p.provider ? "provider" : "renter", static_cast<long long>(p.balance),
                static_cast<long long>(p.earnings), static_cast<long long>(p.stake));
  std::printf("  external %lld, slashed %lld, protocol fee %lld\n",
              static_cast<long long>(r.external), static_cast<long long>(r.slashed),
              static_cast<long long>(r.protocol_fee));
}

void print_report(const sim::run_report& r, double wall_s) {
  print_balances(r);
  std::printf("\nexpectations\n");
  for (const sim::expectation_result& e : r.expectations)
    std::printf("  %s %s (%s)\n", e.pass ? "PASS" : "FAIL", e.name.c_str(), e.detail.c_str());
  for (const std::string& v : r.violations)
    std::printf("  INVARIANT BROKEN: %s\n", v.c_str());
  std::printf("\nstatistics: %llu events, %.3f simulated s, %.3f wall s, %.0fx compression; "
              "stopped: %s\n",
              static_cast<unsigned long long>(r.events), r.sim_seconds, wall_s,
              wall_s > 0 ? r.sim_seconds / wall_s : 0.0, sim::to_string(r.stop));
  std::printf("tasks: %llu submitted, %llu holds settled, %llu refunded, %llu disputes\n",
              static_cast<unsigned long long>(r.tasks_submitted),
              static_cast<unsigned long long>(r.holds_settled),
              static_cast<unsigned long long>(r.holds_refunded),
              static_cast<unsigned long long>(r.disputes));
  std::printf("trace: %s\n", r.trace_hash.c_str());
}

std::string json_line(const sim::run_report& r, double wall_s) {
  boost::json::array expectations;
  for (const sim::expectation_result& e : r.expectations)
    expectations.push_back(boost::json::object{{"name", e.name}, {"pass", e.pass}});
  const boost::json::object o{{"seed", r.seed},
                              {"trace_hash", r.trace_hash},
                              {"expectations", std::move(expectations)},
                              {"invariants_ok", r.violations.empty()},
                              {"events", r.events},
                              {"sim_seconds", r.sim_seconds},
                              {"wall_seconds", wall_s}};
  return boost::json::serialize(o);
}

int run(const run_args& a) {
  auto s = sim::load_scenario(a.file);
  if (!s) {
    std::fprintf(stderr, "agora-sim: %s\n", s.error().message.c_str());
    return 2;
  }
  sim::run_options o;
  o.seed = a.seed;
  if (!a.until.empty()) {
    auto until = sim::parse_duration_s(a.until);
    if (!until) {
      std::fprintf(stderr, "agora-sim: --until: %s\n", until.error().message.c_str());
      return 2;
    }
    o.until_s = *until;
  }
  const system_clock_source wall;
  const wall_time started = wall.now();
  const sim::run_report r = sim::run_scenario(*s, o);
  const double wall_s = std::chrono::duration<double>(wall.now() - started).count();
  std::printf("agora-sim: scenario %s (%s)\n", s->name.c_str(), a.file.c_str());
  for (const std::string& line : r.options)
    std::printf("  %s\n", line.c_str());
  if (!a.quiet)
    std::printf("\ntimeline\n%s", r.trace_text.c_str());
  print_report(r, wall_s);
  if (!a.trace_file.empty())
    std::ofstream(a.trace_file, std::ios::binary) << r.trace_text;
  if (a.json)
    std::printf("%s\n", json_line(r, wall_s).c_str());
  return r.ok() ? 0 : 1;
}

// -------------------------------------------------------------------------------------------------
// fuzz

/// What the SIGABRT handler prints when a role's assertion aborts the process mid-world: the
/// seed of the world that was running (written before each world; async-signal-safe to print).
char abort_note[96] = "";

extern "C" void on_abort(int) {
  const ssize_t ignored = write(STDERR_FILENO, abort_note, std::strlen(abort_note));
  (void)ignored;
}

struct fuzz_args {
  std::string seeds;
  std::string scenario_file;
  bool both_directions = false;
};

/// "A..B" (inclusive) or "A": the seed range.
bool parse_seeds(const std::string& text, uint64_t* first, uint64_t* last) {
  const size_t dots = text.find("..");
  try {
    size_t used = 0;
    *first = std::stoull(text.substr(0, dots), &used);
    if (used != (dots == std::string::npos ? text.size() : dots))
      return false;
    *last = *first;
    if (dots != std::string::npos) {
      *last = std::stoull(text.substr(dots + 2), &used);
      if (used != text.size() - dots - 2)
        return false;
    }
  } catch (const std::exception&) {
    return false;
  }
  return *first <= *last;
}

void print_violation(const sim::fuzz_result& f) {
  std::printf("\nagora-sim fuzz: seed %llu BROKE the invariants\n",
              static_cast<unsigned long long>(f.seed));
  for (const std::string& line : f.report.options)
    std::printf("  %s\n", line.c_str());
  for (const std::string& v : f.report.violations)
    std::printf("  INVARIANT BROKEN: %s\n", v.c_str());
  for (const sim::expectation_result& e : f.report.expectations)
    if (!e.pass)
      std::printf("  FAIL %s (%s)\n", e.name.c_str(), e.detail.c_str());
  std::printf("\nlast events\n%s", sim::last_lines(f.report.trace_text, 30).c_str());
  std::printf("replay: agora-sim fuzz --seeds %llu%s\n", static_cast<unsigned long long>(f.seed),
              " (add --trace via run on a saved scenario for the whole timeline)");
}

int fuzz(const fuzz_args& a) {
  uint64_t first = 0, last = 0;
  if (!parse_seeds(a.seeds, &first, &last)) {
    std::fprintf(stderr, "agora-sim fuzz: --seeds: expected A..B with A <= B, got \"%s\"\n",
                 a.seeds.c_str());
    return 2;
  }
  std::optional<sim::scenario> base;
  if (!a.scenario_file.empty()) {
    auto s = sim::load_scenario(a.scenario_file);
    if (!s) {
      std::fprintf(stderr, "agora-sim: %s\n", s.error().message.c_str());
      return 2;
    }
    base = std::move(*s);
  }
  const bool tty = isatty(fileno(stdout)) != 0;
  const system_clock_source wall;
  const wall_time started = wall.now();
  uint64_t events = 0;
  double sim_s = 0;
  const uint64_t total = last - first + 1;
  std::signal(SIGABRT, on_abort);
  for (uint64_t seed = first;; ++seed) {
    std::snprintf(abort_note, sizeof abort_note,
                  "\nagora-sim fuzz: seed %llu aborted (an assertion failed)\n",
                  static_cast<unsigned long long>(seed));
    const sim::fuzz_result f =
        sim::fuzz_one(seed, base ? &*base : nullptr, {.both_directions = a.both_directions});
    events += f.report.events;
    sim_s += f.report.sim_seconds;
    const uint64_t done = seed - first + 1;
    if (tty) {
      const int width = 30, filled = static_cast<int>(width * done / total);
      std::printf("\r[%s%s] %llu/%llu seeds", std::string(filled, '#').c_str(),
                  std::string(width - filled, ' ').c_str(), static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total));
      std::fflush(stdout);
    }
    if (!f.ok) {
      print_violation(f);
      return 1;
    }
    if (seed == last)
      break;
  }
  const double wall_s = std::chrono::duration<double>(wall.now() - started).count();
  std::printf("%sagora-sim fuzz: %llu worlds (seeds %llu..%llu), no violation; %llu events, "
              "%.0f simulated s, %.3f wall s\n",
              tty ? "\n" : "", static_cast<unsigned long long>(total),
              static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
              static_cast<unsigned long long>(events), sim_s, wall_s);
  return 0;
}

int list() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(AGORA_SCENARIO_DIR))
    if (entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto s = sim::load_scenario(f.string());
    std::printf("%-24s %s\n", f.stem().c_str(),
                s ? s->description.c_str() : s.error().message.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace agora;
  CLI::App app{"agora-sim: replay market scenarios in virtual time from a seed", "agora-sim"};
  app.require_subcommand(1);
  run_args a;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario file");
  run_cmd->add_option("file", a.file, "Scenario JSON file")->required();
  run_cmd->add_option("--seed", a.seed, "World seed (default: the scenario's)");
  run_cmd->add_option("--until", a.until,
                      "Virtual time to stop at, e.g. 90m (default: "
                      "the scenario's duration plus 30 m)");
  run_cmd->add_option("--trace", a.trace_file, "Write the trace to this file");
  run_cmd->add_flag("--json", a.json, "End with one JSON line of results");
  run_cmd->add_flag("--quiet,-q", a.quiet, "No timeline");
  auto* fuzz_cmd = app.add_subcommand("fuzz", "Run random worlds against the invariants");
  fuzz_args f;
  fuzz_cmd->add_option("--seeds", f.seeds, "Seed range A..B (inclusive)")->required();
  fuzz_cmd->add_option("--scenario", f.scenario_file,
                       "Run this scenario with each seed instead of drawing worlds");
  fuzz_cmd->add_flag("--both-directions", f.both_directions,
                     "Draw link faults towards the relay too (finds known role bugs)");
  auto* list_cmd = app.add_subcommand("list", "List the shipped scenarios");
  log_options logging{.level = "warn"};
  app.add_option("--log", logging.level, "Actor log level (trace|debug|info|warn|error|off)");
  CLI11_PARSE(app, argc, argv);
  if (status ok = setup_logging(logging); !ok) {
    std::fprintf(stderr, "agora-sim: --log: %s\n", ok.error().message.c_str());
    return 2;
  }
  if (run_cmd->parsed())
    return run(a);
  if (list_cmd->parsed())
    return list();
  if (fuzz_cmd->parsed())
    return fuzz(f);
  return 2;
}
