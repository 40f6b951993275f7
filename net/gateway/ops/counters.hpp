// The gateway's counters, for a later /metrics (DESIGN §6): requests by route and HTTP status,
// tokens served and proofs checked. Updated from I/O and CAF threads alike; bounded, since routes
// are the router's fixed names and statuses a small set.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace agora::net::gateway {

class gateway_counters {
 public:
  using request_key = std::pair<std::string, unsigned>;  // route name, HTTP status

  void count_request(std::string_view route, unsigned status);
  /// How many requests to `route` were answered with `status`.
  uint64_t requests(std::string_view route, unsigned status) const;
  std::map<request_key, uint64_t> requests() const;

  std::atomic<uint64_t> prompt_tokens{0};
  std::atomic<uint64_t> completion_tokens{0};
  std::atomic<uint64_t> proofs_verified{0};
  std::atomic<uint64_t> proofs_rejected{0};

 private:
  mutable std::mutex mutex_;
  std::map<request_key, uint64_t> requests_;  // GUARDED_BY(mutex_)
};

}  // namespace agora::net::gateway
