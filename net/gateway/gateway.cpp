// The gateway: server, routes and actor wired together (gateway.hpp).
#include "net/gateway/gateway.hpp"

#include <caf/send.hpp>

#include "net/gateway/accounts/account_routes.hpp"
#include "net/gateway/openai/completions.hpp"
#include "net/gateway/openai/embeddings.hpp"
#include "net/gateway/openai/errors.hpp"
#include "net/gateway/openai/models.hpp"
#include "net/gateway/ops/account.hpp"
#include "net/gateway/ops/health.hpp"
#include "net/gateway/ops/metrics.hpp"
#include "net/gateway/ops/providers.hpp"
#include "net/gateway/proofs/proof_routes.hpp"
#include "net/gateway/proofs/signature_route.hpp"
#include "net/gateway/rentals/rental_routes.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

namespace {

router make_router(const caf::actor& actor, const gateway_options& options, const address& house,
                   const accounts::account_gate& gate, std::shared_ptr<proof_store> proofs,
                   std::shared_ptr<gateway_counters> counters) {
  using openai::endpoint;
  router r{counters};
  r.add(http::verb::post, "/v1/chat/completions", "chat",
        openai::completion_route(actor, endpoint::chat, options.limits, options.x402, gate));
  r.add(http::verb::post, "/v1/completions", "completions",
        openai::completion_route(actor, endpoint::completion, options.limits, options.x402, gate));
  r.add(http::verb::post, "/v1/embeddings", "embeddings",
        openai::embeddings_route(actor, options.x402, gate));
  r.add(http::verb::get, "/v1/models", "models", openai::models_route(actor));
  r.add_prefix(http::verb::get, "/signature/", "signature", signature_route(proofs));
  r.add_prefix(http::verb::get, "/v1/proofs/", "proofs", proof_route(std::move(proofs)));
  r.add(http::verb::get, "/health", "health", health_route(actor));
  if (gate.enabled())  // GET /v1/account is then the caller's account, not the house's
    accounts::add_account_routes(r, actor, gate, options.x402);
  else
    r.add(http::verb::get, "/v1/account", "account", account_route(actor, house));
  r.add(http::verb::get, "/metrics", "metrics", metrics_route(actor, counters));
  r.add(http::verb::get, "/v1/providers", "providers", providers_route(actor));
  r.add_prefix(http::verb::get, "/v1/providers/", "provider", provider_route(actor));
  r.add(http::verb::get, "/v1/hardware", "hardware", hardware_route(options.hardware));
  r.add(http::verb::get, "/attestation/report", "attestation",
        attestation_route(options.attestation));
  r.add(http::verb::post, "/v1/sessions", "sessions", rentals::open_route(actor, gate));
  r.add_prefix(http::verb::get, "/v1/sessions/", "sessions", rentals::read_route(actor, gate));
  r.add_prefix(http::verb::delete_, "/v1/sessions/", "sessions", rentals::close_route(actor, gate));
  return r;
}

/// The body of a request the HTTP layer refused (too large, malformed); counted as a refusal.
http_refusal counted_refusal(std::shared_ptr<gateway_counters> counters) {
  return [counters](http::status status, std::string_view message) {
    const auto code = static_cast<unsigned>(status);
    counters->count_refusal(refusal_reason_of(code), code);
    return openai::error_json({status, std::string(message), "invalid_request_error", {}, {}});
  };
}

}  // namespace

gateway::gateway(caf::actor_system& sys, gateway_actor_options actor_options,
                 gateway_options options) {
  if (actor_options.proofs == nullptr)
    actor_options.proofs = std::make_shared<proof_store>(options.proofs_max);
  if (actor_options.counters == nullptr)
    actor_options.counters = std::make_shared<gateway_counters>();
  if (actor_options.rentals == nullptr)
    actor_options.rentals = std::make_shared<rentals::rental_book>(rentals::ended_in_memory_max);
  // x402 (x402/paywall.hpp): the routes and the actor share one set of options, and the
  // requirements' worst case is the Hold's, at the price cap.
  options.x402.options = actor_options.x402;
  options.x402.price_per_million_micros = actor_options.price_cap_per_million_micros;
  proofs_ = actor_options.proofs;
  counters_ = actor_options.counters;
  const address house = actor_options.key.address();
  if (options.attestation.signing_address.is_zero())
    options.attestation = {house, "gateway"};
  const accounts::account_gate gate{actor_options.accounts, actor_options.x402.enabled,
                                    options.accounts_admin_token};
  actor_ = spawn_gateway_actor(sys, std::move(actor_options));
  auto routes =
      std::make_shared<const router>(make_router(actor_, options, house, gate, proofs_, counters_));
  server_ = std::make_unique<http_server>(
      options.http,
      [routes](const http_request& request, std::shared_ptr<http_responder> responder) {
        routes->handle(request, std::move(responder));
      },
      counted_refusal(counters_));
  AGORA_ASSERT(actor_ != nullptr);
}

gateway::~gateway() {
  stop();
}

status gateway::start() {
  return server_->start();
}

void gateway::stop() {
  server_->stop();
  if (actor_ != nullptr)
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
  actor_ = nullptr;
}

}  // namespace agora::net::gateway
