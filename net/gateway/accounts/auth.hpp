// Who pays for a request when accounts are on (`--accounts`; docs/ARCHITECTURE.md "Accounts"):
// the account of the `Authorization: Bearer sk-agora-…` key it carries (looked up by the key's
// hash in the key store). Otherwise it gets 401 in OpenAI's shape — unless x402 is on too and the
// request carries no Authorization header or carries an x402 payment header, in which case it
// goes on anonymously and x402 decides (its 402 is how an x402 client learns the price). With
// accounts off everything goes on anonymously (the house account or x402 pays).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "net/gateway/accounts/key_store.hpp"
#include "net/gateway/inference.hpp"
#include "net/gateway/reply.hpp"

namespace agora::net::gateway::accounts {

/// The accounts on the HTTP side.
struct account_gate {
  std::shared_ptr<key_store> keys;  // null: accounts off
  bool x402 = false;                // x402 is on too: anonymous callers may pay per request
  /// Who may create accounts: empty, anyone (open sign-up, for dev nodes); else only a request
  /// carrying `Authorization: Bearer <admin_token>`.
  std::string admin_token;

  bool enabled() const { return keys != nullptr; }
};

/// What admit decided for one request.
struct admission {
  bool answered = false;               // a 401 (or 500) went out: stop
  std::optional<wire::id128> account;  // set: this account pays
};

/// For the inference routes: the paying account, anonymity (see the top of this file), or an
/// answer already sent.
admission admit(const account_gate& gate, const http_request& request, reply_channel& reply);

/// For the account routes: the Bearer key's account, or nullopt once a 401 (or 500) went out.
/// REQUIRES: gate.enabled().
std::optional<wire::id128> require_account(const account_gate& gate, const http_request& request,
                                           reply_channel& reply);

/// 401 invalid_api_key ("Incorrect API key provided: sk-agor…abcd") or, without a key,
/// OpenAI's "You didn't provide an API key" (code null).
openai::api_error unauthorized(std::optional<std::string_view> presented);

/// Wraps the listener of a request an account pays for: the escrow refusing its Hold for
/// insufficient funds becomes failure_kind::insufficient_quota (402 insufficient_quota).
std::shared_ptr<inference_listener> account_listener(std::shared_ptr<inference_listener> inner);

}  // namespace agora::net::gateway::accounts
