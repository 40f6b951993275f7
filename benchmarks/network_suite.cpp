// The network suite of agora-bench (issue 5: the provider<->relay WebSocket transport):
//  1. One relay, in a child process of its own (network_relay_process.hpp), with up to 10,000
//     provider connections from a swarm in this process (ws_load_swarm.hpp), each registered
//     with its own signed Register and then heartbeating: the relay's RSS per idle connection
//     and its CPU while they heartbeat.
//  2. Task round trips through relay and mock-model providers over real WebSocket
//     (network_round_trip.hpp): tasks/s, p50 and p99 at 1, 64 and 256 concurrent requests.
// About 45 s at --seconds 1 on 2 cores; the idle window and each level scale with it.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "benchmarks/network_relay_process.hpp"
#include "benchmarks/network_round_trip.hpp"
#include "benchmarks/report.hpp"
#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "benchmarks/ws_load_swarm.hpp"
#include "core/assert.hpp"
#include "core/random.hpp"

namespace agora::bench {

namespace {

constexpr size_t connections_goal = 10'000;
constexpr size_t fds_reserved = 256;  // files, pipes, the acceptor, CAF's own
// 6× the production rate (30 s) so a short window sees every connection beat several times.
constexpr std::chrono::seconds heartbeat_interval{5};
constexpr double registration_timeout_s = 120;
constexpr const char* memory_goal = "goal ≤ 20 KB per idle connection";

std::string format_number(double value, const char* format = "%.1f") {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

/// The 1, 5 and 15 minute load averages: other work on the host skews the wall-clock figures.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

/// Raises RLIMIT_NOFILE's soft limit to the hard limit; the soft limit now in force.
uint64_t raise_fd_limit(uint64_t* hard) {
  rlimit l{};
  const int rc = ::getrlimit(RLIMIT_NOFILE, &l);
  AGORA_ASSERT(rc == 0);
  *hard = l.rlim_max;
  if (l.rlim_cur < l.rlim_max) {
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
    ::getrlimit(RLIMIT_NOFILE, &l);
  }
  return l.rlim_cur;
}

/// Waits until every connection registered or failed, or the timeout; the seconds it took.
double wait_registered(const ws_load_swarm& swarm, size_t connections) {
  stopwatch elapsed;
  const ws_load_counters& c = swarm.counters();
  while (c.registered.load() + c.failed.load() < connections &&
         elapsed.seconds() < registration_timeout_s)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return elapsed.seconds();
}

struct idle_samples {
  relay_process_sample empty;         // listening, no connection yet
  relay_process_sample window_start;  // every connection registered
  relay_process_sample window_end;    // after the idle window
  relay_process_sample with_status;   // the relay's own count of providers, after the window
  uint64_t heartbeats_in_window = 0;  // written by the swarm
  double window_s = 0;
  double registration_s = 0;
};

void add_idle_results(report& out, size_t connections, const ws_load_counters& c,
                      const idle_samples& s) {
  const double registered = double(c.registered.load());
  const double rss_delta = double(s.with_status.rss_bytes) - double(s.empty.rss_bytes);
  const double cpu_s = s.window_end.cpu_seconds - s.window_start.cpu_seconds;
  // The swarm's count: the listener's frames.in counts every message twice (see the notes).
  const double frames = double(s.heartbeats_in_window);
  const double hb_cost_us = frames > 0 ? cpu_s / frames * 1e6 : 0;
  out.add({"provider connections registered", registered, "conn",
           "goal: 10,000 (" + std::to_string(connections) + " dialed)"});
  out.add({"registration (dial + upgrade + Register → Registered)",
           registered / std::max(s.registration_s, 1e-9), "conn/s", "one load thread, 2 cores"});
  out.add({"relay RSS per idle connection", registered > 0 ? rss_delta / registered / 1000 : 0,
           "KB", memory_goal});
  out.add({"relay RSS with all connections", double(s.with_status.rss_bytes) / 1e6, "MB",
           "empty relay: " + format_number(double(s.empty.rss_bytes) / 1e6) + " MB"});
  out.add({"relay CPU while heartbeating (5 s interval)", 100 * cpu_s / s.window_s, "% core",
           format_number(frames / s.window_s, "%.0f") + " Heartbeats/s sent"});
  out.add({"relay CPU per Heartbeat (all costs in window)", hb_cost_us, "µs",
           "verify + registry update"});
  out.add({"relay CPU at the 30 s production interval (est.)",
           100 * hb_cost_us * 1e-6 * registered / 30, "% core", "CPU per Heartbeat × conn / 30 s"});
  out.note("idle relay", "relay counts " + std::to_string(s.with_status.providers) +
                             " providers, " + std::to_string(s.with_status.healthy) + " healthy; " +
                             std::to_string(s.with_status.connections_open) +
                             " connections open; " + std::to_string(s.with_status.refusals) +
                             " refusals");
  out.note("idle swarm", std::to_string(c.upgraded.load()) + " upgraded, " +
                             std::to_string(c.failed.load()) + " failed, " +
                             std::to_string(c.errors.load()) + " ErrorFrames, " +
                             std::to_string(s.heartbeats_in_window) + " Heartbeats in " +
                             format_number(s.window_s) + " s window; relay frames.in counted " +
                             std::to_string(s.window_end.frames_in - s.window_start.frames_in));
}

/// Drives the swarm against the relay child and samples it around the idle window.
bool measure_idle(relay_process& relay, ws_load_swarm& swarm, size_t connections, double idle_s,
                  idle_samples* s) {
  if (!relay.sample(true, &s->empty))
    return false;
  swarm.start();
  s->registration_s = wait_registered(swarm, connections);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the last Registered handled
  const uint64_t heartbeats_before = swarm.counters().heartbeats.load();
  stopwatch window;
  if (!relay.sample(false, &s->window_start))
    return false;
  std::this_thread::sleep_for(std::chrono::duration<double>(idle_s));
  const bool ok = relay.sample(false, &s->window_end);
  s->window_s = window.seconds();
  s->heartbeats_in_window = swarm.counters().heartbeats.load() - heartbeats_before;
  return ok && relay.sample(true, &s->with_status);
}

void add_idle_figures(report& out, const options& opts) {
  uint64_t fd_hard = 0;
  const uint64_t fd_soft = raise_fd_limit(&fd_hard);
  const size_t connections =
      std::min<uint64_t>(connections_goal, fd_soft > fds_reserved ? fd_soft - fds_reserved : 1);
  out.note("fd limit",
           "RLIMIT_NOFILE " + std::to_string(fd_soft) + " (hard " + std::to_string(fd_hard) +
               "); " + std::to_string(connections) + " connections dialed" +
               (connections < connections_goal ? " (fewer than 10,000: fd limit)" : ""));
  seeded_random rng(100);
  relay_process_options ro{private_key::generate(rng)};
  ro.heartbeat_interval_s = static_cast<uint32_t>(heartbeat_interval.count());
  ro.connections_max = connections + 16;
  std::string why;
  std::unique_ptr<relay_process> relay = relay_process::start(ro, &why);  // before any thread
  if (!relay)
    return out.note("idle error", why);
  ws_load_options lo;
  lo.port = relay->port();
  lo.connections = connections;
  lo.relay_id = ro.key.address();
  lo.heartbeat_interval = heartbeat_interval;
  ws_load_swarm swarm(lo);
  idle_samples s;
  const double idle_s = std::max(2.0 * double(heartbeat_interval.count()), 20 * opts.seconds);
  const bool ok = measure_idle(*relay, swarm, connections, idle_s, &s);
  swarm.stop();
  if (!ok)
    return out.note("idle error", "the relay child stopped answering");
  add_idle_results(out, connections, swarm.counters(), s);
  out.note("idle setup", "relay in a forked child (CAF 2 threads, listener 1 thread, no escrow, "
                         "connections_per_ip_max raised to " +
                             std::to_string(ro.connections_max) +
                             ": every peer is 127.0.0.1); swarm: 1 io thread, Heartbeat every " +
                             std::to_string(heartbeat_interval.count()) +
                             " s (production 30 s), RSS from "
                             "/proc/<relay>/statm, CPU from getrusage");
}

void add_round_trip_figures(report& out, const options& opts) {
  round_trip_options o;
  o.seconds = 5 * opts.seconds;
  const round_trip_run run = run_round_trips(o);
  if (!run.error.empty())
    return out.note("round trip error", run.error);
  for (const round_trip_level& level : run.levels) {
    const std::string at = " @" + std::to_string(level.concurrency) + " concurrent";
    out.add({"task round trip (route → ComputeProof)" + at, level.per_second(), "tasks/s",
             "mock-model, " + std::to_string(o.max_tokens) + " tokens"});
    out.add({"round trip p50" + at, level.percentile_us(0.50), "µs", ""});
    out.add({"round trip p99" + at, level.percentile_us(0.99), "µs", ""});
    out.add({"CPU per task, all parts" + at, level.cpu_us_per_task(), "µs",
             "process CPU / tasks: robust to a busy host"});
    if (level.failed > 0)
      out.note("round trip failures" + at, std::to_string(level.failed));
  }
  out.note("round trip setup",
           "relay (null escrow: proofs forwarded, not settled) + " + std::to_string(o.providers) +
               " mock-model providers (max_concurrency " + std::to_string(o.provider_concurrency) +
               ") each on its own ws:// link, one process, CAF default threads; relay frame rate "
               "limit lifted (default 50/s per connection); each request sealed by the client");
}

}  // namespace

report run_network_suite(const options& opts) {
  AGORA_ASSERT(opts.seconds > 0);
  report out("network");
  out.note("machine", std::to_string(std::thread::hardware_concurrency()) + " cores");
  const std::string load_start = load_average();
  const spdlog::level::level_enum level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // the relay logs every assignment at info
  add_idle_figures(out, opts);  // forks: first, while this suite runs no thread of its own
  add_round_trip_figures(out, opts);
  spdlog::set_level(level);
  out.note("load average (start, end)", load_start + "; " + load_average());
  return out;
}

}  // namespace agora::bench
