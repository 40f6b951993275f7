// The relay's matcher (DESIGN §6, issue 4; docs/PROTOCOL.md "Tasks"): picks the provider for a
// task from the registry's per-model index, so a route scans only the providers serving the
// task's model, and allocates nothing (but when it binds a new rental session, or fails). Plain C++
// that the CAF relay actor wraps; time comes in as `now`, randomness from an injected seeded
// source.
//
// Filters: the model is offered and ready (Heartbeat), the provider is healthy, not draining and
// below max_concurrency, its price ≤ the cap, its region is the requested one (if any), it has
// TEE evidence (if required), it is not excluded (it failed the task before). Ranking, best
// first: lower measured latency (EWMA, in buckets of registry_config::ranking.latency), then
// lower error rate (in buckets of ranking.error_ppm), then a tie-break from one draw of the
// seeded source per route; for a model with more than candidates_max providers, over a seeded
// window of that many. A provider with no measurement yet ranks as latency 0 and error rate 0,
// so new providers get tried. A route reads the registry's dense routing_state array, about one
// cache line per candidate, fetched ahead.
//
// Errors, which the gateway maps to HTTP: errc::not_found "Model not found" when no registered
// provider offers the model (404); errc::limit_exceeded "No providers available" when some do but
// none passes the filters now (503): "limit_exceeded" because in the common case every candidate
// is at a limit (capacity, price cap) or out of service for now, and the caller may retry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>

#include "actors/relay/registry.hpp"
#include "core/address.hpp"
#include "core/amount.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "schemas/wire_types.hpp"

namespace agora::relay {

inline constexpr std::string_view model_not_found = "Model not found";
inline constexpr std::string_view no_providers_available = "No providers available";

enum class tee_requirement : uint8_t {
  any = 0,       // TEE evidence not needed
  required = 1,  // only providers that registered TEE evidence
};

/// What a task asks of its provider (from a TaskRequest, plus the gateway's TEE policy).
struct task_requirements {
  std::string_view model;
  amount price_cap_per_million_tokens;
  std::string_view region;  // empty: any
  tee_requirement tee = tee_requirement::any;
  std::optional<wire::id128> rental_session;  // tasks of one rental session stick to a provider
  std::span<const address> excluded;  // providers that already failed this task (reassignment)
};

struct match_result {
  address provider;
  amount price_per_million_tokens;  // the provider's price at match time (TaskAssignment)
};

struct matcher_config {
  size_t sessions_max = 100'000;  // rental sessions remembered at once
  /// A route ranks at most this many providers of a model: a model served by more is ranked
  /// over a window of this many entries at a seeded random offset (the rest are scanned only
  /// when none in the window qualifies). Bounds a route's work for a popular model.
  size_t candidates_max = 1'024;
};

class matcher {
 public:
  /// `providers` and `rng` must outlive the matcher.
  matcher(registry& providers, random_source& rng, const matcher_config& config = {});

  /// The best provider for `task` now, or not_found "Model not found" / limit_exceeded
  /// "No providers available". Changes nothing but rental-session bindings and the random state.
  ///
  /// Rental sessions: a session is bound to the provider first matched for it. While that
  /// provider is registered, healthy and not draining, the session's tasks go to it, or fail
  /// with "No providers available" if it does not pass the other filters (it is busy); once it is
  /// gone, unhealthy or draining, the session is bound anew. limit_exceeded if a new session
  /// would exceed sessions_max.
  result<match_result> match(const task_requirements& task, wall_time now);
  /// match(), then registry::task_started for the provider found: the assignment is counted.
  result<match_result> route(const task_requirements& task, wall_time now);

  /// Binds a rental session to `provider` (its grant); limit_exceeded if a new session would
  /// exceed sessions_max.
  status bind_session(const wire::id128& session, const address& provider);
  /// Forgets a rental session's binding (SessionEnd).
  void end_session(const wire::id128& session);
  std::optional<address> session_provider(const wire::id128& session) const;
  size_t sessions() const { return sessions_.size(); }

 private:
  struct id_hash {
    size_t operator()(const wire::id128& id) const;
  };

  /// A task's filters, prepared once per route.
  struct filter {
    const task_requirements& task;
    uint32_t region_hash = 0;
    wall_time now{};
    wall_time heard_after{};  // healthy: heard from after this instant
  };

  filter filter_for(const task_requirements& task, wall_time now) const;
  /// The filters routing_state decides (the region only by hash).
  static bool passes(const routing_state& r, uint32_t offer, const filter& f);
  /// The filters only the record decides: the region's text matches, when the task names one,
  /// and the provider is not excluded.
  bool confirmed(uint32_t slot, const filter& f) const;
  bool qualifies(uint32_t slot, uint32_t offer, const filter& f) const;
  /// The best candidate so far.
  struct pick {
    std::optional<uint32_t> slot;
    uint64_t rank = UINT64_MAX;  // none yet
    uint64_t tie = 0;
  };

  /// Folds the qualifying entries of `part` into `best`.
  void consider(std::span<const model_entry> part, const filter& f, uint64_t salt,
                pick* best) const;
  /// The best qualifying provider serving the model (within candidates_max); nullopt if none.
  std::optional<uint32_t> best(std::span<const model_entry> entries, const filter& f);
  /// The bound provider's slot if the session sticks to it; nullopt to bind anew.
  std::optional<uint32_t> sticky_slot(const wire::id128& session, wall_time now) const;
  result<match_result> match_sticky(std::span<const model_entry> entries, const filter& f);

  registry& registry_;
  random_source& rng_;
  matcher_config config_;
  std::unordered_map<wire::id128, address, id_hash> sessions_;
};

}  // namespace agora::relay
