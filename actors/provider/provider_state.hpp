// The provider actor's state (private to actors/provider/): its session with the relay and the
// tasks running on its worker. Rebuilt empty on restart; the task log in the store persists.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/provider/provider.hpp"

namespace agora::actors {

enum class provider_phase : uint8_t { registering, registered, draining, deregistered };

/// Where the output stood after one streamed chunk: what a cancelled task bills up to.
struct chunk_mark {
  hash256 chain_hash{};
  uint32_t tokens = 0;    // completion tokens in this chunk and all before it
  size_t text_bytes = 0;  // bytes of text in this chunk and all before it
};

/// One assignment the worker is running.
struct running_task {
  wire::id128 task_id{};
  bytes assignment;  // the sealed TaskAssignment
  bytes request;     // the sealed TaskRequest inside it
  hash256 input_hash{};
  address renter;
  wire::id128 hold_id{};
  wire::TaskType task_type = wire::TaskType::Completion;
  std::string model;
  std::unique_ptr<wire::SamplingParamsT> sampling;  // as the renter signed it
  int64_t price_per_million_tokens_micros = 0;
  uint16_t attempt = 0;
  bool stream = false;
  hash256 chain_hash{};  // of the last chunk sent; zero before the first
  uint32_t chunks = 0;
  wall_time started;
  std::vector<chunk_mark> marks;  // one per chunk sent
  std::string text;               // the text of the chunks sent
  /// Set by the renter's TaskCancel: the chunks it passed on to its client.
  std::optional<uint32_t> cancel_delivered;
};

/// A rental session this provider granted and runs.
struct provider_rental {
  bytes grant;  // the relay's sealed SessionGrant
  address renter;
  uint16_t gpus = 0;
  int64_t starts_unix_s = 0;
  int64_t expires_unix_s = 0;
  int64_t reported_until_unix_s = 0;  // the end of the last reported period
  uint64_t sequence = 0;              // of the last UsageReport sent (0: the acceptance)
};

struct provider_state {
  std::optional<provider_options> options;  // set at spawn (private_key has no default)
  address self_id;                          // options.key.address()
  worker_actor worker;
  std::vector<model_info> models;  // what the engine serves
  bytes session_id;                // 32 random bytes, single use
  provider_phase phase = provider_phase::registering;
  uint64_t sequence = 0;  // last Heartbeat/Drain/Deregister sequence sent
  caf::timespan heartbeat_interval{std::chrono::seconds(30)};
  bool heartbeat_armed = false;  // a heartbeat timer is pending: a new session keeps that loop
  std::map<uint64_t, running_task> running;        // by worker request id
  std::map<wire::id128, provider_rental> rentals;  // by session id
  uint64_t requests = 0;                           // worker requests made
  uint64_t refused = 0;                            // frames answered with an ErrorFrame
  static inline const char* name = "agora.provider";
};

using provider_pointer = provider_actor::stateful_pointer<provider_state>;

}  // namespace agora::actors
