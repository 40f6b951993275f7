// The x402 client side for the gateway tests: an EIP-3009 TransferWithAuthorization from a payer
// to the gateway's pay_to, valid now for five minutes, its EIP-712 signature, and the version 1
// X-PAYMENT header that carries both (base64 JSON), as an x402 client builds them.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/eip712.hpp"
#include "net/gateway/x402/base64.hpp"
#include "net/gateway/x402/payment.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {

inline eip712::transfer_with_authorization x402_authorization(const gateway::x402::x402_options& o,
                                                              const address& payer, int64_t value,
                                                              uint8_t nonce_fill) {
  eip712::transfer_with_authorization a;
  a.from = payer;
  a.to = o.pay_to;
  a.value = std::to_string(value);
  a.valid_after = "0";
  a.valid_before = std::to_string(epoch_unix_s + 300);
  a.nonce.fill(nonce_fill);
  return a;
}

/// 0x-hex of payer's EIP-712 signature of `a` in o's token domain.
inline std::string x402_sign(const gateway::x402::x402_options& o, const private_key& payer,
                             const eip712::transfer_with_authorization& a) {
  const eip712::token_domain domain{o.token_name, o.token_version, o.chain_id, o.asset};
  return to_hex0x(
      sign_digest(payer, eip712::transfer_with_authorization_digest(domain, a).value()));
}

inline boost::json::object x402_authorization_json(const eip712::transfer_with_authorization& a) {
  return {
      {"from", a.from.to_string()},  {"to", a.to.to_string()},        {"value", a.value},
      {"validAfter", a.valid_after}, {"validBefore", a.valid_before}, {"nonce", to_hex0x(a.nonce)}};
}

/// The X-PAYMENT header (version 1) of `a` with `signature`.
inline std::string x402_header_v1(const gateway::x402::x402_options& o,
                                  const eip712::transfer_with_authorization& a,
                                  const std::string& signature) {
  boost::json::object payload{{"signature", signature},
                              {"authorization", x402_authorization_json(a)}};
  boost::json::object top{{"x402Version", 1},
                          {"scheme", "exact"},
                          {"network", o.network},
                          {"payload", std::move(payload)}};
  return gateway::x402::base64_encode(boost::json::serialize(top));
}

}  // namespace agora::net::testing
