// POST /v1/embeddings (DESIGN §6 "gateway"): parse the request (embedding_request.hpp), run one
// Embedding task per input through the gateway actor (its own Hold, route, TaskResult and
// ComputeProof each), and answer as OpenAI does once every input is embedded. The proofs:
// header X-Agora-Proof-Ids lists the task ids (32 hex digits each, comma-separated, in input
// order), each one served at GET /v1/proofs/{id}. Any input failing fails the request (the
// first failure's error); the inputs served before it are paid for.
//
// x402: one payment covers the worst case of all inputs (each input's tokens × the price cap);
// the first input's task has the escrow record it, then the others run at once from the payer's
// account. Without x402 every input runs at once from the house account.
#pragma once

#include <caf/actor.hpp>

#include "net/gateway/accounts/auth.hpp"
#include "net/gateway/router.hpp"
#include "net/gateway/x402/paywall.hpp"

namespace agora::net::gateway::openai {

/// The handler; with payments.options.enabled every request pays through x402, with accounts
/// on through the caller's API key's account first (accounts/auth.hpp).
/// REQUIRES: gateway_actor valid.
route_handler embeddings_route(caf::actor gateway_actor, x402::paywall payments = {},
                               accounts::account_gate gate = {});

}  // namespace agora::net::gateway::openai
