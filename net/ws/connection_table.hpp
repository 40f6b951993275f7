// The relay listener's open connections: admission against the per-IP and total limits, the
// `connections_open` gauge, and the list stop() walks to close every connection and then waits
// on. Thread-safe: the acceptor, every session's strand and stop() share it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "net/ws/frame_writer.hpp"
#include "net/ws/ws_metrics.hpp"

namespace agora::net {

class connection_table;

/// One admitted connection; destroying it gives the slot back. Move-only.
class connection_slot {
 public:
  connection_slot(std::shared_ptr<connection_table> table, uint64_t id)
      : table_(std::move(table)), id_(id) {}
  connection_slot(connection_slot&& other) noexcept = default;
  connection_slot& operator=(connection_slot&&) = delete;
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;
  ~connection_slot();

  /// Names what stop() closes for this connection (its handshake, then its WebSocket).
  void attach(std::weak_ptr<closable> target);

 private:
  std::shared_ptr<connection_table> table_;  // null once moved from
  uint64_t id_;
};

class connection_table : public std::enable_shared_from_this<connection_table> {
 public:
  connection_table(size_t per_ip_max, size_t total_max, std::shared_ptr<ws_metrics> metrics);

  /// A slot for a connection from `ip`, or nothing (counted, logged) when `ip` has
  /// per_ip_max connections, the table has total_max, or close_all() was called.
  std::optional<connection_slot> admit(const std::string& ip);

  /// Stops admitting and shuts down every connection; never blocks on I/O.
  void close_all();
  /// Waits until every slot was given back or `timeout` passed; true if empty.
  /// REQUIRES: not on a thread that runs the connections' I/O.
  bool wait_empty(std::chrono::milliseconds timeout);

 private:
  friend class connection_slot;
  struct entry {
    std::string ip;
    std::weak_ptr<closable> target;
  };

  void attach(uint64_t id, std::weak_ptr<closable> target);
  void release(uint64_t id);

  const size_t per_ip_max_;
  const size_t total_max_;
  const std::shared_ptr<ws_metrics> metrics_;
  std::mutex mutex_;
  std::condition_variable emptied_;
  std::map<uint64_t, entry> entries_;               // GUARDED_BY(mutex_)
  std::unordered_map<std::string, size_t> per_ip_;  // GUARDED_BY(mutex_)
  uint64_t next_id_ = 1;                            // GUARDED_BY(mutex_)
  bool closing_ = false;                            // GUARDED_BY(mutex_)
};

}  // namespace agora::net
