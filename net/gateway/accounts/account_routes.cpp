// The accounts' HTTP routes (account_routes.hpp).
#include "net/gateway/accounts/account_routes.hpp"

#include <boost/json.hpp>
#include <caf/send.hpp>

#include "net/gateway/accounts/account_calls.hpp"
#include "net/gateway/accounts/api_key.hpp"
#include "net/gateway/openai/json_fields.hpp"
#include "schemas/limits.hpp"

namespace agora::net::gateway::accounts {

namespace {

namespace json = boost::json;
using openai::invalid_request;

/// The JSON object of a body; an empty body is an empty object.
std::optional<json::object> body_object(const http_request& request, reply_channel& reply) {
  if (request.body().empty())
    return json::object{};
  boost::system::error_code ec;
  json::value v = json::parse(request.body(), ec);
  if (ec || !v.is_object()) {
    reply.error(invalid_request("The body must be a JSON object."));
    return std::nullopt;
  }
  return std::move(v.as_object());
}

/// The optional "name": a string of at most key_name_bytes_max bytes.
std::optional<std::string> name_of(const json::object& body, reply_channel& reply) {
  std::string name;
  if (auto refused = openai::read_string(body, "name", &name)) {
    reply.error(*refused);
    return std::nullopt;
  }
  if (name.size() > key_name_bytes_max) {
    reply.error(openai::invalid_value("name", "'name' is longer than " +
                                                  std::to_string(key_name_bytes_max) + " bytes."));
    return std::nullopt;
  }
  return name;
}

/// "amount_micros": an integer in [1, max].
std::optional<int64_t> amount_of(const json::object& body, int64_t max, reply_channel& reply) {
  const json::value* v = openai::json_field(body, "amount_micros");
  if (v == nullptr || !v->is_int64() || v->get_int64() < 1 || v->get_int64() > max) {
    reply.error(openai::invalid_value(
        "amount_micros", "'amount_micros' must be an integer from 1 to " + std::to_string(max) +
                             " (micro-units: 1,000,000 is one unit)."));
    return std::nullopt;
  }
  return v->get_int64();
}

void escrow_unavailable(reply_channel& reply, const agora::error& why) {
  reply.error({http::status::service_unavailable,
               "The escrow cannot serve this now: " + why.to_string(),
               "server_error",
               {},
               "escrow_unavailable"});
}

json::object key_json(const account_created& made) {
  return {
      {"object", "api_key"},     {"id", made.key_id}, {"account", account_id_text(made.account_id)},
      {"api_key", made.api_key}, {"name", made.name}, {"created", made.created_unix_s}};
}

/// Answers a create_key_call: the new key, with the account's fields for a new account.
std::function<void(const result<account_created>&)>
created_reply(std::shared_ptr<reply_channel> reply, bool new_account) {
  return [reply, new_account](const result<account_created>& made) {
    if (!made)
      return reply->error({http::status::internal_server_error,
                           "The key was not created: " + made.error().to_string(),
                           "server_error",
                           {},
                           "internal_error"});
    json::object out = key_json(*made);
    if (new_account) {
      out["object"] = "account";
      out["id"] = account_id_text(made->account_id);
      out["key_id"] = made->key_id;
      out["address"] = made->owner.to_string();
      out["available_micros"] = 0;
      out.erase("account");
    }
    reply->json(http::status::ok, json::serialize(out));
  };
}

route_handler create_account_route(caf::actor actor, account_gate gate) {
  return [actor, gate](const http_request& request, std::string_view,
                       std::shared_ptr<reply_channel> reply) {
    if (!gate.admin_token.empty()) {
      auto field = request.find(http::field::authorization);
      auto token = field == request.end() ? std::nullopt : bearer_token(field->value());
      if (!token || !same_secret(*token, gate.admin_token))
        return reply->error(unauthorized(field == request.end()
                                             ? std::nullopt
                                             : std::optional<std::string_view>(field->value())));
    }
    auto body = body_object(request, *reply);
    auto name = body ? name_of(*body, *reply) : std::nullopt;
    if (!name)
      return;
    caf::anon_send(actor, account_atom_v,
                   create_key_call{std::nullopt, std::move(*name), created_reply(reply, true)});
  };
}

route_handler create_key_route(caf::actor actor, account_gate gate) {
  return [actor, gate](const http_request& request, std::string_view,
                       std::shared_ptr<reply_channel> reply) {
    auto account = require_account(gate, request, *reply);
    if (!account)
      return;
    auto body = body_object(request, *reply);
    auto name = body ? name_of(*body, *reply) : std::nullopt;
    if (!name)
      return;
    caf::anon_send(actor, account_atom_v,
                   create_key_call{*account, std::move(*name), created_reply(reply, false)});
  };
}

route_handler revoke_key_route(account_gate gate) {
  return [gate](const http_request& request, std::string_view key_id,
                std::shared_ptr<reply_channel> reply) {
    auto account = require_account(gate, request, *reply);
    if (!account)
      return;
    // The store is thread-safe and a revoke is one small write: no actor needed.
    if (auto revoked = gate.keys->revoke(key_id, *account); !revoked) {
      if (revoked.error().code == errc::not_found)
        return reply->error({http::status::not_found,
                             "No API key with id '" + std::string(key_id.substr(0, 32)) +
                                 "' belongs to this account.",
                             "invalid_request_error",
                             {},
                             "api_key_not_found"});
      return reply->error({http::status::internal_server_error,
                           revoked.error().to_string(),
                           "server_error",
                           {},
                           "internal_error"});
    }
    reply->json(http::status::ok, json::serialize(json::object{
                                      {"object", "api_key"}, {"id", key_id}, {"deleted", true}}));
  };
}

/// Answers a deposit: the credit and balance, or why not (402 for a refused x402 payment).
std::function<void(const result<deposit_outcome>&)>
deposit_reply(std::shared_ptr<reply_channel> reply, wire::id128 account,
              std::shared_ptr<const x402::paid_request> paid) {
  return [reply, account, paid](const result<deposit_outcome>& outcome) {
    const bool payment_refused =
        !outcome && (outcome.error().code == errc::stale || outcome.error().code == errc::replayed);
    if (payment_refused && paid != nullptr)
      return x402::payment_required(paid->options, paid->required, outcome.error().message, *reply);
    if (!outcome)
      return escrow_unavailable(*reply, outcome.error());
    if (paid != nullptr)
      x402::add_payment_response(*paid, *reply);
    reply->json(http::status::ok,
                json::serialize(json::object{{"object", "deposit"},
                                             {"account", account_id_text(account)},
                                             {"credited_micros", outcome->credited_micros},
                                             {"available_micros", outcome->available_micros}}));
  };
}

route_handler deposit_route(caf::actor actor, account_gate gate, x402::paywall payments) {
  return [actor, gate, payments](const http_request& request, std::string_view,
                                 std::shared_ptr<reply_channel> reply) {
    auto account = require_account(gate, request, *reply);
    if (!account)
      return;
    auto body = body_object(request, *reply);
    const int64_t max =
        payments.options.enabled ? wire::limits::amount_micros_max : dev_deposit_micros_max;
    auto amount = body ? amount_of(*body, max, *reply) : std::nullopt;
    if (!amount)
      return;
    std::shared_ptr<const x402::paid_request> paid;
    if (payments.options.enabled) {
      paid = x402::admit_priced(payments, request, *amount,
                                "A deposit of " + std::to_string(*amount) +
                                    " micro-units into Agora account " + account_id_text(*account),
                                *reply);
      if (paid == nullptr)
        return;  // answered: 402
    }
    std::shared_ptr<const x402::payment> payment;
    if (paid != nullptr)
      payment = std::shared_ptr<const x402::payment>(paid, &paid->paid);
    caf::anon_send(
        actor, account_atom_v,
        deposit_call{*account, *amount, std::move(payment), deposit_reply(reply, *account, paid)});
  };
}

route_handler balance_route(caf::actor actor, account_gate gate) {
  return [actor, gate](const http_request& request, std::string_view,
                       std::shared_ptr<reply_channel> reply) {
    auto account = require_account(gate, request, *reply);
    if (!account)
      return;
    auto answer = [reply, id = *account](const result<account_balance>& balance) {
      if (!balance)
        return escrow_unavailable(*reply, balance.error());
      reply->json(http::status::ok,
                  json::serialize(json::object{{"object", "account"},
                                               {"id", account_id_text(id)},
                                               {"address", balance->owner.to_string()},
                                               {"available_micros", balance->available_micros}}));
    };
    caf::anon_send(actor, account_atom_v, account_balance_call{*account, std::move(answer)});
  };
}

}  // namespace

void add_account_routes(router& r, const caf::actor& gateway_actor, const account_gate& gate,
                        const x402::paywall& payments) {
  AGORA_ASSERT(gate.enabled());
  AGORA_ASSERT(gateway_actor != nullptr);
  r.add(http::verb::post, "/v1/accounts", "accounts", create_account_route(gateway_actor, gate));
  r.add(http::verb::post, "/v1/accounts/keys", "account_keys",
        create_key_route(gateway_actor, gate));
  r.add_prefix(http::verb::delete_, "/v1/accounts/keys/", "account_keys", revoke_key_route(gate));
  r.add(http::verb::post, "/v1/accounts/deposit", "account_deposit",
        deposit_route(gateway_actor, gate, payments));
  r.add(http::verb::get, "/v1/account", "account", balance_route(gateway_actor, gate));
}

}  // namespace agora::net::gateway::accounts
