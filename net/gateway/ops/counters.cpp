// The gateway's request counters (counters.hpp).
#include "net/gateway/ops/counters.hpp"

namespace agora::net::gateway {

void gateway_counters::count_request(std::string_view route, unsigned status) {
  std::lock_guard lock(mutex_);
  ++requests_[request_key{std::string(route), status}];
}

uint64_t gateway_counters::requests(std::string_view route, unsigned status) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(request_key{std::string(route), status});
  return it == requests_.end() ? 0 : it->second;
}

std::map<gateway_counters::request_key, uint64_t> gateway_counters::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

}  // namespace agora::net::gateway
