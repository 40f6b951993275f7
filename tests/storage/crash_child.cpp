// storage_crash_child: the process the crash test (crash_test.cpp) kills. It opens a store with
// sync on and applies crash batches first, first+1, … first+count-1; after each apply returns it
// prints "<n> <a|d>\n" (applied or duplicate) and flushes, so every line the test reads is an
// acknowledged, durable batch.
//   usage: storage_crash_child <db-path> <first> <count>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/store.hpp"
#include "tests/storage/crash_workload.hpp"

namespace {

using namespace agora::storage;

int run(const std::string& path, uint64_t first, uint64_t count) {
  auto db = store::open(store_options{.path = path, .sync = true});
  if (!db) {
    std::fprintf(stderr, "crash child: %s\n", db.error().to_string().c_str());
    return 2;
  }
  for (uint64_t n = first; n < first + count; ++n) {
    auto outcome = (*db)->apply(testing::crash_batch_id(n), testing::crash_batch(n));
    if (!outcome) {
      std::fprintf(stderr, "crash child: batch %llu: %s\n", static_cast<unsigned long long>(n),
                   outcome.error().to_string().c_str());
      return 3;
    }
    char mark = *outcome == apply_outcome::applied ? 'a' : 'd';
    std::printf("%llu %c\n", static_cast<unsigned long long>(n), mark);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: storage_crash_child <db-path> <first> <count>\n");
    return 1;
  }
  return run(argv[1], std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10));
}
