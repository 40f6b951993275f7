// Parsing embeddings requests and writing their responses (embedding_request.hpp).
#include "net/gateway/openai/embedding_request.hpp"

#include <bit>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <limits>

#include "net/gateway/openai/json_fields.hpp"
#include "net/gateway/utf8.hpp"
#include "net/gateway/x402/base64.hpp"
#include "schemas/limits.hpp"

namespace agora::net::gateway::openai {

namespace {

namespace json = boost::json;

/// An Embedding task of one input: a prompt or token ids.
inference_spec input_spec(std::string prompt, std::vector<uint32_t> token_ids) {
  inference_spec spec;
  spec.type = wire::TaskType::Embedding;
  spec.prompt = std::move(prompt);
  spec.prompt_token_ids = std::move(token_ids);
  spec.max_tokens = 0;
  spec.temperature = 1.0f;
  return spec;
}

// ------------------------------------------------------------------------------------------------
// input

refusal read_text(const json::value& v, const std::string& param,
                  std::vector<inference_spec>* out) {
  AGORA_ASSERT(v.is_string());
  if (v.get_string().empty())
    return invalid_value(param, "'" + param + "' must not be an empty string.");
  if (v.get_string().size() > wire::limits::prompt_bytes_max)
    return invalid_value(param, "'" + param + "' is longer than " +
                                    std::to_string(wire::limits::prompt_bytes_max) + " bytes.");
  out->push_back(input_spec(std::string(v.get_string()), {}));
  return std::nullopt;
}

/// An array of token ids (each 0 to 2^32 − 1, 1 to prompt_token_ids_max of them).
refusal read_tokens(const json::array& a, const std::string& param,
                    std::vector<inference_spec>* out) {
  if (a.empty() || a.size() > wire::limits::prompt_token_ids_max)
    return invalid_value(param, "'" + param + "' must hold 1 to " +
                                    std::to_string(wire::limits::prompt_token_ids_max) +
                                    " token ids.");
  std::vector<uint32_t> ids;
  ids.reserve(a.size());
  for (const json::value& id : a) {
    const bool whole = id.is_uint64() || (id.is_int64() && id.get_int64() >= 0);
    if (!whole || id.to_number<uint64_t>() > std::numeric_limits<uint32_t>::max())
      return invalid_type(param, "an array of token ids (integers from 0 to 4294967295)");
    ids.push_back(static_cast<uint32_t>(id.to_number<uint64_t>()));
  }
  out->push_back(input_spec({}, std::move(ids)));
  return std::nullopt;
}

/// An array: of strings, of token ids (one input), or of arrays of token ids.
refusal read_input_array(const json::array& a, std::vector<inference_spec>* out) {
  if (a.empty())
    return invalid_value("input", "'input' must not be an empty array.");
  if (a[0].is_number())
    return read_tokens(a, "input", out);
  constexpr std::string_view expected =
      "a string, an array of strings, an array of token ids or an array of arrays of token ids";
  if (a.size() > embedding_inputs_max)
    return invalid_value("input", "'input' holds at most " + std::to_string(embedding_inputs_max) +
                                      " inputs.");
  const bool strings = a[0].is_string();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string param = "input[" + std::to_string(i) + "]";
    refusal e;
    if (strings && a[i].is_string())
      e = read_text(a[i], param, out);
    else if (!strings && a[i].is_array())
      e = read_tokens(a[i].get_array(), param, out);
    else
      return invalid_type("input", expected);
    if (e)
      return e;
  }
  AGORA_ASSERT(out->size() == a.size());
  return std::nullopt;
}

refusal read_input(const json::object& o, std::vector<inference_spec>* out) {
  const json::value* v = json_field(o, "input");
  if (v == nullptr)
    return invalid_request("You must provide an input parameter.", "input", "missing_required");
  if (v->is_string())
    return read_text(*v, "input", out);
  if (v->is_array())
    return read_input_array(v->get_array(), out);
  return invalid_type("input", "a string, an array of strings, an array of token ids or an "
                               "array of arrays of token ids");
}

// ------------------------------------------------------------------------------------------------
// The other fields

refusal read_encoding(const json::object& o, embedding_encoding* out) {
  std::string format = "float";
  if (auto e = read_string(o, "encoding_format", &format))
    return e;
  if (format != "float" && format != "base64")
    return invalid_value("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
  *out = format == "base64" ? embedding_encoding::base64 : embedding_encoding::floats;
  return std::nullopt;
}

refusal read_dimensions(const json::object& o, std::optional<uint32_t>* out) {
  const json::value* v = json_field(o, "dimensions");
  if (v == nullptr)
    return std::nullopt;
  if (!v->is_int64() && !v->is_uint64())
    return invalid_type("dimensions", "an integer");
  const bool in_range = v->is_int64() ? v->get_int64() >= 1 : true;
  if (!in_range || v->to_number<uint64_t>() > wire::limits::embedding_dims_max)
    return invalid_value("dimensions", "'dimensions' must be between 1 and " +
                                           std::to_string(wire::limits::embedding_dims_max) + ".");
  *out = static_cast<uint32_t>(v->to_number<uint64_t>());
  return std::nullopt;
}

/// The shortest decimal that reads back as `value` in float32 (finite: the wire checked).
void append_float(std::string& out, float value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  AGORA_ASSERT(ec == std::errc{});
  out.append(buffer, end);
}

}  // namespace

std::optional<api_error> parse_embedding_request(std::string_view body, embedding_request* out) {
  AGORA_ASSERT(out != nullptr);
  if (!valid_utf8(body))
    return invalid_request("The request body is not valid UTF-8.", {}, "invalid_utf8");
  boost::system::error_code ec;
  const json::value root = json::parse(body, ec);
  if (ec || !root.is_object())
    return invalid_request("We could not parse the JSON body of your request. (The body must be "
                           "a JSON object.)",
                           {}, "invalid_json");
  const json::object& o = root.get_object();
  refusal e = read_model(o, &out->model);
  if (!e)
    e = read_input(o, &out->inputs);
  if (!e)
    e = read_encoding(o, &out->encoding);
  if (!e)
    e = read_dimensions(o, &out->dimensions);
  if (!e)
    e = read_string(o, "user", &out->user);
  for (inference_spec& spec : out->inputs)
    spec.model = out->model;
  AGORA_ASSERT(e || (!out->inputs.empty() && out->inputs.size() <= embedding_inputs_max));
  return e;
}

std::string base64_floats(const std::vector<float>& values) {
  std::string raw;
  raw.reserve(4 * values.size());
  for (float value : values) {
    const auto bits = std::bit_cast<uint32_t>(value);
    for (int shift = 0; shift < 32; shift += 8)
      raw.push_back(static_cast<char>((bits >> shift) & 0xff));
  }
  AGORA_ASSERT(raw.size() == 4 * values.size());
  return x402::base64_encode(raw);
}

std::string embeddings_json(std::string_view model, const std::vector<embedded_input>& inputs,
                            embedding_encoding encoding) {
  std::string out = R"({"object":"list","data":[)";
  uint64_t prompt_tokens = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    out += i == 0 ? "" : ",";
    out += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":)";
    if (encoding == embedding_encoding::base64) {
      out += "\"" + base64_floats(inputs[i].values) + "\"}";
    } else {
      out += "[";
      for (size_t j = 0; j < inputs[i].values.size(); ++j) {
        out += j == 0 ? "" : ",";
        append_float(out, inputs[i].values[j]);
      }
      out += "]}";
    }
    prompt_tokens += inputs[i].prompt_tokens;
  }
  const std::string tokens = std::to_string(prompt_tokens);
  out += R"(],"model":)" + json::serialize(json::value(model)) + R"(,"usage":{"prompt_tokens":)" +
         tokens + R"(,"total_tokens":)" + tokens + "}}";
  return out;
}

}  // namespace agora::net::gateway::openai
