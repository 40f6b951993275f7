// The storage suite of agora-bench: durable batched writes through store::apply (idempotency
// marker included, as the escrow writes them) on a real directory, with the WAL synced per
// write and not, for batches of 1, 10, 100 and 1,000 records of 100 bytes (DESIGN §7).
// Each figure writes into its own fresh database under opts.scratch_dir, removed afterwards.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <string>

#include "benchmarks/scratch_dir.hpp"
#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "core/assert.hpp"
#include "core/random.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"

namespace agora::bench {
namespace {

constexpr size_t value_bytes = 100;
constexpr size_t batch_sizes[] = {1, 10, 100, 1000};
constexpr uint64_t batches_max = 100'000'000;  // a bound on the loop, far above any rate seen

/// Applies batches of batch_size records for about `seconds` to a store opened with `store`;
/// returns records per second.
result<double> measure(const storage::store_options& store, size_t batch_size, double seconds) {
  AGORA_ASSERT(batch_size > 0);
  AGORA_ASSERT(seconds > 0);
  auto db = storage::store::open(store);
  if (!db)
    return db.error();
  seeded_random rng(batch_size);
  bytes value(value_bytes);
  rng.fill(value);
  stopwatch watch;
  double elapsed = 0;
  uint64_t batches = 0;
  for (; batches < batches_max && elapsed < seconds; ++batches) {
    storage::write_batch batch;
    for (size_t i = 0; i < batch_size; ++i)
      batch.put(storage::column::journal, storage::key_builder().u64(batches).u64(i).take(), value);
    auto outcome = (*db)->apply("bench-" + std::to_string(batches), batch);
    if (!outcome)
      return outcome.error();
    AGORA_ASSERT(*outcome == storage::apply_outcome::applied);
    elapsed = watch.seconds();
  }
  if (status s = (*db)->close(); !s)
    return s.error();
  return static_cast<double>(batches * batch_size) / std::max(elapsed, 1e-9);
}

std::string reference_for(bool sync, size_t batch_size) {
  if (!sync)
    return "upper bound for the synced row of the same batch size";
  if (batch_size == 1)
    return "RocksDB here: ~2,900 single synced puts/s";
  if (batch_size == 1000)
    return "RocksDB here: ~380,000 records/s in synced batches of 1,000";
  return "RocksDB here: ~2,900/s at batch 1, ~380,000/s at batch 1,000";
}

}  // namespace

report run_storage_suite(const options& opts) {
  AGORA_ASSERT(opts.seconds > 0);
  report out("storage");
  scratch_dir dir(opts.scratch_dir, "storage");
  if (!dir.ok()) {
    out.note("error", "cannot create a directory under " + opts.scratch_dir);
    return out;
  }
  out.note("directory", dir.path());
  out.note("record", std::to_string(value_bytes) + "-byte value, 16-byte key, column journal");
  out.note("write", "store::apply: one atomic batch + idempotency marker (one read, one put)");
  for (bool sync : {true, false}) {
    for (size_t batch_size : batch_sizes) {
      std::string name = std::string(sync ? "synced" : "unsynced") + " apply, batch of " +
                         std::to_string(batch_size);
      std::string path =
          dir.path() + "/" + (sync ? "sync-" : "nosync-") + std::to_string(batch_size);
      auto rate = measure({.path = path, .sync = sync}, batch_size, opts.seconds);
      if (!rate) {
        out.note("error", name + ": " + rate.error().to_string());
        continue;
      }
      out.add(figure{name, *rate, "records/s", reference_for(sync, batch_size)});
    }
  }
  AGORA_ASSERT(out.figures().size() <= std::size(batch_sizes) * 2);
  return out;
}

}  // namespace agora::bench
