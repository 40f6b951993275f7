// x402 pay-per-request (issue 6 "Payment"; docs/X402.md): the "exact" EVM scheme, whose payment
// is an EIP-3009 TransferWithAuthorization signed with EIP-712 (core/eip712.hpp). This file is
// the pure part: the 402's requirements in x402 version 1 (JSON body) and version 2 (the
// PAYMENT-REQUIRED header), parsing a payment header (X-PAYMENT, PAYMENT-SIGNATURE), checking it
// against the requirements, and what the escrow records for it: a Deposit into an escrow account
// the gateway keeps for the payer, keyed by the authorization's nonce (so a replay is a
// duplicate the gateway refuses, across restarts: the escrow rebuilds its keys from its journal).
// No chain is involved: the node does not submit the authorization on-chain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/eip712.hpp"
#include "core/error.hpp"
#include "core/key.hpp"
#include "core/signature.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::x402 {

struct x402_options {
  bool enabled = false;  // off: every request is paid from the gateway's house account
  std::string network = "base-sepolia";  // version 1's network name for chain_id
  uint64_t chain_id = 84'532;            // version 2 names it "eip155:<chain_id>"
  /// The token contract (USDC on Base Sepolia by default) and its EIP-712 domain.
  address asset = address::parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e").value();
  std::string token_name = "USDC";
  std::string token_version = "2";
  address pay_to;               // the escrow's address
  int64_t max_timeout_s = 300;  // how long an authorization may be valid for the client
};

/// "eip155:<chain id>", version 2's network id.
std::string caip2_network(const x402_options& o);

enum class protocol_version : uint8_t { v1 = 1, v2 = 2 };

/// What the 402 asks for one request.
struct requirement {
  int64_t amount_micros = 0;  // the worst-case cost of the request, 6 decimals
  std::string resource;       // the request's URL
  std::string description;
  std::string mime_type = "application/json";
};

/// {"x402Version":1,"error":…,"accepts":[…]}: version 1's 402 body.
std::string required_body_v1(const x402_options& o, const requirement& r, std::string_view error);
/// base64 of {"x402Version":2,"error":…,"resource":{…},"accepts":[…]}: the PAYMENT-REQUIRED
/// header of version 2.
std::string required_header_v2(const x402_options& o, const requirement& r, std::string_view error);

/// A parsed payment header: the authorization, its signature and the figures read from it.
struct payment {
  protocol_version version = protocol_version::v2;
  eip712::transfer_with_authorization authorization;
  agora::signature signature{};
  int64_t value_micros = 0;
  int64_t valid_after_s = 0;
  int64_t valid_before_s = 0;  // saturates at INT64_MAX
};

/// Parses a header value: base64 JSON of version 1 ({x402Version,scheme,network,payload}) or 2
/// ({x402Version,accepted:{scheme,network,asset,payTo,…},payload}), whose payload is
/// {signature, authorization:{from,to,value,validAfter,validBefore,nonce}}. Checks the scheme,
/// network and (version 2) asset and payTo against `o`. invalid_argument naming what is wrong.
result<payment> parse_payment(std::string_view header, protocol_version version,
                              const x402_options& o);

/// Checks what needs no clock and no ledger: the signature recovers `from` under the token's
/// domain, `to` is pay_to, value ≥ required. bad_signature or invalid_argument.
status verify_payment(const x402_options& o, const payment& p, int64_t required_micros);

/// validAfter ≤ now < validBefore; stale otherwise.
status check_window(const payment& p, int64_t now_unix_s);

/// The Deposit's idempotency key: keccak256 of the chain, token, payer and nonce, first 16
/// bytes. One authorization, one key: the escrow executes it once.
wire::id128 idempotency_key(const x402_options& o, const payment& p);

/// The compact authorization the Deposit keeps as its payment_reference (JSON, < 1 KiB).
std::string payment_reference(const x402_options& o, const payment& p);

/// The key of the escrow account the gateway keeps for `payer`: derived from the house key, so
/// the gateway can sign that account's Deposit, Holds and TaskRequests.
result<private_key> payer_account_key(const private_key& house, const address& payer);

/// The sealed Deposit of `p` into `account`'s own escrow account.
bytes seal_deposit(const x402_options& o, const private_key& account, const payment& p,
                   int64_t now_unix_s);

/// base64 of the settlement response {success,transaction,network,payer}: X-PAYMENT-RESPONSE
/// (version 1) or PAYMENT-RESPONSE (version 2). `transaction` is empty: nothing went on-chain.
std::string payment_response_header(const x402_options& o, const payment& p);

}  // namespace agora::net::gateway::x402
