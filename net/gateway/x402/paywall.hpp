// x402 on the HTTP side of the completion routes (docs/X402.md): a request without a payment
// header gets 402 with the requirements in both protocol versions at once (version 1's JSON
// body, version 2's PAYMENT-REQUIRED header); a payment header (PAYMENT-SIGNATURE: version 2,
// X-PAYMENT: version 1) is parsed and checked (payment.hpp) before the request goes on to the
// gateway actor, which checks its validity window and has the escrow record it. A served
// request answers with the settlement header of the payment's version (PAYMENT-RESPONSE or
// X-PAYMENT-RESPONSE).
#pragma once

#include <memory>
#include <string_view>

#include "net/gateway/http_responder.hpp"
#include "net/gateway/inference.hpp"
#include "net/gateway/reply.hpp"
#include "net/gateway/x402/payment.hpp"

namespace agora::net::gateway::x402 {

/// x402 for the completion routes: the options and the price the worst case is computed at.
struct paywall {
  x402_options options;                  // options.enabled false: no x402
  int64_t price_per_million_micros = 0;  // the gateway's price cap
};

/// A request admitted with a payment: what its answer needs.
struct paid_request {
  x402_options options;
  requirement required;
  payment paid;
};

/// Admits one request under an enabled paywall: the paid request to serve, or null once it
/// answered (402 without or with a refused payment; 400 if the request cannot be priced).
/// REQUIRES: w.options.enabled.
std::shared_ptr<const paid_request> admit(const paywall& w, const http_request& request,
                                          const inference_spec& spec, reply_channel& reply);

/// Admits one request whose worst case the caller priced (an embeddings request: the sum over
/// its inputs) under an enabled paywall, as admit does. REQUIRES: w.options.enabled,
/// amount_micros > 0.
std::shared_ptr<const paid_request> admit_priced(const paywall& w, const http_request& request,
                                                 int64_t amount_micros, std::string description,
                                                 reply_channel& reply);

/// Answers 402 with `r`'s requirements and `error` (both versions).
void payment_required(const x402_options& o, const requirement& r, std::string_view error,
                      reply_channel& reply);

/// Adds the settlement header of `paid`'s version to the answer not sent yet.
void add_payment_response(const paid_request& paid, reply_channel& reply);

}  // namespace agora::net::gateway::x402
