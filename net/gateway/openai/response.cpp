// OpenAI response bodies and streamed events (response.hpp).
#include "net/gateway/openai/response.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/bytes.hpp"

namespace agora::net::gateway::openai {

namespace {

namespace json = boost::json;

constexpr std::string_view chat_prefix = "chatcmpl-";
constexpr std::string_view completion_prefix = "cmpl-";

json::object usage_of(const inference_final& final) {
  return json::object{
      {"prompt_tokens", final.prompt_tokens},
      {"completion_tokens", final.completion_tokens},
      {"total_tokens", uint64_t{final.prompt_tokens} + final.completion_tokens},
  };
}

/// The fields every object of a response starts with; `streamed` picks the chunk object name.
json::object envelope(const response_head& head, bool streamed) {
  std::string_view object;
  if (head.api == endpoint::chat)
    object = streamed ? "chat.completion.chunk" : "chat.completion";
  else
    object = "text_completion";
  return json::object{
      {"id", head.id}, {"object", object}, {"created", head.created}, {"model", head.model}};
}

/// A token's UTF-8 bytes as OpenAI lists them.
json::array bytes_of(std::string_view token) {
  json::array out;
  for (char c : token)
    out.push_back(int64_t{static_cast<uint8_t>(c)});
  return out;
}

json::object chat_choice_of(const actors::token_choice& c) {
  return json::object{{"token", c.token}, {"logprob", c.logprob}, {"bytes", bytes_of(c.token)}};
}

json::object chat_logprobs(std::span<const actors::token_logprobs> entries) {
  json::array content;
  for (const actors::token_logprobs& e : entries) {
    json::object entry = chat_choice_of(e.chosen);
    json::array top;
    for (const actors::token_choice& c : e.top)
      top.push_back(chat_choice_of(c));
    entry["top_logprobs"] = std::move(top);
    content.push_back(std::move(entry));
  }
  return json::object{{"content", std::move(content)}, {"refusal", nullptr}};
}

json::object completion_logprobs(const logprobs_piece& piece) {
  json::array tokens, token_logprobs, top_logprobs, text_offset;
  size_t offset = piece.text_offset;
  for (const actors::token_logprobs& e : piece.entries) {
    tokens.push_back(json::string(e.chosen.token));
    token_logprobs.push_back(e.chosen.logprob);
    json::object top;
    for (const actors::token_choice& c : e.top)
      top[c.token] = c.logprob;
    top_logprobs.push_back(std::move(top));
    text_offset.push_back(static_cast<int64_t>(offset));
    offset += characters_of(e.chosen.token);
  }
  return json::object{{"tokens", std::move(tokens)},
                      {"token_logprobs", std::move(token_logprobs)},
                      {"top_logprobs", std::move(top_logprobs)},
                      {"text_offset", std::move(text_offset)}};
}

/// A choice's "logprobs": null unless the request asked for them.
json::value logprobs_json(const response_head& head, const logprobs_piece& piece) {
  if (!head.logprobs)
    return nullptr;
  return head.api == endpoint::chat ? chat_logprobs(piece.entries) : completion_logprobs(piece);
}

/// One choice of a streamed chunk: a chat delta or a completion's text.
json::object chunk_choice(const response_head& head, json::object delta, std::string_view text,
                          json::value finish_reason, json::value logprobs = nullptr) {
  json::object choice{{"index", 0}};
  if (head.api == endpoint::chat)
    choice["delta"] = std::move(delta);
  else
    choice["text"] = text;
  choice["logprobs"] = std::move(logprobs);
  choice["finish_reason"] = std::move(finish_reason);
  return choice;
}

std::string event_of(const json::value& data) {
  return "data: " + json::serialize(data) + "\n\n";
}

std::string chunk_event(const response_head& head, json::object choice) {
  json::object chunk = envelope(head, true);
  chunk["choices"] = json::array{std::move(choice)};
  if (head.include_usage)
    chunk["usage"] = nullptr;
  return event_of(chunk);
}

}  // namespace

response_head head_of(const completion_request& request, const inference_head& head) {
  return response_head{request.api,           response_id(request.api, head.task_id),
                       head.created_unix_s,   request.spec.model,
                       request.include_usage, request.spec.logprobs};
}

size_t characters_of(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string response_id(endpoint api, const wire::id128& task_id) {
  return std::string(api == endpoint::chat ? chat_prefix : completion_prefix) + to_hex(task_id);
}

std::optional<wire::id128> task_id_of(std::string_view response_id) {
  for (std::string_view prefix : {chat_prefix, completion_prefix})
    if (response_id.starts_with(prefix))
      response_id.remove_prefix(prefix.size());
  if (response_id.size() != 2 * sizeof(wire::id128))
    return std::nullopt;
  auto id = from_hex_fixed<sizeof(wire::id128)>(response_id);
  if (!id)
    return std::nullopt;
  return *id;
}

std::string_view finish_reason_text(wire::FinishReason reason) {
  return reason == wire::FinishReason::Length ? "length" : "stop";
}

std::string completion_json(const response_head& head, const inference_final& final) {
  json::object choice{{"index", 0}};
  if (head.api == endpoint::chat)
    choice["message"] =
        json::object{{"role", "assistant"}, {"content", final.text}, {"refusal", nullptr}};
  else
    choice["text"] = final.text;
  choice["logprobs"] = logprobs_json(head, {final.logprobs, 0});
  choice["finish_reason"] = finish_reason_text(final.finish_reason);
  json::object body = envelope(head, false);
  body["choices"] = json::array{std::move(choice)};
  body["usage"] = usage_of(final);
  return json::serialize(body);
}

std::string role_event(const response_head& head) {
  AGORA_ASSERT(head.api == endpoint::chat);
  return chunk_event(head,
                     chunk_choice(head, {{"role", "assistant"}, {"content", ""}}, "", nullptr));
}

std::string text_event(const response_head& head, std::string_view text,
                       const logprobs_piece& logprobs) {
  return chunk_event(
      head, chunk_choice(head, {{"content", text}}, text, nullptr, logprobs_json(head, logprobs)));
}

std::string finish_event(const response_head& head, wire::FinishReason reason) {
  return chunk_event(head, chunk_choice(head, {}, "", json::value(finish_reason_text(reason))));
}

std::string usage_event(const response_head& head, const inference_final& final) {
  AGORA_ASSERT(head.include_usage);
  json::object chunk = envelope(head, true);
  chunk["choices"] = json::array{};
  chunk["usage"] = usage_of(final);
  return event_of(chunk);
}

std::string error_event(const api_error& error) {
  return "data: " + error_json(error) + "\n\n";
}

}  // namespace agora::net::gateway::openai
