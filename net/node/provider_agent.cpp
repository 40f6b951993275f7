// The provider agent process (provider_agent.hpp).

#include "net/node/provider_agent.hpp"

#include <spdlog/spdlog.h>

#include "actors/worker/mock_model.hpp"
#include "net/backend/openai_backend.hpp"
#include "net/node/role_key.hpp"

namespace agora::net {

namespace {

result<std::shared_ptr<actors::engine>> base_engine(const provider_agent_options& o) {
  if (o.backend_url.empty())
    return std::shared_ptr<actors::engine>(std::make_shared<actors::mock_model>());
  auto backend = openai_backend::connect({o.backend_url, o.backend_api_key});
  if (!backend)
    return backend.error();
  for (const actors::model_info& m : (*backend)->models())
    spdlog::info("backend {} serves {}", o.backend_url, m.id);
  return std::shared_ptr<actors::engine>(std::move(*backend));
}

result<std::shared_ptr<actors::engine>> agent_engine(const provider_agent_options& o) {
  auto base = base_engine(o);
  if (!base)
    return base.error();
  return serve_with_models(std::move(*base), o.models);
}

}  // namespace

result<std::unique_ptr<provider_agent>> provider_agent::start(caf::actor_system& sys,
                                                              provider_agent_options options) {
  auto key = role_key({options.data_dir, options.key_file, true}, "provider");
  if (!key)
    return key.error();
  if (options.relay_address.is_zero())
    return make_error(errc::invalid_argument, "the relay's address is required (--relay-address)");
  auto engine = agent_engine(options);
  if (!engine)
    return engine.error();
  provider_link_options link_options;
  link_options.url = options.relay_url;
  link_options.ca_file = options.ca_file;
  auto link =
      provider_link::start(sys, std::move(link_options), std::make_shared<system_clock_source>(),
                           std::make_shared<os_random>());
  if (!link)
    return link.error();
  provider_role_options role{.store_dir = options.data_dir / "provider",
                             .key = *key,
                             .relay_id = options.relay_address,
                             .relay = (*link)->sink(),
                             .backend = std::move(*engine),
                             .price_per_million_tokens_micros =
                                 options.price_per_million_tokens_micros,
                             .price_per_gpu_hour_micros = options.price_per_gpu_hour_micros,
                             .region = std::move(options.region),
                             .max_concurrency = options.max_concurrency,
                             .register_at_start = false};
  auto provider = spawn_provider_role(sys, std::move(role));
  if (!provider)
    return provider.error();
  (*link)->attach(*provider);
  spdlog::info("provider {} dialing relay {} at {}", key->address().to_string(),
               options.relay_address.to_string(), options.relay_url);
  return std::unique_ptr<provider_agent>(
      new provider_agent(std::move(*link), std::move(*provider), key->address()));
}

provider_agent::provider_agent(std::unique_ptr<provider_link> link, actors::provider_actor provider,
                               address self)
    : link_(std::move(link)), provider_(std::move(provider)), address_(self) {}

provider_agent::~provider_agent() {
  stop();
}

void provider_agent::stop() {
  if (link_ == nullptr)
    return;
  caf::anon_send(provider_, actors::deregister_atom_v);
  link_->stop();
  link_.reset();
  caf::anon_send_exit(provider_, caf::exit_reason::user_shutdown);
}

}  // namespace agora::net
