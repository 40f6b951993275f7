// The gateway's counters (counters.hpp).
#include "net/gateway/ops/counters.hpp"

#include "core/assert.hpp"

namespace agora::net::gateway {

void route_counters::count(unsigned status) {
  AGORA_ASSERT(status >= status_min);
  AGORA_ASSERT(status <= status_max);
  by_status_[status - status_min].fetch_add(1, std::memory_order_relaxed);
}

uint64_t route_counters::answered(unsigned status) const {
  if (status < status_min || status > status_max)
    return 0;
  return by_status_[status - status_min].load(std::memory_order_relaxed);
}

gateway_counters::gateway_counters(std::shared_ptr<const clock_source> clock)
    : clock_(std::move(clock)) {
  AGORA_ASSERT(clock_ != nullptr);
}

route_counters& gateway_counters::route(std::string_view name) {
  std::lock_guard lock(routes_mutex_);
  for (route_counters& r : routes_)
    if (r.name() == name)
      return r;
  return routes_.emplace_back(std::string(name));
}

uint64_t gateway_counters::requests(std::string_view route, unsigned status) const {
  std::lock_guard lock(routes_mutex_);
  for (const route_counters& r : routes_)
    if (r.name() == route)
      return r.answered(status);
  return 0;
}

std::map<gateway_counters::request_key, uint64_t> gateway_counters::requests() const {
  std::map<request_key, uint64_t> out;
  for_each_route([&out](const route_counters& r) {
    for (unsigned status = route_counters::status_min; status <= route_counters::status_max;
         ++status)
      if (const uint64_t n = r.answered(status); n > 0)
        out[{r.name(), status}] = n;
  });
  return out;
}

void gateway_counters::for_each_route(
    const std::function<void(const route_counters&)>& visit) const {
  std::lock_guard lock(routes_mutex_);
  for (const route_counters& r : routes_)
    visit(r);
}

void gateway_counters::count_refusal(std::string_view reason, unsigned status) {
  AGORA_ASSERT(status >= 400);
  AGORA_ASSERT(status <= route_counters::status_max);
  std::lock_guard lock(refusals_mutex_);
  refusal_key key{std::string(reason), status};
  auto it = refusals_.find(key);
  if (it == refusals_.end() && refusals_.size() >= refusal_reasons_max)
    key.first = "other";  // keeps the label set bounded whatever codes handlers invent
  ++refusals_[std::move(key)];
  // Beyond the cap only ("other", status) keys are added: one per status at most.
  AGORA_ASSERT(refusals_.size() <=
               refusal_reasons_max + route_counters::status_max - route_counters::status_min + 1);
}

uint64_t gateway_counters::refusals(std::string_view reason, unsigned status) const {
  std::lock_guard lock(refusals_mutex_);
  auto it = refusals_.find(refusal_key{std::string(reason), status});
  return it == refusals_.end() ? 0 : it->second;
}

std::map<gateway_counters::refusal_key, uint64_t> gateway_counters::refusals() const {
  std::lock_guard lock(refusals_mutex_);
  return refusals_;
}

std::string refusal_reason_of(unsigned status) {
  switch (status) {
  case 400: return "invalid_request";
  case 401: return "unauthorized";
  case 402: return "payment_required";
  case 403: return "forbidden";
  case 404: return "not_found";
  case 405: return "method_not_allowed";
  case 413: return "payload_too_large";
  case 429: return "rate_limit_exceeded";
  case 431: return "header_fields_too_large";
  case 500: return "internal_error";
  case 502: return "bad_gateway";
  case 503: return "unavailable";
  case 504: return "timeout";
  default: return "http_" + std::to_string(status);
  }
}

}  // namespace agora::net::gateway
