// The crash test's deterministic workload: keys of several layouts across four columns, values
// of 16..143 bytes drawn from a generator seeded by the batch number and the record's slot.
#include "tests/storage/crash_workload.hpp"

#include "core/assert.hpp"
#include "core/random.hpp"
#include "storage/keys.hpp"

namespace agora::storage::testing {
namespace {

bytes crash_value(uint64_t n, uint64_t slot) {
  seeded_random rng(n * crash_records_per_batch + slot);
  bytes value(16 + rng.uniform(128));
  rng.fill(value);
  return value;
}

hash256 crash_hash(uint64_t n) {
  seeded_random rng(~n);
  hash256 out{};
  rng.fill(out);
  return out;
}

}  // namespace

std::string crash_batch_id(uint64_t n) {
  return "crash-" + std::to_string(n);
}

std::vector<crash_record> crash_records(uint64_t n) {
  std::vector<crash_record> out;
  out.push_back({column::tasks, key_builder().u64(n).str("task").take(), crash_value(n, 0)});
  out.push_back(
      {column::accounts, key_builder().str("acct").u64(n % 97).u64(n).take(), crash_value(n, 1)});
  out.push_back({column::journal, key_builder().i64(static_cast<int64_t>(n) - 1000).take(),
                 crash_value(n, 2)});
  out.push_back({column::proofs, key_builder().fixed(crash_hash(n)).take(), crash_value(n, 3)});
  AGORA_ASSERT(out.size() == crash_records_per_batch);
  AGORA_ASSERT(!out.front().value.empty());
  return out;
}

write_batch crash_batch(uint64_t n) {
  write_batch batch;
  for (const crash_record& r : crash_records(n))
    batch.put(r.col, r.key, r.value);
  AGORA_ASSERT(batch.size() == crash_records_per_batch);
  return batch;
}

}  // namespace agora::storage::testing
