// The shared field readers of the OpenAI request parsers (json_fields.hpp).
#include "net/gateway/openai/json_fields.hpp"

#include "schemas/limits.hpp"

namespace agora::net::gateway::openai {

namespace json = boost::json;

api_error invalid_value(std::string_view param, std::string message) {
  return invalid_request(std::move(message), std::string(param), "invalid_value");
}

const json::value* json_field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

refusal read_string(const json::object& o, std::string_view name, std::string* out) {
  if (const json::value* v = json_field(o, name)) {
    if (!v->is_string())
      return invalid_type(name, "a string");
    *out = std::string(v->get_string());
  }
  return std::nullopt;
}

refusal read_model(const json::object& o, std::string* out) {
  if (auto e = read_string(o, "model", out))
    return e;
  if (out->empty())
    return invalid_request("You must provide a model parameter.", "model", "missing_required");
  if (out->size() > wire::limits::model_id_bytes_max)
    return invalid_value("model", "'model' is longer than the longest model id.");
  return std::nullopt;
}

}  // namespace agora::net::gateway::openai
