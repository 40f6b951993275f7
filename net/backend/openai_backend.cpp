// An external OpenAI-compatible server as an engine (openai_backend.hpp).

#include "net/backend/openai_backend.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "core/keccak.hpp"
#include "net/backend/http_call.hpp"
#include "schemas/limits.hpp"

namespace agora::net {

namespace {

namespace json = boost::json;

std::string api_base(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  if (url.size() < 3 || url.compare(url.size() - 3, 3, "/v1") != 0)
    url += "/v1";
  return url;
}

result<json::value> call_json(const openai_backend_options& o, std::string method, std::string url,
                              std::string body) {
  http_call_request r{std::move(method), std::move(url), std::move(body), {}, o.timeout};
  if (!o.api_key.empty())
    r.headers.emplace_back("Authorization", "Bearer " + o.api_key);
  auto response = http_call(r);
  if (!response)
    return response.error();
  if (response->status != 200)
    return make_error(errc::io_error, "backend answered " + std::to_string(response->status) +
                                          ": " + response->body.substr(0, 200));
  boost::system::error_code ec;
  json::value v = json::parse(response->body, ec);
  if (ec || !v.is_object())
    return make_error(errc::malformed, "backend answered with something other than JSON");
  return v;
}

json::object request_body(const actors::generation_request& r) {
  json::object body{{"model", r.model},
                    {"max_tokens", r.sampling.max_tokens},
                    {"temperature", r.sampling.temperature},
                    {"top_p", r.sampling.top_p},
                    {"seed", r.sampling.seed},
                    {"stream", false}};
  if (!r.sampling.stop.empty())
    body["stop"] = json::value_from(r.sampling.stop);
  if (r.messages.empty()) {
    body["prompt"] = r.prompt;
    return body;
  }
  json::array messages;
  for (const actors::chat_message& m : r.messages)
    messages.push_back(json::object{{"role", m.role}, {"content", m.content}});
  body["messages"] = std::move(messages);
  return body;
}

wire::FinishReason finish_reason_of(const json::value* reason) {
  if (reason == nullptr || !reason->is_string())
    return wire::FinishReason::None;
  if (reason->as_string() == "length")
    return wire::FinishReason::Length;
  return reason->as_string() == "stop" ? wire::FinishReason::Stop : wire::FinishReason::None;
}

/// The generation of a completions or chat completions answer.
result<actors::generation> generation_of(const json::object& answer, uint64_t request_id) {
  const json::value* choices = answer.if_contains("choices");
  const json::value* usage = answer.if_contains("usage");
  if (choices == nullptr || !choices->is_array() || choices->as_array().empty() ||
      !choices->as_array()[0].is_object() || usage == nullptr || !usage->is_object())
    return make_error(errc::malformed, "backend answer lacks choices[0] or usage");
  const json::object& choice = choices->as_array()[0].as_object();
  const json::value* text = choice.if_contains("text");
  if (const json::value* message = choice.if_contains("message"); message && message->is_object())
    text = message->as_object().if_contains("content");
  const json::value* prompt = usage->as_object().if_contains("prompt_tokens");
  const json::value* completion = usage->as_object().if_contains("completion_tokens");
  if (text == nullptr || !text->is_string() || prompt == nullptr || !prompt->is_int64() ||
      completion == nullptr || !completion->is_int64())
    return make_error(errc::malformed, "backend answer lacks text or token counts");
  actors::generation g;
  g.request_id = request_id;
  g.text = std::string(text->as_string());
  g.finish_reason = finish_reason_of(choice.if_contains("finish_reason"));
  g.prompt_tokens = static_cast<uint32_t>(prompt->as_int64());
  g.completion_tokens = static_cast<uint32_t>(completion->as_int64());
  if (!g.text.empty())
    g.chunks.push_back(actors::generation_chunk{request_id, 0, {}, g.text});
  return g;
}

// ------------------------------------------------------------------------------------------------
// Embeddings: POST /embeddings

json::object embedding_body(const actors::generation_request& r) {
  json::object body{{"model", r.model}, {"encoding_format", "float"}};
  if (r.prompt_token_ids.empty())
    body["input"] = r.prompt;
  else
    body["input"] = json::value_from(r.prompt_token_ids);
  return body;
}

/// The values of `v` (a JSON array of numbers), L2-normalised; errors unless 1 to
/// embedding_dims_max finite numbers with a norm above 0.
result<std::vector<float>> embedding_values(const json::value* v) {
  if (v == nullptr || !v->is_array() || v->as_array().empty() ||
      v->as_array().size() > wire::limits::embedding_dims_max)
    return make_error(errc::malformed, "backend embedding is not an array of 1 to 65536 numbers");
  std::vector<double> x;
  double sum = 0;
  for (const json::value& e : v->as_array()) {
    if (!e.is_number() || !std::isfinite(e.to_number<double>()))
      return make_error(errc::malformed, "backend embedding holds a value that is not finite");
    x.push_back(e.to_number<double>());
    sum += x.back() * x.back();
  }
  if (!(sum > 0) || !std::isfinite(sum))
    return make_error(errc::malformed, "backend embedding cannot be normalised");
  const double norm = std::sqrt(sum);
  std::vector<float> out;
  out.reserve(x.size());
  for (double value : x)
    out.push_back(static_cast<float>(value / norm));
  return out;
}

/// The generation of an embeddings answer: data[0].embedding and usage.prompt_tokens.
result<actors::generation> embedding_of(const json::object& answer, uint64_t request_id) {
  const json::value* data = answer.if_contains("data");
  const json::value* usage = answer.if_contains("usage");
  if (data == nullptr || !data->is_array() || data->as_array().empty() ||
      !data->as_array()[0].is_object() || usage == nullptr || !usage->is_object())
    return make_error(errc::malformed, "backend answer lacks data[0] or usage");
  const json::value* prompt = usage->as_object().if_contains("prompt_tokens");
  if (prompt == nullptr || !prompt->is_int64() || prompt->as_int64() < 0 ||
      prompt->as_int64() > int64_t{wire::limits::context_tokens_max})
    return make_error(errc::malformed, "backend answer lacks usage.prompt_tokens");
  auto values = embedding_values(data->as_array()[0].as_object().if_contains("embedding"));
  if (!values)
    return values.error();
  actors::generation g;
  g.request_id = request_id;
  g.finish_reason = wire::FinishReason::Stop;
  g.prompt_tokens = static_cast<uint32_t>(prompt->as_int64());
  g.embedding = std::move(*values);
  AGORA_ASSERT(!g.embedding.empty() && g.chunks.empty());
  return g;
}

/// What a proof says of a generation the external server made: not ours to vouch for as
/// deterministic.
actors::engine_identity external_identity(const std::string& base) {
  return actors::engine_identity{wire::Backend::External, base.substr(0, 120), 0,
                                 "openai-compatible", false};
}

}  // namespace

result<std::shared_ptr<openai_backend>> openai_backend::connect(openai_backend_options options) {
  std::string base = api_base(options.url);
  auto listed = call_json(options, "GET", base + "/models", {});
  if (!listed)
    return make_error(listed.error().code,
                      "backend " + base + "/models: " + listed.error().message);
  const json::value* data = listed->as_object().if_contains("data");
  std::vector<actors::model_info> models;
  if (data != nullptr && data->is_array())
    for (const json::value& m : data->as_array())
      if (m.is_object() && m.as_object().contains("id") && m.as_object().at("id").is_string()) {
        std::string id(m.as_object().at("id").as_string());
        const hash256 names = keccak256(as_bytes("external:" + id));
        models.push_back(actors::model_info{std::move(id), options.max_context, "external", names,
                                            external_identity(base)});
      }
  if (models.empty())
    return make_error(errc::not_found, "backend " + base + " lists no models");
  return std::shared_ptr<openai_backend>(
      new openai_backend(std::move(options), std::move(base), std::move(models)));
}

result<actors::generation> openai_backend::generate(const actors::generation_request& r) {
  const bool known = std::any_of(models_.begin(), models_.end(),
                                 [&](const actors::model_info& m) { return m.id == r.model; });
  if (!known)
    return make_error(errc::not_found, "model '" + r.model + "' is not served by the backend");
  if (r.kind == actors::request_kind::embed)
    return embed(r);
  if (r.prompt.empty() == r.messages.empty())
    return make_error(errc::invalid_argument, "the backend takes a prompt or chat messages");
  const std::string url = base_ + (r.messages.empty() ? "/completions" : "/chat/completions");
  auto answer = call_json(options_, "POST", url, json::serialize(request_body(r)));
  if (!answer)
    return answer.error();
  return generation_of(answer->as_object(), r.id);
}

result<actors::generation> openai_backend::embed(const actors::generation_request& r) {
  if (!r.messages.empty() || r.prompt.empty() == r.prompt_token_ids.empty())
    return make_error(errc::invalid_argument,
                      "an embedding takes exactly one of a prompt and token ids");
  auto answer =
      call_json(options_, "POST", base_ + "/embeddings", json::serialize(embedding_body(r)));
  if (!answer)
    return answer.error();
  return embedding_of(answer->as_object(), r.id);
}

}  // namespace agora::net
