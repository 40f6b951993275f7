// Admission, shutdown and release of the relay listener's connections.

#include "net/ws/connection_table.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "core/assert.hpp"

namespace agora::net {

connection_slot::~connection_slot() {
  if (table_ != nullptr)
    table_->release(id_);
}

void connection_slot::attach(std::weak_ptr<closable> target) {
  AGORA_ASSERT(table_ != nullptr);
  table_->attach(id_, std::move(target));
}

connection_table::connection_table(size_t per_ip_max, size_t total_max,
                                   std::shared_ptr<ws_metrics> metrics)
    : per_ip_max_(per_ip_max), total_max_(total_max), metrics_(std::move(metrics)) {
  AGORA_ASSERT(per_ip_max_ > 0);
  AGORA_ASSERT(total_max_ >= per_ip_max_);
  AGORA_ASSERT(metrics_ != nullptr);
}

std::optional<connection_slot> connection_table::admit(const std::string& ip) {
  std::unique_lock lock(mutex_);
  size_t& from_ip = per_ip_[ip];
  const bool over_ip = from_ip >= per_ip_max_;
  if (over_ip || closing_ || entries_.size() >= total_max_) {
    if (from_ip == 0)
      per_ip_.erase(ip);
    lock.unlock();
    ++metrics_->connections_refused;
    ++(over_ip ? metrics_->refusals.per_ip : metrics_->refusals.capacity);
    spdlog::warn("ws: refused a connection from {}: {}", ip,
                 over_ip ? "too many connections from this address" : "at capacity");
    return std::nullopt;
  }
  ++from_ip;
  const uint64_t id = next_id_++;
  entries_.emplace(id, entry{ip, {}});
  ++metrics_->connections_accepted;
  ++metrics_->connections_open;
  AGORA_ASSERT(from_ip <= per_ip_max_);
  return connection_slot(shared_from_this(), id);
}

void connection_table::attach(uint64_t id, std::weak_ptr<closable> target) {
  std::unique_lock lock(mutex_);
  const auto it = entries_.find(id);
  AGORA_ASSERT(it != entries_.end());
  it->second.target = target;
  const bool closing = closing_;
  lock.unlock();
  if (auto live = target.lock(); live != nullptr && closing)
    live->shutdown();  // attached after close_all(): close it now
}

void connection_table::close_all() {
  std::vector<std::shared_ptr<closable>> live;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (const auto& [id, e] : entries_)
      if (auto target = e.target.lock())
        live.push_back(std::move(target));
  }
  for (const auto& target : live)
    target->shutdown();
}

bool connection_table::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_for(lock, timeout, [this] { return entries_.empty(); });
}

void connection_table::release(uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  AGORA_ASSERT(it != entries_.end());
  const auto ip = per_ip_.find(it->second.ip);
  AGORA_ASSERT(ip != per_ip_.end() && ip->second > 0);
  if (--ip->second == 0)
    per_ip_.erase(ip);
  entries_.erase(it);
  --metrics_->connections_open;
  if (entries_.empty())
    emptied_.notify_all();
}

}  // namespace agora::net
