// Tests for storage/store: round trips in every column, verified FlatBuffers reads, ordered
// bounded scans, idempotent apply (also under contention), isolated and shared memory envs,
// and reopening an on-disk store. The kill-mid-write test is in crash_test.cpp.
#include "storage/store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/keys.hpp"
#include "tests/storage/temp_dir.hpp"
#include "tests/storage/test_record_generated.h"

namespace agora::storage {
namespace {

using test::test_record;

std::unique_ptr<store> open_memory(std::shared_ptr<memory_env> memory = nullptr) {
  auto db = store::open(store_options{.path = "/db", .in_memory = true, .memory = memory});
  EXPECT_TRUE(db) << db.error().to_string();
  return std::move(*db);
}

bytes value_of(std::string_view text) {
  byte_view v = as_bytes(text);
  return bytes(v.begin(), v.end());
}

std::optional<bytes> read(const store& db, column col, byte_view key) {
  auto value = db.get(col, key);
  EXPECT_TRUE(value) << value.error().to_string();
  return value ? *value : std::nullopt;
}

bytes make_record(uint64_t id, std::string_view name) {
  flatbuffers::FlatBufferBuilder fbb;
  auto name_offset = fbb.CreateString(name.data(), name.size());
  const uint8_t payload[] = {1, 2, 3, 4};
  auto payload_offset = fbb.CreateVector(payload, sizeof payload);
  fbb.Finish(test::Createtest_record(fbb, id, name_offset, payload_offset));
  return bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// ------------------------------------------------------------------------------------------------
// columns and reads

TEST(store, column_names_are_unique_and_round_trip) {
  for (column c : all_columns) {
    EXPECT_EQ(column_from_name(column_name(c)), c);
    for (column d : all_columns)
      EXPECT_EQ(c == d, column_name(c) == column_name(d));
  }
  EXPECT_EQ(column_from_name("default"), std::nullopt);
}

TEST(store, put_get_delete_round_trip_in_every_column) {
  auto db = open_memory();
  const bytes key = key_builder().u64(42).take();
  for (column c : all_columns) {
    if (c == column::applied)
      continue;  // markers are written by apply only
    write_batch put;
    put.put(c, key, value_of(column_name(c)));
    ASSERT_TRUE(db->write(put));
  }
  for (column c : all_columns) {
    if (c == column::applied)
      continue;
    EXPECT_EQ(read(*db, c, key), value_of(column_name(c))) << column_name(c);
  }
  write_batch del;
  del.del(column::tasks, key);
  ASSERT_TRUE(db->write(del));
  EXPECT_EQ(read(*db, column::tasks, key), std::nullopt);
  EXPECT_EQ(read(*db, column::proofs, key), value_of("proofs"));
  EXPECT_EQ(read(*db, column::meta, key_builder().u64(43).take()), std::nullopt);
}

TEST(store, get_verified_reads_valid_records_and_rejects_damaged_ones) {
  auto db = open_memory();
  const bytes good = make_record(7, "alice");
  bytes truncated(good.begin(), good.begin() + good.size() / 2);
  write_batch batch;
  batch.put(column::providers, key_builder().u64(1).take(), good);
  batch.put(column::providers, key_builder().u64(2).take(), value_of("\x01\x02\x03"));
  batch.put(column::providers, key_builder().u64(3).take(), truncated);
  ASSERT_TRUE(db->write(batch));

  auto record = db->get_verified<test_record>(column::providers, key_builder().u64(1).take());
  ASSERT_TRUE(record) << record.error().to_string();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((**record)->id(), 7u);
  EXPECT_EQ((**record)->name()->str(), "alice");
  EXPECT_EQ((**record)->payload()->size(), 4u);

  for (uint64_t bad : {2, 3}) {
    auto damaged = db->get_verified<test_record>(column::providers, key_builder().u64(bad).take());
    ASSERT_FALSE(damaged) << "key " << bad;
    EXPECT_EQ(damaged.error().code, errc::corrupt);
  }
  auto missing = db->get_verified<test_record>(column::providers, key_builder().u64(9).take());
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

// ------------------------------------------------------------------------------------------------
// scans

class store_scan : public ::testing::Test {
 protected:
  void SetUp() override {
    write_batch batch;  // inserted out of order on purpose
    for (uint64_t account : {3, 1, 2}) {
      for (uint64_t seq : {20, 5, 10})
        batch.put(column::journal, key_builder().str("acct").u64(account).u64(seq).take(),
                  key_builder().u64(account * 100 + seq).take());
    }
    batch.put(column::journal, key_builder().str("acc").u64(1).take(), value_of("other"));
    ASSERT_TRUE(db_->write(batch));
  }

  std::vector<uint64_t> scan(byte_view prefix, size_t limit, scan_stats* stats) {
    std::vector<uint64_t> seen;
    auto result = db_->scan_prefix(column::journal, prefix, limit, [&](byte_view, byte_view v) {
      seen.push_back(*key_reader(v).u64());
      return scan_step::next;
    });
    EXPECT_TRUE(result);
    *stats = *result;
    return seen;
  }

  std::unique_ptr<store> db_ = open_memory();
};

TEST_F(store_scan, prefix_visits_only_its_keys_in_order) {
  scan_stats stats;
  EXPECT_EQ(scan(key_builder().str("acct").u64(2).take(), 100, &stats),
            (std::vector<uint64_t>{205, 210, 220}));
  EXPECT_EQ(stats.visited, 3u);
  EXPECT_FALSE(stats.truncated);
  EXPECT_EQ(scan(key_builder().str("acct").take(), 100, &stats).size(), 9u);
}

TEST_F(store_scan, limit_truncates_and_says_so) {
  scan_stats stats;
  EXPECT_EQ(scan(key_builder().str("acct").take(), 4, &stats),
            (std::vector<uint64_t>{105, 110, 120, 205}));
  EXPECT_EQ(stats.visited, 4u);
  EXPECT_TRUE(stats.truncated);
  scan(key_builder().str("acct").take(), 9, &stats);
  EXPECT_FALSE(stats.truncated);
}

TEST_F(store_scan, range_is_half_open_and_callback_can_stop) {
  bytes begin = key_builder().str("acct").u64(1).u64(10).take();
  bytes end = key_builder().str("acct").u64(2).u64(10).take();
  std::vector<uint64_t> seen;
  auto stats = db_->scan_range(column::journal, begin, end, 100, [&](byte_view, byte_view v) {
    seen.push_back(*key_reader(v).u64());
    return seen.size() == 3 ? scan_step::stop : scan_step::next;
  });
  ASSERT_TRUE(stats);
  EXPECT_EQ(seen, (std::vector<uint64_t>{110, 120, 205}));
  EXPECT_FALSE(stats->truncated);
}

// ------------------------------------------------------------------------------------------------
// idempotent apply

TEST(store, apply_twice_is_a_duplicate_and_changes_nothing) {
  auto db = open_memory();
  const bytes a = key_builder().u64(1).take();
  const bytes b = key_builder().u64(2).take();
  write_batch first;
  first.put(column::accounts, a, value_of("100"));
  first.put(column::journal, a, value_of("deposit"));
  write_batch second;  // same id, different content
  second.put(column::accounts, a, value_of("999"));
  second.put(column::accounts, b, value_of("1"));
  second.del(column::journal, a);

  EXPECT_EQ(*db->apply("deposit-1", first), apply_outcome::applied);
  EXPECT_EQ(*db->apply("deposit-1", second), apply_outcome::duplicate);
  EXPECT_EQ(*db->apply("deposit-1", first), apply_outcome::duplicate);
  EXPECT_EQ(read(*db, column::accounts, a), value_of("100"));
  EXPECT_EQ(read(*db, column::journal, a), value_of("deposit"));
  EXPECT_EQ(read(*db, column::accounts, b), std::nullopt);
  EXPECT_TRUE(*db->applied("deposit-1"));
  EXPECT_FALSE(*db->applied("deposit-2"));
  EXPECT_EQ(read(*db, column::applied, as_bytes("deposit-1")), key_builder().u64(2).take());
}

TEST(store, apply_rejects_bad_ids_and_writes_nothing) {
  auto db = open_memory();
  write_batch batch;
  batch.put(column::meta, value_of("k"), value_of("v"));
  for (const std::string& id : {std::string(), std::string(batch_id_bytes_max + 1, 'x')}) {
    auto outcome = db->apply(id, batch);
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().code, errc::invalid_argument);
    EXPECT_EQ(db->applied(id).error().code, errc::invalid_argument);
  }
  EXPECT_EQ(read(*db, column::meta, value_of("k")), std::nullopt);
  EXPECT_EQ(*db->apply(std::string(batch_id_bytes_max, 'x'), batch), apply_outcome::applied);
}

TEST(store, concurrent_applies_of_one_id_apply_once) {
  auto db = open_memory();
  constexpr int threads_count = 8;
  std::atomic<int> applied_count{0};
  std::atomic<int> duplicate_count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_count; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t round = 0; round < 50; ++round) {
        write_batch batch;
        batch.put(column::tasks, key_builder().u64(round).take(), key_builder().u64(t).take());
        batch.put(column::proofs, key_builder().u64(round).take(), key_builder().u64(t).take());
        auto outcome = db->apply("round-" + std::to_string(round), batch);
        ASSERT_TRUE(outcome);
        (*outcome == apply_outcome::applied ? applied_count : duplicate_count)++;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(applied_count.load(), 50);
  EXPECT_EQ(duplicate_count.load(), 50 * (threads_count - 1));
  for (uint64_t round = 0; round < 50; ++round)  // both records come from the same winner
    EXPECT_EQ(read(*db, column::tasks, key_builder().u64(round).take()),
              read(*db, column::proofs, key_builder().u64(round).take()));
}

// ------------------------------------------------------------------------------------------------
// environments, reopen, recovery

TEST(store, memory_envs_are_isolated) {
  auto one = open_memory();
  auto two = open_memory();  // same path, its own env
  write_batch batch;
  batch.put(column::meta, value_of("k"), value_of("one"));
  ASSERT_TRUE(one->write(batch));
  EXPECT_EQ(read(*one, column::meta, value_of("k")), value_of("one"));
  EXPECT_EQ(read(*two, column::meta, value_of("k")), std::nullopt);
}

TEST(store, shared_memory_env_keeps_data_across_reopen) {
  auto memory = std::make_shared<memory_env>();
  write_batch batch;
  batch.put(column::sessions, value_of("s"), value_of("open"));
  {
    auto db = open_memory(memory);
    ASSERT_EQ(*db->apply("session-1", batch), apply_outcome::applied);
    ASSERT_TRUE(db->close());
  }
  auto db = open_memory(memory);
  EXPECT_EQ(read(*db, column::sessions, value_of("s")), value_of("open"));
  EXPECT_EQ(*db->apply("session-1", batch), apply_outcome::duplicate);
}

TEST(store, reopen_on_disk_keeps_data_and_markers) {
  testing::temp_dir dir;
  const store_options options{.path = dir.sub("db")};
  write_batch batch;
  batch.put(column::tokens, value_of("t"), value_of("token"));
  {
    auto db = store::open(options);
    ASSERT_TRUE(db) << db.error().to_string();
    ASSERT_EQ(*(*db)->apply("token-1", batch), apply_outcome::applied);
    ASSERT_TRUE((*db)->flush());
    batch.put(column::tokens, value_of("u"), value_of("after flush"));
    ASSERT_EQ(*(*db)->apply("token-2", batch), apply_outcome::applied);
  }  // the destructor closes
  auto db = store::open(options);
  ASSERT_TRUE(db) << db.error().to_string();
  EXPECT_EQ(read(**db, column::tokens, value_of("t")), value_of("token"));
  EXPECT_EQ(read(**db, column::tokens, value_of("u")), value_of("after flush"));
  EXPECT_EQ(*(*db)->apply("token-1", batch), apply_outcome::duplicate);
  EXPECT_EQ(*(*db)->apply("token-2", batch), apply_outcome::duplicate);
}

TEST(store, open_without_create_on_missing_database_is_not_found) {
  testing::temp_dir dir;
  auto db = store::open(store_options{.path = dir.sub("missing"), .create_if_missing = false});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, errc::not_found);
  auto in_memory =
      store::open(store_options{.path = "/db", .in_memory = true, .create_if_missing = false});
  ASSERT_FALSE(in_memory);
  EXPECT_EQ(in_memory.error().code, errc::not_found);
}

TEST(store, second_open_of_a_locked_database_is_an_io_error) {
  testing::temp_dir dir;
  auto first = store::open(store_options{.path = dir.sub("db")});
  ASSERT_TRUE(first);
  auto second = store::open(store_options{.path = dir.sub("db")});  // the LOCK is held
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::io_error);
  EXPECT_NE(second.error().message.find("lock"), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace agora::storage
