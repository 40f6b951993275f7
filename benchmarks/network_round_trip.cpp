// Task round trips through relay and providers over WebSocket (network_round_trip.hpp).
#include "benchmarks/network_round_trip.hpp"

#include <algorithm>
#include <atomic>
#include <sys/resource.h>

#include <caf/all.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "actors/common/message_types.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/worker/mock_model.hpp"
#include "benchmarks/stopwatch.hpp"
#include "core/assert.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "net/ws/provider_link.hpp"
#include "net/ws/relay_listener.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"
#include "storage/store.hpp"

namespace agora::bench {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

private_key seeded_key(uint64_t seed) {
  seeded_random rng(seed);
  return private_key::generate(rng);
}

double process_cpu_seconds() {
  rusage u{};
  const int rc = ::getrusage(RUSAGE_SELF, &u);
  AGORA_ASSERT(rc == 0);
  const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// ------------------------------------------------------------------------------------------
// Clients: one actor per concurrent request, each its own task sink

/// What the clients of one concurrency level share.
struct level_state {
  std::atomic<bool> stop{false};
  std::atomic<size_t> running{0};  // clients not yet quit
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> failed{0};
  std::mutex mutex;
  std::vector<double> latencies_us;  // GUARDED_BY(mutex)
};

/// Shared by every client of a run: the relay, the renter's key, the task numbering.
struct client_env {
  actors::relay_actor relay;
  private_key renter = seeded_key(300);
  system_clock_source clock;
  std::atomic<uint64_t> next_task{0};
  uint32_t max_tokens = 16;

  wire::frame task_request(uint64_t n) {
    const int64_t now_s = unix_seconds(clock.now());
    wire::id128 id{};
    for (size_t b = 0; b < 8; ++b)
      id[b] = static_cast<uint8_t>(n >> (8 * b));
    id[8] = 0xA5;
    wire::TaskRequestT m;
    m.renter = wire::to_wire(renter.address());
    m.task_id = wire::to_wire(id);
    m.task_type = wire::TaskType::Completion;
    m.model = std::string(actors::mock_model_id);
    m.prompt = "benchmark the relay";
    m.sampling = std::make_unique<wire::SamplingParamsT>();
    m.sampling->max_tokens = max_tokens;
    m.sampling->seed = 7;
    m.stream = false;
    m.price_cap_per_million_tokens_micros = 200'000;
    id[15] = 0x01;
    m.hold_id = wire::to_wire(id);
    m.created_unix_s = now_s;
    m.deadline_unix_s = now_s + 600;
    m.rental_session_id = wire::to_wire(wire::id128{});
    return {wire::message_kind::TaskRequest, wire::seal(m, renter)};
  }
};

struct client_ctx {
  std::shared_ptr<client_env> env;
  std::shared_ptr<level_state> level;
  steady::time_point sent;
  bool waiting = false;  // a task is out: its proof, its ErrorFrame or its route error ends it
};

void issue(actors::frame_sink::pointer self, const std::shared_ptr<client_ctx>& c) {
  if (c->level->stop.load()) {
    --c->level->running;
    return self->quit();
  }
  wire::frame request = c->env->task_request(c->env->next_task++);
  c->sent = steady::now();
  c->waiting = true;
  self->request(c->env->relay, 30s, actors::route_atom_v, std::move(request),
                caf::actor_cast<actors::frame_sink>(self))
      .then([](const wire::frame&) {},
            [self, c](const caf::error&) {
              if (!c->waiting)
                return;
              c->waiting = false;
              ++c->level->failed;
              self->delayed_send(self, 1ms, wire::frame{});  // a retry marker (kind None)
            });
}

void finish(actors::frame_sink::pointer self, const std::shared_ptr<client_ctx>& c, bool proved) {
  c->waiting = false;
  if (!proved) {
    ++c->level->failed;
  } else if (!c->level->stop.load()) {
    const double us = std::chrono::duration<double, std::micro>(steady::now() - c->sent).count();
    ++c->level->completed;
    std::lock_guard lock(c->level->mutex);
    c->level->latencies_us.push_back(us);
  }
  issue(self, c);
}

actors::frame_sink::behavior_type client(actors::frame_sink::pointer self,
                                         std::shared_ptr<client_ctx> c) {
  issue(self, c);
  return {[self, c](const wire::frame& f) {
    if (f.kind == wire::message_kind::None)
      return issue(self, c);
    if (!c->waiting)
      return;
    if (f.kind == wire::message_kind::ComputeProof)
      finish(self, c, true);
    else if (f.kind == wire::message_kind::ErrorFrame)
      finish(self, c, false);
  }};
}

round_trip_level run_level(caf::actor_system& sys, const std::shared_ptr<client_env>& env,
                           size_t concurrency, double seconds) {
  auto level = std::make_shared<level_state>();
  level->running = concurrency;
  const double cpu_start = process_cpu_seconds();
  stopwatch window;
  for (size_t i = 0; i < concurrency; ++i)
    sys.spawn(client, std::make_shared<client_ctx>(client_ctx{env, level, {}, false}));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  level->stop = true;
  round_trip_level out;
  out.seconds = window.seconds();
  out.cpu_seconds = process_cpu_seconds() - cpu_start;
  for (int i = 0; i < 3'000 && level->running.load() > 0; ++i)
    std::this_thread::sleep_for(10ms);  // the last tasks finish; bounded at 30 s
  out.concurrency = concurrency;
  out.completed = level->completed.load();
  out.failed = level->failed.load();
  std::lock_guard lock(level->mutex);
  out.latencies_us = std::move(level->latencies_us);
  std::sort(out.latencies_us.begin(), out.latencies_us.end());
  return out;
}

// ------------------------------------------------------------------------------------------
// The network: relay, listener, providers behind links

struct network {
  explicit network(caf::actor_system& s) : sys(s) {}
  ~network() {
    for (auto& link : links)
      link->stop();
    if (listener)
      listener->stop();
    for (const caf::actor& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  caf::actor_system& sys;
  std::shared_ptr<const clock_source> clock = std::make_shared<system_clock_source>();
  actors::wall_clock_map clock_map;
  private_key relay_key = seeded_key(100);
  actors::relay_actor relay;
  std::unique_ptr<net::relay_listener> listener;
  std::shared_ptr<storage::memory_env> memory = std::make_shared<storage::memory_env>();
  std::vector<std::unique_ptr<net::provider_link>> links;
  std::vector<caf::actor> actors;
};

std::string start_relay(network& n) {
  n.clock_map = actors::wall_clock_map::starting_now(n.sys.clock(), n.clock->now());
  actors::relay_options o{n.relay_key, {}, n.clock_map, std::make_shared<seeded_random>(1)};
  n.relay = actors::spawn_relay(n.sys, std::move(o));
  n.actors.push_back(caf::actor_cast<caf::actor>(n.relay));
  net::relay_listener_options lo;
  lo.threads = 1;
  // The default 50 frames/s per connection (burst 100) would cut a busy provider off: each
  // task costs it a TaskResult and a ComputeProof. Lifted here; see the suite's notes.
  lo.limits.frames_per_second = 1'000'000;
  lo.limits.frames_burst = 1'000'000;
  auto started = net::relay_listener::start(n.sys, n.relay, lo, n.clock);
  if (!started)
    return "relay listener: " + started.error().to_string();
  n.listener = std::move(started.value());
  return {};
}

std::string add_provider(network& n, uint32_t index, const round_trip_options& o) {
  net::provider_link_options lo;
  lo.url = "ws://127.0.0.1:" + std::to_string(n.listener->port());
  auto link = net::provider_link::start(n.sys, lo, n.clock, std::make_shared<seeded_random>(index));
  if (!link)
    return "provider link: " + link.error().to_string();
  storage::store_options store{.path = "/provider-" + std::to_string(index),
                               .sync = false,
                               .in_memory = true,
                               .memory = n.memory};
  auto log = storage::store::open(store);
  if (!log)
    return "provider task log: " + log.error().to_string();
  wire::GpuInfoT gpu;
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.vram_bytes = uint64_t{80} << 30;
  gpu.count = 1;
  actors::provider_options po{seeded_key(500 + index),
                              n.relay_key.address(),
                              (*link)->sink(),
                              n.clock_map,
                              std::make_shared<seeded_random>(900 + index),
                              std::move(log.value()),
                              std::make_shared<actors::mock_model>(),
                              {.queue_max = o.provider_concurrency, .token_time = {}},
                              {gpu},
                              "eu-west",
                              100'000 + index,
                              2'000'000,
                              o.provider_concurrency};
  po.register_at_start = false;  // the link's (reconnect) says when
  auto provider = actors::spawn_provider(n.sys, std::move(po));
  n.actors.push_back(caf::actor_cast<caf::actor>(provider));
  (*link)->attach(provider);
  n.links.push_back(std::move(link.value()));
  return {};
}

/// Polls the relay (every 20 ms, at most 15 s) until `count` providers are healthy.
bool wait_healthy(network& n, size_t count) {
  caf::scoped_actor self{n.sys};
  for (int i = 0; i < 750; ++i) {
    size_t healthy = 0;
    self->request(n.relay, 5s, actors::status_atom_v)
        .receive(
            [&healthy](const actors::relay_status& s) {
              for (const actors::relay_provider_status& p : s.providers)
                healthy += p.state == relay::liveness::healthy && !p.draining ? 1 : 0;
            },
            [](const caf::error&) {});
    if (healthy >= count)
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

double round_trip_level::percentile_us(double q) const {
  if (latencies_us.empty())
    return 0;
  const size_t last = latencies_us.size() - 1;
  return latencies_us[std::min(last, size_t(q * double(last) + 0.5))];
}

round_trip_run run_round_trips(const round_trip_options& options) {
  AGORA_ASSERT(options.providers > 0);
  AGORA_ASSERT(options.seconds > 0);
  round_trip_run out;
  caf::actor_system_config cfg;
  actors::add_agora_message_types(cfg);
  caf::actor_system sys{cfg};
  {
    network n(sys);
    out.error = start_relay(n);
    for (uint32_t i = 0; out.error.empty() && i < options.providers; ++i)
      out.error = add_provider(n, i, options);
    if (out.error.empty() && !wait_healthy(n, options.providers))
      out.error = "the providers did not register within 15 s";
    if (!out.error.empty())
      return out;
    auto env = std::make_shared<client_env>();
    env->relay = n.relay;
    env->max_tokens = options.max_tokens;
    for (size_t concurrency : options.concurrency_levels)
      out.levels.push_back(run_level(sys, env, concurrency, options.seconds));
  }
  return out;
}

}  // namespace agora::bench
