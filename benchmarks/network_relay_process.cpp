// The relay child of the network suite (network_relay_process.hpp): fork, the child's serve
// loop, and the pipe protocol. Commands are single bytes: 's' a sample, 'S' a sample with the
// relay's status, 'q' stop. The child answers a start record (its port) and one
// relay_process_sample per sample command.
#include "benchmarks/network_relay_process.hpp"

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <type_traits>

#include "actors/common/message_types.hpp"
#include "actors/relay/relay_actor.hpp"
#include "core/assert.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "net/ws/relay_listener.hpp"

namespace agora::bench {

namespace {

static_assert(std::is_trivially_copyable_v<relay_process_sample>);

constexpr int start_timeout_ms = 30'000;
constexpr int sample_timeout_ms = 30'000;

/// Writes all of `size` bytes; false on a closed pipe.
bool write_all(int fd, const void* data, size_t size) {
  const auto* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, at, size);
    if (n <= 0)
      return false;
    at += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// Reads exactly `size` bytes, waiting at most `timeout_ms` for each chunk (-1: forever).
bool read_all(int fd, void* data, size_t size, int timeout_ms) {
  auto* at = static_cast<char*>(data);
  while (size > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0)
      return false;
    const ssize_t n = ::read(fd, at, size);
    if (n <= 0)
      return false;
    at += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  rusage u{};
  const int rc = ::getrusage(RUSAGE_SELF, &u);
  AGORA_ASSERT(rc == 0);
  const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// ------------------------------------------------------------------------------------------
// The child

struct child_parts {
  caf::actor_system& sys;
  actors::relay_actor relay;
  net::relay_listener& listener;
};

relay_process_sample take_sample(child_parts& parts, bool with_status) {
  relay_process_sample s;
  s.cpu_seconds = cpu_seconds();
  s.rss_bytes = rss_bytes();
  const net::ws_metrics& m = parts.listener.metrics();
  s.connections_open = m.connections_open.load();
  s.upgrades = m.upgrades.load();
  s.frames_in = m.frames.in.load();
  const net::refusal_counters& r = m.refusals;
  s.refusals = m.connections_refused.load() + r.oversize.load() + r.rate.load() +
               r.malformed.load() + r.handshake_timeout.load() + r.idle_timeout.load() +
               r.bad_path.load() + r.slow_peer.load();
  if (!with_status)
    return s;
  caf::scoped_actor self{parts.sys};
  self->request(parts.relay, std::chrono::seconds(20), actors::status_atom_v)
      .receive(
          [&s](const actors::relay_status& status) {
            s.providers = status.providers.size();
            for (const actors::relay_provider_status& p : status.providers)
              s.healthy += p.state == relay::liveness::healthy && !p.draining ? 1 : 0;
          },
          [](caf::error&) {});
  return s;
}

/// Answers commands until 'q' or a closed pipe.
void command_loop(child_parts& parts, int in_fd, int out_fd) {
  for (;;) {
    char command = 'q';
    if (!read_all(in_fd, &command, 1, -1) || command == 'q')
      return;
    const relay_process_sample s = take_sample(parts, command == 'S');
    if (!write_all(out_fd, &s, sizeof s))
      return;
  }
}

int serve(const relay_process_options& o, int in_fd, int out_fd) {
  // The parent's free heap came along with fork(): give it back, or the relay would reuse
  // pages already counted in the empty sample and the per-connection figure would read low.
  ::malloc_trim(0);
  spdlog::set_level(spdlog::level::warn);  // 10,000 "registered provider" lines otherwise
  caf::actor_system_config cfg;
  actors::add_agora_message_types(cfg);
  cfg.set("scheduler.max-threads", o.scheduler_threads);
  caf::actor_system sys{cfg};
  auto clock = std::make_shared<system_clock_source>();
  actors::relay_options ro{o.key,
                           {},
                           actors::wall_clock_map::starting_now(sys.clock(), clock->now()),
                           std::make_shared<seeded_random>(1)};
  ro.heartbeat_interval_s = o.heartbeat_interval_s;
  const actors::relay_actor relay = actors::spawn_relay(sys, std::move(ro));
  net::relay_listener_options lo;
  lo.threads = o.listener_threads;
  lo.limits.connections_max = o.connections_max;
  lo.limits.connections_per_ip_max = o.connections_max;
  auto listener = net::relay_listener::start(sys, relay, lo, clock);
  const uint16_t port = listener ? (*listener)->port() : 0;
  if (!write_all(out_fd, &port, sizeof port) || !listener) {
    caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
    return 1;
  }
  child_parts parts{sys, relay, **listener};
  command_loop(parts, in_fd, out_fd);
  (*listener)->stop();
  caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  return 0;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// The parent

std::unique_ptr<relay_process> relay_process::start(const relay_process_options& options,
                                                    std::string* why) {
  AGORA_ASSERT(why != nullptr);
  AGORA_ASSERT(options.connections_max > 0);
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
    *why = "pipe failed";
    return nullptr;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    *why = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::_exit(serve(options, to_child[0], from_child[1]));  // no atexit handlers of the parent
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  uint16_t port = 0;
  std::unique_ptr<relay_process> out(new relay_process(pid, to_child[1], from_child[0], 0));
  if (!read_all(from_child[0], &port, sizeof port, start_timeout_ms) || port == 0) {
    *why = "the relay child did not start listening";
    return nullptr;
  }
  out->port_ = port;
  return out;
}

bool relay_process::sample(bool with_status, relay_process_sample* out) {
  AGORA_ASSERT(out != nullptr);
  const char command = with_status ? 'S' : 's';
  return write_all(to_child_, &command, 1) &&
         read_all(from_child_, out, sizeof *out, sample_timeout_ms);
}

relay_process::~relay_process() {
  const char command = 'q';
  write_all(to_child_, &command, 1);
  ::close(to_child_);
  int status = 0;
  for (int waited_ms = 0; waited_ms < 15'000; waited_ms += 10) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      ::close(from_child_);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  ::close(from_child_);
}

}  // namespace agora::bench
