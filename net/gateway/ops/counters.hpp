// The gateway's counters, for /metrics (DESIGN §6; metrics.hpp prints them): per route, the
// answers by HTTP status and a latency histogram; refusals by reason; tokens served, proofs
// checked and settlements. Updated from I/O and CAF threads alike.
//
// Cost: answering a request touches only atomics. Routes are registered once, before serving
// (the router's construction), and each keeps its statuses in a fixed array indexed by the code,
// so the hot path never takes a lock or allocates. Refusals (answers ≥ 400) take one short lock
// for their reason map, which is bounded (refusal_reasons_max).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "net/gateway/ops/latency_histogram.hpp"

namespace agora::net::gateway {

/// One route's answers: how many per HTTP status, and how long they took.
class route_counters {
 public:
  static constexpr unsigned status_min = 100;
  static constexpr unsigned status_max = 599;

  explicit route_counters(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  /// REQUIRES: status_min ≤ status ≤ status_max.
  void count(unsigned status);
  uint64_t answered(unsigned status) const;
  latency_histogram& latency() { return latency_; }
  const latency_histogram& latency() const { return latency_; }

 private:
  std::string name_;
  std::array<std::atomic<uint64_t>, status_max - status_min + 1> by_status_{};
  latency_histogram latency_;
};

class gateway_counters {
 public:
  using request_key = std::pair<std::string, unsigned>;  // route name, HTTP status
  using refusal_key = std::pair<std::string, unsigned>;  // reason, HTTP status
  /// Distinct refusal keys kept; any further key is counted as ("other", status).
  static constexpr size_t refusal_reasons_max = 64;

  /// `clock` times the requests (router.hpp); the host's clock unless a test injects one.
  explicit gateway_counters(
      std::shared_ptr<const clock_source> clock = std::make_shared<system_clock_source>());

  const clock_source& clock() const { return *clock_; }

  /// The counters of route `name`, registered on first use; the reference stays valid for the
  /// counters' life. Takes a lock: call it when building routes, not per request.
  route_counters& route(std::string_view name);
  /// How many requests to `route` were answered with `status` (0 for an unknown route).
  uint64_t requests(std::string_view route, unsigned status) const;
  /// Every (route, status) answered at least once, with its count.
  std::map<request_key, uint64_t> requests() const;
  /// Calls `visit` for every route, in registration order, under the registration lock.
  void for_each_route(const std::function<void(const route_counters&)>& visit) const;

  /// Counts one refusal: an answer ≥ 400, by `reason` (an OpenAI error code, or the status's
  /// name when the answer carries none).
  void count_refusal(std::string_view reason, unsigned status);
  uint64_t refusals(std::string_view reason, unsigned status) const;
  std::map<refusal_key, uint64_t> refusals() const;

  std::atomic<uint64_t> prompt_tokens{0};
  std::atomic<uint64_t> completion_tokens{0};
  std::atomic<uint64_t> proofs_verified{0};
  std::atomic<uint64_t> proofs_rejected{0};
  /// Results served against a verified proof, and what they cost the paying accounts. The relay
  /// sends each proof's Settle to the escrow before forwarding the proof, so each is a settlement
  /// (one the escrow refused shows in the relay's failed escrow reports).
  std::atomic<uint64_t> settlements{0};
  std::atomic<uint64_t> settled_micros{0};

 private:
  std::shared_ptr<const clock_source> clock_;
  mutable std::mutex routes_mutex_;
  std::deque<route_counters> routes_;  // GUARDED_BY(routes_mutex_) for insertion; never moved
  mutable std::mutex refusals_mutex_;
  std::map<refusal_key, uint64_t> refusals_;  // GUARDED_BY(refusals_mutex_)
};

/// The reason label of a refusal with `status` that names no error code ("payment_required",
/// "payload_too_large", …; "http_<status>" for a status without a name here).
std::string refusal_reason_of(unsigned status);

}  // namespace agora::net::gateway
