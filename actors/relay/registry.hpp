// The relay's provider registry (DESIGN §6, issue 4; docs/PROTOCOL.md "Provider session"): who
// is registered on this relay, their session, hardware, models, prices and reliability, and
// their liveness. Plain C++ that the CAF relay actor wraps: time comes in as `now` arguments,
// never from a clock. Messages come in as envelopes wire::open accepted, so the signer already
// equals the payload's provider field; the registry adds the relay-side checks.
//
// Persistence: none, by design. The registry is soft state: when a relay restarts, providers
// reconnect and re-register (a reconnect is a new Register), which rebuilds it. What must
// survive a restart (earnings, stakes, offline_since for slashing) belongs to the escrow.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/relay/liveness.hpp"
#include "actors/relay/replay_window.hpp"
#include "core/address.hpp"
#include "core/amount.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "schemas/envelope.hpp"

namespace agora::relay {

/// How finely reliability ranks (matcher.hpp): values within one bucket rank as equal.
struct ranking_buckets {
  std::chrono::microseconds latency{10'000};
  uint32_t error_ppm = 1'000;
};

struct registry_config {
  liveness_thresholds liveness;
  ranking_buckets ranking;
  /// A message timestamp may differ from the relay's `now` by this much, either way.
  std::chrono::seconds clock_skew_max{60};
  size_t providers_max = 100'000;
  /// Hard cap on remembered session ids (replay_window.hpp).
  size_t session_ids_max = 1'000'000;
};

struct gpu_info {
  std::string name;
  uint64_t vram_bytes = 0;
  uint16_t count = 0;
  std::string driver_version;
  uint8_t compute_capability_major = 0;
  uint8_t compute_capability_minor = 0;
};

struct model_offer {
  std::string id;
  uint32_t max_context = 0;
  std::string quantization;
  hash256 weights_hash{};
};

/// A provider serving a model: the registry's per-model index, which the matcher scans.
struct model_entry {
  uint32_t slot = 0;   // the provider's slot (registry::at)
  uint32_t offer = 0;  // index into provider_record::models, < 64
};

/// Everything the relay knows about one registered provider. The matcher reads the routing_state
/// copy of the routing fields, not this.
struct provider_record {
  // Routing.
  wall_time last_heard{};  // the relay's `now` at the last accepted Register or Heartbeat
  uint32_t in_flight = 0;  // tasks assigned and not finished
  uint32_t max_concurrency = 0;
  bool draining = false;       // Drain or Deregister received: no new work
  bool deregistering = false;  // Deregister received: removed once in_flight reaches 0
  wire::TeeType tee_type = wire::TeeType::None;
  uint64_t models_ready = 0;  // bit i: models[i] is loaded and ready (Heartbeat)
  amount price_per_million_tokens;
  std::chrono::microseconds latency_ewma{0};  // of completed tasks, weight 1/8; 0 before any
  uint32_t error_ppm = 0;                     // EWMA of failed/finished, parts per million
  std::string region;
  // Session.
  address provider;
  bytes session_id;
  std::optional<uint64_t> last_sequence;  // shared by Heartbeat, Drain, ModelsUpdate, Deregister
  wall_time connected_since{};            // the current session's registration: uptime base
  liveness reported = liveness::healthy;  // as of the last tick()
  // Offer.
  std::vector<gpu_info> gpus;
  std::string cpu_model;  // empty, and 0 below: not reported
  uint32_t cpu_cores = 0;
  uint64_t memory_bytes = 0;
  std::vector<model_offer> models;  // distinct ids, at most 64
  amount price_per_gpu_hour;
  bytes tee_evidence;  // empty when tee_type is None
  // Load, from the last Heartbeat.
  uint16_t load_permille = 0;
  uint32_t queue_depth = 0;
  uint32_t active_tasks = 0;
  // Reliability; kept across re-registrations so a reconnect does not wipe a record.
  uint64_t jobs_completed = 0;
  uint64_t jobs_failed = 0;
};

/// The part of a provider_record the matcher reads on every route, in a dense array by slot so
/// a route touches about one cache line (48 bytes) per candidate. The registry refreshes it from
/// the record after every change; nothing else writes it.
struct routing_state {
  wall_time last_heard{};
  uint64_t models_ready = 0;
  amount price_per_million_tokens;
  uint64_t rank = 0;           // latency bucket << 32 | error-rate bucket: lower ranks better
  uint32_t region_hash = 0;    // of the region text; the matcher confirms a match on the text
  uint32_t free_capacity = 0;  // max_concurrency − in_flight; 0 while draining
  bool has_tee = false;
};

/// The routing_state::region_hash of a region's text.
uint32_t region_hash(std::string_view region);

/// How a finished task went, as the relay saw it.
struct task_outcome {
  /// Completed feeds latency; Failed, DeadlineExceeded and Rejected count as errors; Cancelled
  /// (the renter's doing) counts as neither.
  wire::TaskStatus status = wire::TaskStatus::Completed;
  std::chrono::microseconds latency{0};  // assignment to result
};

/// A liveness change found by tick().
struct liveness_change {
  address provider;
  liveness from = liveness::healthy;
  liveness to = liveness::healthy;
  std::optional<wall_time> offline_since;  // set when `to` is offline
};

/// What a Deregister did.
enum class deregistration : uint8_t {
  removed = 0,  // no work in flight: gone now
  pending = 1,  // draining; removed when its last in-flight task finishes
};

class registry {
 public:
  /// `relay_id` is this relay's address: a Register must name it.
  explicit registry(const address& relay_id, const registry_config& config = {});

  // ----------------------------------------------------------------------------------------------
  // Provider session messages. REQUIRES: the envelope's kind matches the function.

  /// Register: names this relay (invalid_argument), timestamp within ±clock_skew_max of now
  /// (stale), session id unseen within that window (replayed), room for one more provider
  /// (limit_exceeded). A provider already registered gets a new session: offer, prices and
  /// session replace the old ones; in-flight count and reliability carry over. Session ids are
  /// remembered until their Register's timestamp + clock_skew_max, after which a replay fails
  /// the timestamp check anyway (replay_window.hpp), so the memory is bounded by the rate of
  /// registrations over 2 × clock_skew_max, and by session_ids_max.
  status register_provider(const wire::opened_envelope& envelope, wall_time now);
  /// Heartbeat: the provider's current session (not_found), fresh timestamp (stale), sequence
  /// above the session's last (replayed). Updates load, last_heard and the ready models: those
  /// of the offer that available_models lists (an empty list: none ready, no work).
  status heartbeat(const wire::opened_envelope& envelope, wall_time now);
  /// Drain: the same session checks as heartbeat; the provider gets no new work from now on.
  status drain(const wire::opened_envelope& envelope, wall_time now);
  /// ModelsUpdate: the same session checks; replaces the models offered (all ready until the
  /// next Heartbeat says otherwise).
  status update_models(const wire::opened_envelope& envelope, wall_time now);
  /// Deregister: the same session checks; removes the provider now, or once in-flight work is done.
  result<deregistration> deregister(const wire::opened_envelope& envelope, wall_time now);

  // ----------------------------------------------------------------------------------------------
  // Tasks

  /// Counts a task assigned to `provider`: not_found if it is not registered, limit_exceeded if
  /// it runs max_concurrency tasks already.
  status task_started(const address& provider);
  /// Counts a task of `provider` as finished, feeds latency and error rate, and removes a
  /// deregistering provider whose last task this was. not_found if it is not registered.
  /// REQUIRES: a task_started for it is outstanding.
  status task_finished(const address& provider, const task_outcome& outcome);

  // ----------------------------------------------------------------------------------------------
  // Liveness

  liveness liveness_of(const provider_record& record, wall_time now) const;
  /// Whether `record` may get new work now: healthy, not draining, below max_concurrency.
  bool accepts_work(const provider_record& record, wall_time now) const;
  /// Appends to `changes` every provider whose liveness changed since the last tick.
  void tick(wall_time now, std::vector<liveness_change>* changes);

  // ----------------------------------------------------------------------------------------------
  // Lookups

  const provider_record* find(const address& provider) const;
  std::optional<uint32_t> slot_of(const address& provider) const;
  /// The record in `slot`. REQUIRES: the slot holds a provider (from slot_of or serving).
  const provider_record& at(uint32_t slot) const;
  /// The routing state of every slot, indexed by slot (free slots hold a default one).
  std::span<const routing_state> routing() const { return routing_; }
  /// Every (provider, offer) serving `model`; empty when no registered provider offers it.
  std::span<const model_entry> serving(std::string_view model) const;
  size_t size() const { return slots_.size(); }
  const registry_config& config() const { return config_; }

 private:
  struct address_hash {
    size_t operator()(const address& a) const;
  };
  struct text_hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  template <class Message>
  result<uint32_t> check_session(const Message& message, wall_time now) const;
  status check_timestamp(int64_t timestamp_unix_s, wall_time now) const;
  uint32_t allocate_slot(const address& provider);
  void index_models(uint32_t slot);
  void unindex_models(uint32_t slot);
  void remove(uint32_t slot);
  /// Copies what the matcher reads from records_[slot] into routing_[slot].
  void refresh(uint32_t slot);

  address relay_id_;
  registry_config config_;
  std::vector<provider_record> records_;  // by slot; free slots hold a zero provider
  std::vector<routing_state> routing_;    // by slot, refreshed from records_
  std::vector<uint32_t> free_slots_;
  std::unordered_map<address, uint32_t, address_hash> slots_;
  std::unordered_map<std::string, std::vector<model_entry>, text_hash, std::equal_to<>> models_;
  replay_window session_ids_;
};

}  // namespace agora::relay
