// The store: one RocksDB per process (DESIGN §7) with a column family per record kind, reads of
// raw or FlatBuffers-verified values, bounded ordered scans, and atomic batches that carry an
// idempotency id, so a retried or replayed state transition is applied exactly once.
// Recovery is reopening: RocksDB replays its WAL, and each actor rebuilds from its families.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "storage/column.hpp"
#include "storage/limits.hpp"
#include "storage/write_batch.hpp"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
}  // namespace rocksdb

namespace agora::storage {

/// An in-memory file system for stores (tests, simulation). Stores opened on the same
/// memory_env see the same files, so a simulated node can close and reopen its store; stores on
/// different memory_envs share nothing.
class memory_env {
 public:
  memory_env();
  ~memory_env();
  memory_env(const memory_env&) = delete;
  memory_env& operator=(const memory_env&) = delete;

  rocksdb::Env* env() const { return env_.get(); }

 private:
  std::unique_ptr<rocksdb::Env> env_;
};

struct store_options {
  /// The database directory; with in_memory it names the database inside the memory env.
  std::string path;
  /// fsync the WAL before a write returns. On by default: the escrow acknowledges only durable
  /// money movements. Off trades the last writes before a machine crash for throughput (a killed
  /// process loses nothing either way: the WAL is in the OS page cache).
  bool sync = true;
  /// Keep every file in memory (tests, simulation); nothing touches the disk.
  bool in_memory = false;
  /// With in_memory: the env to open in, shared by stores that must see the same files.
  /// Null: the store makes a private env that dies with it.
  std::shared_ptr<memory_env> memory;
  /// Create the database and its directory when missing; otherwise a missing one is not_found.
  bool create_if_missing = true;
};

/// What apply did with a batch.
enum class apply_outcome : uint8_t {
  applied,    // the batch and its idempotency marker were written
  duplicate,  // the id was applied before; nothing was written
};

/// Whether a scan goes on after the entry it was given.
enum class scan_step : uint8_t { next, stop };

/// What a scan visited.
struct scan_stats {
  size_t visited = 0;
  bool truncated = false;  // it stopped at its limit with entries left in the range
};

/// A stored FlatBuffers record that passed its verifier. Owns its bytes; the root table is
/// read in place.
template <class T>
class record {
 public:
  explicit record(bytes data) : data_(std::move(data)) {}
  const T& operator*() const { return *flatbuffers::GetRoot<T>(data_.data()); }
  const T* operator->() const { return flatbuffers::GetRoot<T>(data_.data()); }
  const bytes& data() const { return data_; }

 private:
  bytes data_;
};

/// Lock contract: every method may be called from any thread, except open and close, which must
/// not run concurrently with anything else on the same store. RocksDB serialises writes
/// internally; apply_mutex_ additionally makes apply's check of the idempotency marker and its
/// write one atomic step. Reads and write() take no Agora lock.
class store {
  struct private_tag {
    explicit private_tag() = default;  // no {} from outside: only open() makes stores
  };

 public:
  using verify_fn = bool (*)(byte_view);
  /// Called with each entry of a scan in key order; the views die when it returns.
  using scan_fn = std::function<scan_step(byte_view key, byte_view value)>;

  /// Opens (and with create_if_missing creates) the database and every column family in
  /// all_columns. REQUIRES: options.path not empty; options.memory only with in_memory.
  static result<std::unique_ptr<store>> open(const store_options& options);
  store(private_tag, store_options options);  // use open()
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// The value at key, or nullopt when absent. REQUIRES: the store is open, a key of
  /// 1..key_bytes_max bytes.
  result<std::optional<bytes>> get(column col, byte_view key) const;

  /// Like get, then runs verify on the value; a value it rejects is errc::corrupt.
  result<std::optional<bytes>> get_checked(column col, byte_view key, verify_fn verify) const;

  /// Like get, then verifies the value as a FlatBuffer whose root is T (flatbuffers::Verifier,
  /// default depth and table limits); a value that fails is errc::corrupt.
  template <class T>
  result<std::optional<record<T>>> get_verified(column col, byte_view key) const {
    auto raw = get_checked(col, key, &verify_flatbuffer<T>);
    if (!raw)
      return raw.error();
    if (!raw->has_value())
      return std::optional<record<T>>{};
    return std::optional<record<T>>{record<T>(std::move(**raw))};
  }

  /// Visits the entries of col with begin <= key < end (end = nullopt: to the end of the
  /// column) in key order, at most limit of them. REQUIRES: 0 < limit <= scan_limit_max.
  result<scan_stats> scan_range(column col, byte_view begin, std::optional<byte_view> end,
                                size_t limit, const scan_fn& visit) const;
  /// Visits the entries of col whose key starts with prefix. REQUIRES: as for scan_range.
  result<scan_stats> scan_prefix(column col, byte_view prefix, size_t limit,
                                 const scan_fn& visit) const;

  /// Writes batch and an idempotency marker for batch_id in one atomic RocksDB write. If the
  /// marker exists, writes nothing and returns duplicate, whatever the batch holds now.
  /// invalid_argument for an empty id or one longer than batch_id_bytes_max.
  /// REQUIRES: the store is open.
  result<apply_outcome> apply(std::string_view batch_id, const write_batch& batch);
  /// Whether apply has written batch_id's marker. invalid_argument for a bad id, as in apply.
  result<bool> applied(std::string_view batch_id) const;
  /// Writes batch atomically without an idempotency id (internal writes that are idempotent by
  /// themselves). REQUIRES: the store is open, batch not empty.
  status write(const write_batch& batch);

  /// Syncs the WAL and flushes every memtable to table files.
  status flush();
  /// Closes the database; afterwards only the destructor may be called. Nothing is flushed:
  /// the next open replays the WAL, the same path as recovery after a crash. The destructor
  /// closes a store that is still open.
  status close();
  bool is_open() const { return db_ != nullptr; }
  const store_options& options() const { return options_; }

 private:
  template <class T>
  static bool verify_flatbuffer(byte_view data) {
    flatbuffers::Verifier verifier(data.data(), data.size());
    return verifier.VerifyBuffer<T>(nullptr);
  }
  status open_db();
  /// Writes batch, plus batch_id's marker when batch_id is not empty, as one RocksDB batch.
  /// EXCLUSIVE_LOCKS_REQUIRED(apply_mutex_) when batch_id is not empty: marker_lock is the
  /// proof, and the body asserts that it holds apply_mutex_.
  status write_rocks(const std::unique_lock<std::mutex>* marker_lock, std::string_view batch_id,
                     const write_batch& batch);
  rocksdb::ColumnFamilyHandle* handle(column col) const;

  store_options options_;
  std::shared_ptr<memory_env> memory_;  // outlives db_ when in_memory
  std::unique_ptr<rocksdb::DB> db_;
  // One per column in column_index order, then RocksDB's default family; close() destroys them.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // GUARDED_BY for the markers in column::applied: only apply reads-then-writes them, and it
  // holds this for the whole check-and-write, so two applies of one id cannot both write.
  std::mutex apply_mutex_;
};

}  // namespace agora::storage
