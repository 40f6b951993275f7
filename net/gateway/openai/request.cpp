// Parsing and checking OpenAI request bodies (request.hpp).
#include "net/gateway/openai/request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <limits>

#include "net/gateway/openai/json_fields.hpp"
#include "net/gateway/utf8.hpp"

namespace agora::net::gateway::openai {

namespace {

namespace json = boost::json;

refusal read_bool(const json::object& o, std::string_view name, bool* out) {
  if (const json::value* v = json_field(o, name)) {
    if (!v->is_bool())
      return invalid_type(name, "a boolean");
    *out = v->get_bool();
  }
  return std::nullopt;
}

/// A number in [min, max] (above min only, when min_open).
refusal read_decimal(const json::object& o, std::string_view name, double min, double max,
                     bool min_open, float* out) {
  const json::value* v = json_field(o, name);
  if (v == nullptr)
    return std::nullopt;
  if (!v->is_number())
    return invalid_type(name, "a decimal");
  const double x = v->to_number<double>();
  if (x < min || (min_open && x == min) || x > max)
    return invalid_value(name, "'" + std::string(name) + "' must be " + (min_open ? "> " : ">= ") +
                                   std::to_string(min) + " and <= " + std::to_string(max) + ".");
  *out = static_cast<float>(x);
  return std::nullopt;
}

/// A whole number in [min, max].
refusal read_integer(const json::object& o, std::string_view name, uint64_t min, uint64_t max,
                     std::optional<uint64_t>* out) {
  const json::value* v = json_field(o, name);
  if (v == nullptr)
    return std::nullopt;
  if (!v->is_int64() && !v->is_uint64())
    return invalid_type(name, "an integer");
  if (v->is_int64() && v->get_int64() < 0)
    return invalid_value(name, "'" + std::string(name) + "' must not be negative.");
  const uint64_t x = v->to_number<uint64_t>();
  if (x < min || x > max)
    return invalid_value(name, "'" + std::string(name) + "' must be between " +
                                   std::to_string(min) + " and " + std::to_string(max) + ".");
  *out = x;
  return std::nullopt;
}

refusal read_max_tokens(const json::object& o, const request_limits& limits, uint32_t* out) {
  std::optional<uint64_t> max_tokens;
  std::optional<uint64_t> max_completion_tokens;
  if (auto e = read_integer(o, "max_tokens", 1, limits.max_tokens_max, &max_tokens))
    return e;
  if (auto e = read_integer(o, "max_completion_tokens", 1, limits.max_tokens_max,
                            &max_completion_tokens))
    return e;
  *out = static_cast<uint32_t>(
      max_completion_tokens.value_or(max_tokens.value_or(limits.max_tokens_default)));
  AGORA_ASSERT(*out >= 1);
  return std::nullopt;
}

/// stop: a string or an array of strings, each 1–stop_bytes_max bytes, at most
/// stop_sequences_max of them.
refusal read_stop(const json::object& o, std::vector<std::string>* out) {
  const json::value* v = json_field(o, "stop");
  if (v == nullptr)
    return std::nullopt;
  if (v->is_string()) {
    out->push_back(std::string(v->get_string()));
  } else if (v->is_array()) {
    for (const json::value& s : v->get_array()) {
      if (!s.is_string())
        return invalid_type("stop", "a string or an array of strings");
      out->push_back(std::string(s.get_string()));
    }
  } else {
    return invalid_type("stop", "a string or an array of strings");
  }
  if (out->size() > wire::limits::stop_sequences_max)
    return invalid_value("stop", "'stop' takes at most " +
                                     std::to_string(wire::limits::stop_sequences_max) +
                                     " sequences.");
  for (const std::string& s : *out)
    if (s.empty() || s.size() > wire::limits::stop_bytes_max)
      return invalid_value("stop", "each 'stop' sequence must have 1 to " +
                                       std::to_string(wire::limits::stop_bytes_max) + " bytes.");
  return std::nullopt;
}

refusal read_stream(const json::object& o, completion_request* out) {
  if (auto e = read_bool(o, "stream", &out->spec.stream))
    return e;
  const json::value* options = json_field(o, "stream_options");
  if (options == nullptr)
    return std::nullopt;
  if (!options->is_object())
    return invalid_type("stream_options", "an object");
  if (!out->spec.stream)
    return invalid_request("The 'stream_options' parameter is only allowed when 'stream' is "
                           "enabled.",
                           "stream_options", "invalid_value");
  return read_bool(options->get_object(), "include_usage", &out->include_usage);
}

// ------------------------------------------------------------------------------------------------
// The input: the prompt of /v1/completions, the messages of /v1/chat/completions

refusal read_prompt(const json::object& o, std::string* out) {
  const json::value* v = json_field(o, "prompt");
  if (v == nullptr)
    return invalid_request("You must provide a prompt parameter.", "prompt", "missing_required");
  if (!v->is_string())
    return invalid_type("prompt", "a string");
  *out = std::string(v->get_string());
  if (out->empty())
    return invalid_value("prompt", "'prompt' must not be empty.");
  if (out->size() > wire::limits::prompt_bytes_max)
    return invalid_value("prompt", "'prompt' is longer than " +
                                       std::to_string(wire::limits::prompt_bytes_max) + " bytes.");
  return std::nullopt;
}

std::optional<wire::ChatRole> role_of(std::string_view role) {
  if (role == "system" || role == "developer")
    return wire::ChatRole::System;
  if (role == "user")
    return wire::ChatRole::User;
  if (role == "assistant")
    return wire::ChatRole::Assistant;
  if (role == "tool")
    return wire::ChatRole::Tool;
  return std::nullopt;
}

/// A message's content: a string, or an array of {"type":"text","text":…} parts, joined.
refusal read_content(const json::object& m, const std::string& param, std::string* out) {
  const json::value* v = json_field(m, "content");
  if (v == nullptr)
    return std::nullopt;  // an assistant turn may carry none
  if (v->is_string()) {
    *out = std::string(v->get_string());
    return std::nullopt;
  }
  if (!v->is_array())
    return invalid_type(param, "a string or an array of text parts");
  for (const json::value& part : v->get_array()) {
    const json::object* p = part.if_object();
    const json::value* text = p == nullptr ? nullptr : json_field(*p, "text");
    if (text == nullptr || !text->is_string())
      return invalid_type(param, "a string or an array of text parts");
    out->append(text->get_string());
  }
  return std::nullopt;
}

refusal read_turn(const json::value& v, size_t index, chat_turn* out) {
  const std::string param = "messages[" + std::to_string(index) + "]";
  if (!v.is_object())
    return invalid_type(param, "an object");
  const json::object& m = v.get_object();
  const json::value* role = json_field(m, "role");
  if (role == nullptr || !role->is_string())
    return invalid_request("Missing or invalid 'role' in " + param + ".", param + ".role");
  const auto parsed = role_of(role->get_string());
  if (!parsed)
    return invalid_value(param + ".role", "Invalid 'role' in " + param + ": '" +
                                              std::string(role->get_string()) + "'.");
  out->role = *parsed;
  return read_content(m, param + ".content", &out->content);
}

refusal read_messages(const json::object& o, std::vector<chat_turn>* out) {
  const json::value* v = json_field(o, "messages");
  if (v == nullptr)
    return invalid_request("You must provide a messages parameter.", "messages",
                           "missing_required");
  if (!v->is_array())
    return invalid_type("messages", "an array");
  const json::array& messages = v->get_array();
  if (messages.empty() || messages.size() > wire::limits::chat_messages_max)
    return invalid_value("messages", "'messages' must hold 1 to " +
                                         std::to_string(wire::limits::chat_messages_max) +
                                         " messages.");
  size_t bytes = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    chat_turn turn;
    if (auto e = read_turn(messages[i], i, &turn))
      return e;
    bytes += turn.content.size();
    out->push_back(std::move(turn));
  }
  if (bytes > wire::limits::prompt_bytes_max)
    return invalid_value("messages", "the messages' contents exceed " +
                                         std::to_string(wire::limits::prompt_bytes_max) +
                                         " bytes.");
  AGORA_ASSERT(out->size() == messages.size());
  return std::nullopt;
}

/// Chat: logprobs (a boolean) and top_logprobs (0–20, only with logprobs true).
refusal read_chat_logprobs(const json::object& o, inference_spec* spec) {
  if (auto e = read_bool(o, "logprobs", &spec->logprobs))
    return e;
  std::optional<uint64_t> top;
  if (auto e = read_integer(o, "top_logprobs", 0, chat_top_logprobs_max, &top))
    return e;
  if (top && !spec->logprobs)
    return invalid_value("top_logprobs",
                         "'logprobs' must be set to true when 'top_logprobs' is used.");
  spec->top_logprobs = static_cast<uint32_t>(top.value_or(0));
  return std::nullopt;
}

/// Completions: logprobs, the number of most likely candidates per token (0–5).
refusal read_completion_logprobs(const json::object& o, inference_spec* spec) {
  std::optional<uint64_t> top;
  if (auto e = read_integer(o, "logprobs", 0, completion_logprobs_max, &top))
    return e;
  spec->logprobs = top.has_value();
  spec->top_logprobs = static_cast<uint32_t>(top.value_or(0));
  return std::nullopt;
}

/// n: only 1 (OpenAI's default) is served.
refusal read_n(const json::object& o) {
  std::optional<uint64_t> n;
  if (auto e = read_integer(o, "n", 0, std::numeric_limits<int64_t>::max(), &n))
    return e;
  if (n && *n != 1)
    return invalid_value("n", "This gateway supports only n = 1.");
  return std::nullopt;
}

}  // namespace

std::optional<api_error> parse_request(std::string_view body, endpoint api,
                                       const request_limits& limits, completion_request* out) {
  AGORA_ASSERT(out != nullptr);
  AGORA_ASSERT(limits.max_tokens_default >= 1);
  if (!valid_utf8(body))
    return invalid_request("The request body is not valid UTF-8.", {}, "invalid_utf8");
  boost::system::error_code ec;
  const json::value root = json::parse(body, ec);
  if (ec || !root.is_object())
    return invalid_request("We could not parse the JSON body of your request. (The body must be "
                           "a JSON object.)",
                           {}, "invalid_json");
  const json::object& o = root.get_object();
  out->api = api;
  inference_spec& spec = out->spec;
  spec.type = api == endpoint::chat ? wire::TaskType::Chat : wire::TaskType::Completion;
  std::optional<uint64_t> seed;
  refusal e = read_model(o, &spec.model);
  if (!e)
    e = api == endpoint::chat ? read_messages(o, &spec.messages) : read_prompt(o, &spec.prompt);
  if (!e)
    e = read_max_tokens(o, limits, &spec.max_tokens);
  if (!e)
    e = read_decimal(o, "temperature", 0.0, wire::limits::temperature_max, false,
                     &spec.temperature);
  if (!e)
    e = read_decimal(o, "top_p", 0.0, 1.0, true, &spec.top_p);
  if (!e)
    e = read_n(o);
  if (!e)
    e = read_integer(o, "seed", 0, std::numeric_limits<int64_t>::max(), &seed);
  if (!e)
    e = read_stop(o, &spec.stop);
  if (!e)
    e = read_string(o, "user", &out->user);
  if (!e)
    e = read_stream(o, out);
  if (!e)
    e = api == endpoint::chat ? read_chat_logprobs(o, &spec) : read_completion_logprobs(o, &spec);
  spec.seed = seed.value_or(0);
  return e;
}

}  // namespace agora::net::gateway::openai
