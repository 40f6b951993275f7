// Bearer keys to accounts, 401s and the quota mapping (auth.hpp).
#include "net/gateway/accounts/auth.hpp"

#include "net/gateway/accounts/api_key.hpp"

#include <algorithm>

namespace agora::net::gateway::accounts {

namespace {

/// What a caller presented: the Authorization header's value, if any.
std::optional<std::string_view> authorization_of(const http_request& request) {
  auto field = request.find(http::field::authorization);
  if (field == request.end())
    return std::nullopt;
  return std::string_view(field->value());
}

bool carries_x402_payment(const http_request& request) {
  return request.find("PAYMENT-SIGNATURE") != request.end() ||
         request.find("X-PAYMENT") != request.end();
}

/// "sk-agor…abcd": enough for the owner to recognise a key, too little to use it.
std::string redacted(std::string_view key) {
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
  if (key.size() < 16 || key.size() > 256 || !printable)
    return "****";
  return std::string(key.substr(0, 7)) + "…" + std::string(key.substr(key.size() - 4));
}

enum class lookup : uint8_t { found, unknown, failed };

/// The account of `authorization`'s Bearer key, if it is a live key of the store.
lookup find_account(const key_store& keys, std::string_view authorization, wire::id128* account) {
  auto token = bearer_token(authorization);
  if (!token || !looks_like_api_key(*token))
    return lookup::unknown;
  auto entry = keys.find(api_key_hash(*token));
  if (!entry)
    return lookup::failed;
  if (!entry->has_value() || (*entry)->revoked)
    return lookup::unknown;
  *account = (*entry)->account_id;
  return lookup::found;
}

/// The key store failed: the caller is not at fault, and nothing was charged.
openai::api_error store_failure() {
  return {http::status::internal_server_error,
          "The gateway cannot read its API keys now.",
          "server_error",
          {},
          "internal_error"};
}

class paying_listener final : public inference_listener {
 public:
  explicit paying_listener(std::shared_ptr<inference_listener> inner) : inner_(std::move(inner)) {
    AGORA_ASSERT(inner_ != nullptr);
  }
  void on_head(const inference_head& head) override { inner_->on_head(head); }
  void on_text(std::string text) override { inner_->on_text(std::move(text)); }
  void on_logprobs(std::vector<actors::token_logprobs> entries) override {
    inner_->on_logprobs(std::move(entries));
  }
  void on_final(const inference_final& final) override { inner_->on_final(final); }
  void on_failure(const inference_failure& failure) override {
    if (failure.kind != failure_kind::escrow_refused ||
        failure.why.code != errc::insufficient_funds)
      return inner_->on_failure(failure);
    inner_->on_failure({failure_kind::insufficient_quota, failure.why});
  }

 private:
  std::shared_ptr<inference_listener> inner_;
};

}  // namespace

openai::api_error unauthorized(std::optional<std::string_view> presented) {
  if (!presented)
    return {http::status::unauthorized,
            "You didn't provide an API key. You need to provide your API key in an Authorization "
            "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Create one with POST "
            "/v1/accounts.",
            "invalid_request_error",
            {},
            {}};
  const auto token = bearer_token(*presented);
  return {http::status::unauthorized,
          "Incorrect API key provided: " + redacted(token.value_or(*presented)) +
              ". Create a key with POST /v1/accounts.",
          "invalid_request_error",
          {},
          "invalid_api_key"};
}

admission admit(const account_gate& gate, const http_request& request, reply_channel& reply) {
  if (!gate.enabled())
    return {};
  const auto presented = authorization_of(request);
  wire::id128 account{};
  const lookup found = presented ? find_account(*gate.keys, *presented, &account) : lookup::unknown;
  if (found == lookup::found)
    return {false, account};
  if (found == lookup::failed) {
    reply.error(store_failure());
    return {true, std::nullopt};
  }
  if (gate.x402 && (!presented || carries_x402_payment(request)))
    return {};  // x402 decides: 402 without a payment, served with one
  reply.error(unauthorized(presented));
  return {true, std::nullopt};
}

std::optional<wire::id128> require_account(const account_gate& gate, const http_request& request,
                                           reply_channel& reply) {
  AGORA_ASSERT(gate.enabled());
  const auto presented = authorization_of(request);
  wire::id128 account{};
  const lookup found = presented ? find_account(*gate.keys, *presented, &account) : lookup::unknown;
  if (found == lookup::found)
    return account;
  reply.error(found == lookup::failed ? store_failure() : unauthorized(presented));
  return std::nullopt;
}

std::shared_ptr<inference_listener> account_listener(std::shared_ptr<inference_listener> inner) {
  return std::make_shared<paying_listener>(std::move(inner));
}

}  // namespace agora::net::gateway::accounts
