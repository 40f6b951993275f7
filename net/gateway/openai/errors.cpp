// OpenAI-shaped errors and the mapping of inference failures onto them (errors.hpp).
#include "net/gateway/openai/errors.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace agora::net::gateway::openai {

namespace {

api_error server_error(http::status status, std::string message, std::string code) {
  return api_error{status, std::move(message), "server_error", {}, std::move(code)};
}

api_error relay_error_of(const agora::error& why, std::string_view model) {
  if (why.code == errc::not_found)
    return api_error{http::status::not_found,
                     "Model not found: the model '" + std::string(model) +
                         "' is not served by any provider.",
                     "invalid_request_error", "model", "model_not_found"};
  if (why.code == errc::limit_exceeded)
    return server_error(http::status::service_unavailable, why.message, "no_providers");
  return server_error(http::status::bad_gateway, "The relay refused the task: " + why.to_string(),
                      "relay_error");
}

}  // namespace

api_error invalid_request(std::string message, std::string param, std::string code) {
  return api_error{http::status::bad_request, std::move(message), "invalid_request_error",
                   std::move(param), std::move(code)};
}

api_error invalid_type(std::string_view param, std::string_view expected) {
  return invalid_request("Invalid type for '" + std::string(param) + "': expected " +
                             std::string(expected) + ".",
                         std::string(param), "invalid_type");
}

api_error unknown_path(std::string_view method, std::string_view path) {
  return api_error{http::status::not_found,
                   "Invalid URL (" + std::string(method) + " " + std::string(path) + ")",
                   "invalid_request_error",
                   {},
                   "unknown_url"};
}

api_error wrong_method(std::string_view method, std::string_view path) {
  return api_error{http::status::method_not_allowed,
                   "Method " + std::string(method) + " is not allowed for " + std::string(path),
                   "invalid_request_error",
                   {},
                   "method_not_allowed"};
}

api_error relay_unavailable(const agora::error& why) {
  return server_error(http::status::service_unavailable,
                      "The relay did not answer: " + why.to_string(), "relay_unavailable");
}

api_error error_of(const inference_failure& failure, std::string_view model) {
  const agora::error& why = failure.why;
  switch (failure.kind) {
  case failure_kind::relay_refused: return relay_error_of(why, model);
  case failure_kind::escrow_refused:
    return server_error(http::status::service_unavailable,
                        "The gateway cannot pay for this request now: " + why.to_string(),
                        "gateway_funds");
  case failure_kind::provider_failed:
    return server_error(http::status::bad_gateway, "The provider failed: " + why.to_string(),
                        "provider_error");
  case failure_kind::bad_proof:
    return server_error(http::status::bad_gateway,
                        "The provider's proof did not check: " + why.to_string(), "bad_proof");
  case failure_kind::timed_out:
    return server_error(http::status::gateway_timeout, "Request timed out: " + why.message,
                        "timeout");
  case failure_kind::payment_refused:  // the completion listener answers x402's 402 itself
    return api_error{http::status::payment_required,
                     why.message,
                     "invalid_request_error",
                     {},
                     "payment_required"};
  case failure_kind::insufficient_quota:
    return api_error{http::status::payment_required,
                     "You exceeded your current quota: this account's balance does not cover the "
                     "request's worst case (" +
                         why.message + "). Add funds with POST /v1/accounts/deposit.",
                     "insufficient_quota",
                     {},
                     "insufficient_quota"};
  case failure_kind::internal:
    if (why.code == errc::limit_exceeded)
      return api_error{
          http::status::too_many_requests, why.message, "requests", {}, "rate_limit_exceeded"};
    break;
  }
  return server_error(http::status::internal_server_error, why.to_string(), "internal_error");
}

std::string error_json(const api_error& e) {
  namespace json = boost::json;
  json::object error;
  error["message"] = e.message;
  error["type"] = e.type;
  error["param"] = e.param.empty() ? json::value(nullptr) : json::value(e.param);
  error["code"] = e.code.empty() ? json::value(nullptr) : json::value(e.code);
  json::object body;
  body["error"] = std::move(error);
  return json::serialize(body);
}

}  // namespace agora::net::gateway::openai
