// Reading the fields of an OpenAI request body, shared by the completions and embeddings parsers:
// a field given or not (JSON null counts as not given, as OpenAI treats it), strings, the model,
// and the 400 invalid_value refusal naming the field.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway::openai {

/// nullopt: the field is fine; else the 400 to answer.
using refusal = std::optional<api_error>;

/// 400 invalid_request_error with code invalid_value, naming `param`.
api_error invalid_value(std::string_view param, std::string message);

/// The field `name` of `o`; null when absent or JSON null.
const boost::json::value* json_field(const boost::json::object& o, std::string_view name);

/// *out = the string field `name` when given; a non-string is refused.
refusal read_string(const boost::json::object& o, std::string_view name, std::string* out);

/// The required `model`: a non-empty string no longer than the longest model id.
refusal read_model(const boost::json::object& o, std::string* out);

}  // namespace agora::net::gateway::openai
