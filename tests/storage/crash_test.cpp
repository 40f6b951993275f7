// The crash test (DESIGN §7: "tests kill a process mid-stream and check that nothing is lost or
// applied twice"). A child process (crash_child.cpp) applies synced, idempotent batches and
// acknowledges each on a pipe; the test SIGKILLs it at a seeded moment, reopens the store and
// checks that every acknowledged batch is there in full, no batch is there in part, markers
// match batches, and batches replayed by the next child are reported as duplicates.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/random.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"
#include "tests/storage/crash_workload.hpp"
#include "tests/storage/temp_dir.hpp"

extern char** environ;

namespace agora::storage {
namespace {

constexpr uint64_t crash_seed = 0x5eedc0de;
constexpr int rounds = 5;
constexpr uint64_t child_batches_max = 1'000'000;  // the child is always killed long before
constexpr int poll_ms = 100;
constexpr int idle_polls_max = 200;       // 20 s without a line from the child fails the test
constexpr uint64_t replayed_batches = 3;  // each child starts this far behind the store

// ------------------------------------------------------------------------------------------------
// the child process

/// A child whose stdout is a pipe read line by line. Kills and reaps the child when destroyed.
class child_process {
 public:
  explicit child_process(std::vector<std::string> args) {
    int fds[2];
    AGORA_ASSERT(pipe2(fds, O_CLOEXEC) == 0);
    read_fd_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    AGORA_ASSERT(rc == 0);
    AGORA_ASSERT(pid_ > 0);
  }
  ~child_process() {
    if (pid_ > 0) {
      kill_now();
      wait_exit();
    }
    close(read_fd_);
  }

  /// The next line without its newline; nullopt at end of output. Fails the test when the
  /// child says nothing for idle_polls_max polls.
  std::optional<std::string> read_line() {
    for (int idle = 0; idle < idle_polls_max;) {
      if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      pollfd p{read_fd_, POLLIN, 0};
      int ready = poll(&p, 1, poll_ms);
      if (ready <= 0) {
        idle += ready == 0 ? 1 : 0;
        continue;
      }
      char chunk[4096];
      ssize_t n = read(read_fd_, chunk, sizeof chunk);
      if (n <= 0)
        return std::nullopt;  // EOF: a last partial line is not an acknowledgement
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    ADD_FAILURE() << "child wrote nothing for " << idle_polls_max * poll_ms << " ms";
    return std::nullopt;
  }

  void kill_now() { kill(pid_, SIGKILL); }

  /// Reaps the child and returns its wait status.
  int wait_exit() {
    AGORA_ASSERT(pid_ > 0);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::string buffer_;
};

// ------------------------------------------------------------------------------------------------
// one round: run a child, kill it, collect its acknowledgements

struct round_plan {
  uint64_t first = 0;       // the child's first batch
  uint64_t present = 0;     // batches 0..present-1 were in the store before the round
  uint64_t kill_after = 0;  // acknowledgements to read before the kill
  uint64_t delay_us = 0;    // then wait this long, so the kill lands anywhere in a write
};

/// Checks one acknowledgement line against the plan; returns the batch it acknowledges.
uint64_t check_ack(const std::string& line, uint64_t expected, const round_plan& plan) {
  unsigned long long n = 0;
  char mark = 0;
  EXPECT_EQ(std::sscanf(line.c_str(), "%llu %c", &n, &mark), 2) << "line: " << line;
  EXPECT_EQ(n, expected) << "the child acknowledges batches in order";
  EXPECT_EQ(mark, n < plan.present ? 'd' : 'a')
      << "batch " << n << " (present before: " << plan.present << ")";
  return n;
}

/// Runs a child for one round; returns one past the last batch it acknowledged.
uint64_t run_round(const std::string& path, const round_plan& plan) {
  child_process child({AGORA_STORAGE_CRASH_CHILD, path, std::to_string(plan.first),
                       std::to_string(child_batches_max)});
  uint64_t next = plan.first;
  while (next < plan.first + plan.kill_after) {
    auto line = child.read_line();
    if (!line)
      break;
    next = check_ack(*line, next, plan) + 1;
  }
  std::this_thread::sleep_for(std::chrono::microseconds(plan.delay_us));
  child.kill_now();
  while (auto line = child.read_line())  // acknowledgements still in the pipe count too
    next = check_ack(*line, next, plan) + 1;
  int status = child.wait_exit();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "wait status " << status;
  EXPECT_GE(next, plan.first + plan.kill_after) << "the child died before the kill";
  return next;
}

// ------------------------------------------------------------------------------------------------
// checking the store after a kill

/// How many of batch n's records are in the store, failing on any that holds a wrong value.
size_t records_present(const store& db, uint64_t n) {
  size_t present = 0;
  for (const auto& r : testing::crash_records(n)) {
    auto value = db.get(r.col, r.key);
    EXPECT_TRUE(value) << value.error().to_string();
    if (!value || !value->has_value())
      continue;
    EXPECT_EQ(**value, r.value) << "batch " << n << " in " << column_name(r.col);
    ++present;
  }
  return present;
}

/// Reopens the store and checks it against the acknowledgements; returns how many batches
/// (a prefix 0..k-1) it holds.
uint64_t check_store(const std::string& path, uint64_t acked_end) {
  auto db = store::open(store_options{.path = path, .create_if_missing = false});
  EXPECT_TRUE(db) << db.error().to_string();
  if (!db)
    return 0;
  uint64_t present_end = 0;
  for (uint64_t n = 0; n < acked_end + 4; ++n) {
    size_t records = records_present(**db, n);
    bool marker = *(*db)->applied(testing::crash_batch_id(n));
    EXPECT_TRUE(records == 0 || records == testing::crash_records_per_batch)
        << "batch " << n << " is partially present: " << records << " records";
    EXPECT_EQ(marker, records > 0) << "marker of batch " << n << " disagrees with its records";
    EXPECT_TRUE(marker || n >= acked_end) << "acknowledged batch " << n << " was lost";
    if (marker && n == present_end)
      ++present_end;
    EXPECT_TRUE(!marker || n < present_end) << "batch " << n << " present after a gap";
  }
  EXPECT_LE(present_end, acked_end + 1) << "at most the one unacknowledged write may land";
  auto markers = (*db)->scan_prefix(column::applied, as_bytes("crash-"), scan_limit_max,
                                    [](byte_view, byte_view) { return scan_step::next; });
  EXPECT_TRUE(markers);
  EXPECT_EQ(markers->visited, present_end) << "markers for batches that are not present";
  return present_end;
}

TEST(crash, killed_writer_loses_no_acknowledged_batch_and_applies_none_twice) {
  SCOPED_TRACE("seed " + std::to_string(crash_seed));
  seeded_random rng(crash_seed);
  testing::temp_dir dir;
  const std::string path = dir.sub("db");
  uint64_t present = 0;
  for (int round = 0; round < rounds; ++round) {
    round_plan plan;
    plan.present = present;
    plan.first = present > replayed_batches ? present - replayed_batches : 0;
    plan.kill_after = replayed_batches + 100 + rng.uniform(800);
    plan.delay_us = rng.uniform(2000);
    uint64_t acked_end = run_round(path, plan);
    present = check_store(path, acked_end);
    std::printf("crash round %d: child acknowledged batches %llu..%llu, the store holds 0..%llu\n",
                round, static_cast<unsigned long long>(plan.first),
                static_cast<unsigned long long>(acked_end) - 1,
                static_cast<unsigned long long>(present) - 1);
    ASSERT_GE(present, acked_end) << "round " << round;
    ASSERT_FALSE(HasFailure()) << "round " << round;
  }
}

}  // namespace
}  // namespace agora::storage
