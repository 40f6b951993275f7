// Errors in OpenAI's shape (https://platform.openai.com/docs/guides/error-codes):
// {"error":{"message","type","param","code"}} with the HTTP status OpenAI uses for the same case,
// and the mapping from the gateway's inference failures (inference.hpp) onto them.
#pragma once

#include <boost/beast/http/status.hpp>
#include <string>
#include <string_view>

#include "net/gateway/inference.hpp"

namespace agora::net::gateway::openai {

namespace http = boost::beast::http;

struct api_error {
  http::status status = http::status::bad_request;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;  // empty: null
  std::string code;   // empty: null
};

/// 400 invalid_request_error naming `param` (empty: none).
api_error invalid_request(std::string message, std::string param = {}, std::string code = {});
/// 400 for a field of the wrong JSON type: "Invalid type for 'x': expected …".
api_error invalid_type(std::string_view param, std::string_view expected);
/// 404 for a path the gateway does not serve.
api_error unknown_path(std::string_view method, std::string_view path);
/// 405 for a known path asked with another method.
api_error wrong_method(std::string_view method, std::string_view path);
/// 503 relay_unavailable: the relay's status query failed (`why`), so the gateway cannot list
/// models or providers.
api_error relay_unavailable(const agora::error& why);
/// The answer to an inference that failed: 404 model_not_found (the relay's not_found), 503
/// when no provider can serve it or the gateway's account is short, 504 on the deadline, 502
/// when the provider failed or its proof did not check, 429 when the gateway has too many
/// requests in flight, 500 otherwise.
api_error error_of(const inference_failure& failure, std::string_view model);

/// {"error":{…}} of `e`.
std::string error_json(const api_error& e);

}  // namespace agora::net::gateway::openai
