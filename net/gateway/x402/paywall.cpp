// The completion routes' x402 gate: requirements, 402 answers and payment headers (paywall.hpp).
#include "net/gateway/x402/paywall.hpp"

#include <string>

#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway::x402 {

namespace {

constexpr std::string_view header_v1 = "X-PAYMENT";
constexpr std::string_view header_v2 = "PAYMENT-SIGNATURE";

/// The URL the client asked for, as x402's `resource` names it.
std::string resource_of(const http_request& request) {
  const auto host = request.find(http::field::host);
  const std::string authority =
      host == request.end() ? std::string("localhost") : std::string(host->value());
  return "http://" + authority + std::string(request.target());
}

std::string description_of(const inference_spec& spec, int64_t amount_micros) {
  return "Agora inference on " + spec.model + ", up to " + std::to_string(spec.max_tokens) +
         " completion tokens; " + std::to_string(amount_micros) +
         " micro-units is the worst case. The escrow records the signed EIP-3009 authorization as "
         "the payment, charges the real cost and keeps the rest as the payer's credit. This node "
         "does not settle on-chain.";
}

}  // namespace

void payment_required(const x402_options& o, const requirement& r, std::string_view error,
                      reply_channel& reply) {
  reply.add_header("PAYMENT-REQUIRED", required_header_v2(o, r, error));
  reply.json(http::status::payment_required, required_body_v1(o, r, error));
}

void add_payment_response(const paid_request& paid, reply_channel& reply) {
  const bool v1 = paid.paid.version == protocol_version::v1;
  reply.add_header(v1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE",
                   payment_response_header(paid.options, paid.paid));
}

std::shared_ptr<const paid_request> admit(const paywall& w, const http_request& request,
                                          const inference_spec& spec, reply_channel& reply) {
  AGORA_ASSERT(w.options.enabled);
  auto amount = worst_case_micros(w.price_per_million_micros, spec);
  if (!amount) {
    reply.error(
        openai::invalid_request("The request is too large to price: " + amount.error().message));
    return nullptr;
  }
  return admit_priced(w, request, *amount, description_of(spec, *amount), reply);
}

std::shared_ptr<const paid_request> admit_priced(const paywall& w, const http_request& request,
                                                 int64_t amount_micros, std::string description,
                                                 reply_channel& reply) {
  AGORA_ASSERT(w.options.enabled);
  AGORA_ASSERT(amount_micros > 0);
  auto paid = std::make_shared<paid_request>();
  paid->options = w.options;
  paid->required = {amount_micros, resource_of(request), std::move(description)};
  auto v2 = request.find(header_v2);
  auto v1 = request.find(header_v1);
  if (v2 == request.end() && v1 == request.end()) {
    payment_required(w.options, paid->required, "X-PAYMENT header is required", reply);
    return nullptr;
  }
  const bool is_v2 = v2 != request.end();
  auto parsed = parse_payment(is_v2 ? v2->value() : v1->value(),
                              is_v2 ? protocol_version::v2 : protocol_version::v1, w.options);
  status verified = parsed ? verify_payment(w.options, *parsed, amount_micros) : parsed.error();
  if (!verified) {
    payment_required(w.options, paid->required, verified.error().message, reply);
    return nullptr;
  }
  paid->paid = std::move(*parsed);
  AGORA_ASSERT(paid->paid.value_micros >= amount_micros);
  return paid;
}

}  // namespace agora::net::gateway::x402
