// POST /v1/chat/completions and POST /v1/completions (DESIGN §6 "gateway"): parse the request
// (request.hpp), hand it to the gateway actor, and answer as OpenAI does (response.hpp), whole
// or as server-sent events, from the listener the actors call back.
#pragma once

#include <caf/actor.hpp>

#include "net/gateway/accounts/auth.hpp"
#include "net/gateway/openai/request.hpp"
#include "net/gateway/router.hpp"
#include "net/gateway/x402/paywall.hpp"

namespace agora::net::gateway::openai {

/// The handler of one of the two endpoints; with payments.options.enabled every request pays
/// through x402 (x402/paywall.hpp), with accounts on through the caller's API key's account
/// first (accounts/auth.hpp). REQUIRES: gateway_actor valid.
route_handler completion_route(caf::actor gateway_actor, endpoint api, request_limits limits,
                               x402::paywall payments = {}, accounts::account_gate gate = {});

}  // namespace agora::net::gateway::openai
