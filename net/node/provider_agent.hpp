// The provider agent of `agora provider` (DESIGN §6 "provider"): the provider actor with its
// worker, dialing out to its relay over WebSocket (provider_link.hpp), so a GPU host behind NAT
// earns without opening a port. Its engine is mock-model or an external OpenAI-compatible
// server (--backend). Its key is PRIVATE_KEY, a key file, or <data dir>/keys/
// provider.key; its task log lives in <data dir>/provider.
#pragma once

#include <caf/actor_system.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "net/node/market_roles.hpp"
#include "net/node/model_folders.hpp"
#include "net/ws/provider_link.hpp"

namespace agora::net {

struct provider_agent_options {
  std::filesystem::path data_dir = "agora-provider";
  std::string key_file;   // empty: PRIVATE_KEY, else <data dir>/keys/provider.key
  std::string relay_url;  // ws://… or wss://…
  address relay_address;  // the relay that must sign our Registered
  std::string ca_file;    // wss: a pinned CA; empty: the system store
  /// An OpenAI-compatible server to serve instead of mock-model (openai_backend.hpp); empty:
  /// mock-model.
  std::string backend_url;
  std::string backend_api_key;
  /// Hugging Face model folders served beside mock-model (or the external server).
  model_folders models;
  int64_t price_per_million_tokens_micros = 0;
  int64_t price_per_gpu_hour_micros = 0;
  std::string region = "local";
  uint32_t max_concurrency = 16;
};

class provider_agent {
 public:
  /// Loads the key, opens the task log, starts dialing and spawns the provider.
  static result<std::unique_ptr<provider_agent>> start(caf::actor_system& sys,
                                                       provider_agent_options options);
  ~provider_agent();  // stop()
  provider_agent(const provider_agent&) = delete;
  provider_agent& operator=(const provider_agent&) = delete;

  const address& provider_address() const { return address_; }

  /// Deregisters, closes the connection and ends the provider. Idempotent.
  void stop();

 private:
  provider_agent(std::unique_ptr<provider_link> link, actors::provider_actor provider,
                 address self);

  std::unique_ptr<provider_link> link_;
  actors::provider_actor provider_;
  address address_;
};

}  // namespace agora::net
