// The RocksDB-backed store (storage/store.hpp). Every RocksDB status is turned into an Agora
// error by AGORA_STORAGE_CHECK, which names the call and its line: nothing here throws or aborts
// on an operating error.
#include "storage/store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/assert.hpp"
#include "storage/keys.hpp"

namespace agora::storage {
namespace {

// Idempotency ids come from callers (often from the network): a bad one is an operating error.
status check_batch_id(std::string_view batch_id) {
  if (batch_id.empty() || batch_id.size() > batch_id_bytes_max)
    return make_error(errc::invalid_argument, "batch id must be 1.." +
                                                  std::to_string(batch_id_bytes_max) +
                                                  " bytes, got " + std::to_string(batch_id.size()));
  return {};
}

rocksdb::Slice to_slice(byte_view v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

byte_view to_view(const rocksdb::Slice& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

error rocks_error(const rocksdb::Status& s, const char* call, const char* file, int line) {
  AGORA_ASSERT(!s.ok());
  AGORA_ASSERT(call != nullptr);
  std::string where = std::filesystem::path(file).filename().string() + ":" + std::to_string(line);
  errc code = s.IsCorruption() ? errc::corrupt : errc::io_error;
  return make_error(code, "rocksdb " + std::string(call) + " (" + where + "): " + s.ToString());
}

}  // namespace

/// Returns the RocksDB failure of `call` as an Agora error from the enclosing function.
#define AGORA_STORAGE_CHECK(call)                                                                  \
  do {                                                                                             \
    const ::rocksdb::Status agora_status_ = (call);                                                \
    if (!agora_status_.ok())                                                                       \
      return rocks_error(agora_status_, #call, __FILE__, __LINE__);                                \
  } while (false)

// ------------------------------------------------------------------------------------------------
// memory_env

memory_env::memory_env() : env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) {
  AGORA_ASSERT(env_ != nullptr);
}

memory_env::~memory_env() = default;

// ------------------------------------------------------------------------------------------------
// open and close

store::store(private_tag, store_options options) : options_(std::move(options)) {}

store::~store() {
  if (!is_open())
    return;
  status s = close();
  if (!s)
    spdlog::error("storage: closing {} failed: {}", options_.path, s.error().to_string());
}

result<std::unique_ptr<store>> store::open(const store_options& options) {
  AGORA_ASSERT(!options.path.empty());
  AGORA_ASSERT(options.memory == nullptr || options.in_memory);
  auto s = std::make_unique<store>(private_tag{}, options);
  if (options.in_memory)
    s->memory_ = options.memory ? options.memory : std::make_shared<memory_env>();
  if (status st = s->open_db(); !st)
    return st.error();
  AGORA_ASSERT(s->is_open());
  return s;
}

status store::open_db() {
  AGORA_ASSERT(!is_open());
  AGORA_ASSERT(handles_.empty());
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = true;
  if (memory_)
    db_options.env = memory_->env();
  if (!options_.create_if_missing && !db_options.env->FileExists(options_.path + "/CURRENT").ok())
    return make_error(errc::not_found, "no database at " + options_.path);
  if (options_.create_if_missing && !memory_) {
    std::error_code ec;
    std::filesystem::create_directories(options_.path, ec);
    if (ec)
      return make_error(errc::io_error, "creating " + options_.path + ": " + ec.message());
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (column c : all_columns)
    families.emplace_back(std::string(column_name(c)), rocksdb::ColumnFamilyOptions());
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  rocksdb::DB* db = nullptr;
  AGORA_STORAGE_CHECK(rocksdb::DB::Open(db_options, options_.path, families, &handles_, &db));
  db_.reset(db);
  AGORA_ASSERT(handles_.size() == column_count + 1);
  for (column c : all_columns)
    AGORA_ASSERT(handle(c)->GetName() == column_name(c));
  return {};
}

status store::close() {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(handles_.size() == column_count + 1);
  rocksdb::Status first_failure;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    if (first_failure.ok())
      first_failure = s;
  }
  handles_.clear();
  rocksdb::Status closed = db_->Close();
  db_.reset();  // the database is gone whatever Close said; memory_ may go after it
  AGORA_STORAGE_CHECK(first_failure);
  AGORA_STORAGE_CHECK(closed);
  return {};
}

status store::flush() {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(handles_.size() == column_count + 1);
  AGORA_STORAGE_CHECK(db_->FlushWAL(/*sync=*/true));
  AGORA_STORAGE_CHECK(db_->Flush(rocksdb::FlushOptions(), handles_));
  return {};
}

rocksdb::ColumnFamilyHandle* store::handle(column col) const {
  AGORA_ASSERT(column_index(col) < column_count);
  AGORA_ASSERT(handles_.size() == column_count + 1);
  return handles_[column_index(col)];
}

// ------------------------------------------------------------------------------------------------
// reads

result<std::optional<bytes>> store::get(column col, byte_view key) const {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(!key.empty());
  AGORA_ASSERT(key.size() <= key_bytes_max);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(col), to_slice(key), &value);
  if (s.IsNotFound())
    return std::optional<bytes>{};
  AGORA_STORAGE_CHECK(s);
  byte_view out = to_view(value);
  return std::optional<bytes>{bytes(out.begin(), out.end())};
}

result<std::optional<bytes>> store::get_checked(column col, byte_view key, verify_fn verify) const {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(verify != nullptr);
  auto value = get(col, key);
  if (!value || !value->has_value())
    return value;
  if (!verify(**value))
    return make_error(errc::corrupt, std::string("record in ") + std::string(column_name(col)) +
                                         " at key " + to_hex(key) + " fails verification");
  return value;
}

result<scan_stats> store::scan_range(column col, byte_view begin, std::optional<byte_view> end,
                                     size_t limit, const scan_fn& visit) const {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(limit > 0);
  AGORA_ASSERT(limit <= scan_limit_max);
  rocksdb::ReadOptions read_options;
  rocksdb::Slice upper;  // must outlive the iterator
  if (end) {
    upper = to_slice(*end);
    read_options.iterate_upper_bound = &upper;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handle(col)));
  scan_stats stats;
  for (it->Seek(to_slice(begin)); it->Valid(); it->Next()) {
    if (stats.visited == limit) {
      stats.truncated = true;
      break;
    }
    ++stats.visited;
    if (visit(to_view(it->key()), to_view(it->value())) == scan_step::stop)
      break;
  }
  AGORA_STORAGE_CHECK(it->status());
  AGORA_ASSERT(stats.visited <= limit);
  return stats;
}

result<scan_stats> store::scan_prefix(column col, byte_view prefix, size_t limit,
                                      const scan_fn& visit) const {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(prefix.size() <= key_bytes_max);
  std::optional<bytes> end = prefix_end(prefix);
  std::optional<byte_view> end_view;
  if (end)
    end_view = byte_view(*end);
  return scan_range(col, prefix, end_view, limit, visit);
}

result<bool> store::applied(std::string_view batch_id) const {
  AGORA_ASSERT(is_open());
  if (status s = check_batch_id(batch_id); !s)
    return s.error();
  auto marker = get(column::applied, as_bytes(batch_id));
  if (!marker)
    return marker.error();
  return marker->has_value();
}

// ------------------------------------------------------------------------------------------------
// writes

result<apply_outcome> store::apply(std::string_view batch_id, const write_batch& batch) {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(batch.size() <= batch_ops_max);
  std::unique_lock<std::mutex> lock(apply_mutex_);
  auto seen = applied(batch_id);  // also rejects a bad id
  if (!seen)
    return seen.error();
  if (*seen)
    return apply_outcome::duplicate;
  if (status s = write_rocks(&lock, batch_id, batch); !s)
    return s.error();
  AGORA_ASSERT(lock.owns_lock());
  return apply_outcome::applied;
}

status store::write(const write_batch& batch) {
  AGORA_ASSERT(is_open());
  AGORA_ASSERT(!batch.empty());
  return write_rocks(nullptr, {}, batch);
}

status store::write_rocks(const std::unique_lock<std::mutex>* marker_lock,
                          std::string_view batch_id, const write_batch& batch) {
  AGORA_ASSERT(batch_id.empty() || (marker_lock != nullptr && marker_lock->owns_lock() &&
                                    marker_lock->mutex() == &apply_mutex_));
  AGORA_ASSERT(batch.size() <= batch_ops_max);
  rocksdb::WriteBatch rocks_batch;
  rocksdb::Status first_failure;
  batch.for_each([&](const write_batch::op& op) {
    AGORA_ASSERT(op.col != column::applied);
    rocksdb::Status s = op.kind == write_batch::op_kind::put
                            ? rocks_batch.Put(handle(op.col), to_slice(op.key), to_slice(op.value))
                            : rocks_batch.Delete(handle(op.col), to_slice(op.key));
    if (first_failure.ok())
      first_failure = s;
  });
  AGORA_STORAGE_CHECK(first_failure);
  if (!batch_id.empty()) {
    // The marker's value is the batch's operation count, so a reader can tell what it covered.
    bytes marker = key_builder().u64(batch.size()).take();
    AGORA_STORAGE_CHECK(
        rocks_batch.Put(handle(column::applied), to_slice(as_bytes(batch_id)), to_slice(marker)));
  }
  AGORA_ASSERT(rocks_batch.Count() == batch.size() + (batch_id.empty() ? 0 : 1));
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  AGORA_STORAGE_CHECK(db_->Write(write_options, &rocks_batch));
  return {};
}

}  // namespace agora::storage
