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
#include <map>
#include <set>

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

namespace {

/// The column families a database at `path` has now: none for a new one.
result<std::set<std::string>> existing_families(const rocksdb::DBOptions& db_options,
                                                const std::string& path) {
  if (!db_options.env->FileExists(path + "/CURRENT").ok())
    return std::set<std::string>{};
  std::vector<std::string> names;
  AGORA_STORAGE_CHECK(rocksdb::DB::ListColumnFamilies(db_options, path, &names));
  return std::set<std::string>(names.begin(), names.end());
}

}  // namespace

// Opens with the families the database has and creates the missing ones in one call: RocksDB
// rewrites and re-parses its OPTIONS file for every family it creates, and Open with
// create_missing_column_families creates them one at a time (column_count + 1 OPTIONS files for
// a new store instead of 2; it was most of the cost of a simulated world's 1,000 stores).
status store::open_db() {
  AGORA_ASSERT(!is_open());
  AGORA_ASSERT(handles_.empty());
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
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
  auto existing = existing_families(db_options, options_.path);
  if (!existing)
    return existing.error();
  std::vector<std::string> wanted;  // handles_ order: all_columns, then the default family
  for (column c : all_columns)
    wanted.emplace_back(column_name(c));
  wanted.emplace_back(rocksdb::kDefaultColumnFamilyName);
  std::vector<rocksdb::ColumnFamilyDescriptor> present{
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyDescriptor> missing;
  for (const std::string& name : wanted)
    if (name != rocksdb::kDefaultColumnFamilyName)
      (existing->contains(name) ? present : missing)
          .emplace_back(name, rocksdb::ColumnFamilyOptions());
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  AGORA_STORAGE_CHECK(rocksdb::DB::Open(db_options, options_.path, present, &opened, &db));
  db_.reset(db);
  std::vector<rocksdb::ColumnFamilyHandle*> created;
  rocksdb::Status made =
      missing.empty() ? rocksdb::Status::OK() : db_->CreateColumnFamilies(missing, &created);
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (rocksdb::ColumnFamilyHandle* h : opened)
    by_name[h->GetName()] = h;
  for (rocksdb::ColumnFamilyHandle* h : created)
    by_name[h->GetName()] = h;
  for (const std::string& name : wanted)
    if (auto it = by_name.find(name); it != by_name.end())
      handles_.push_back(it->second);
  if (!made.ok() || handles_.size() != column_count + 1) {
    for (const auto& entry : by_name)
      db_->DestroyColumnFamilyHandle(entry.second);  // a failed open leaves nothing open
    handles_.clear();
    db_.reset();
    AGORA_STORAGE_CHECK(made);
    return make_error(errc::corrupt, "column families missing after opening " + options_.path);
  }
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
