// OpenAI's response bodies (https://platform.openai.com/docs/api-reference/chat/object and
// …/completions/object) and server-sent events (…/chat/streaming): the whole response of a
// non-streamed request, and the events of a streamed one, each "data: <json>\n\n":
//   chat:        role chunk (delta.role "assistant"), content chunks, a chunk with finish_reason,
//                a usage chunk (empty choices) when include_usage, then "data: [DONE]\n\n";
//   completions: text chunks, a chunk with finish_reason, the usage chunk, [DONE].
// With logprobs asked, a choice's "logprobs" is, for chat, {"content": [{token, logprob, bytes,
// top_logprobs: [{token, logprob, bytes}…]}…], "refusal": null}, and for completions {tokens,
// token_logprobs, top_logprobs: [{token: logprob}…], text_offset} (offsets into the output
// text, as vLLM gives them); a streamed text chunk carries its own tokens' entries.
// The id is "chatcmpl-<task id hex>" or "cmpl-<task id hex>": it names the proof too.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/gateway/inference.hpp"
#include "net/gateway/openai/request.hpp"

namespace agora::net::gateway::openai {

/// What every response and chunk of one request repeats.
struct response_head {
  endpoint api = endpoint::chat;
  std::string id;
  int64_t created = 0;  // Unix seconds
  std::string model;
  bool include_usage = false;  // streamed chunks carry "usage": null, then a usage chunk
  bool logprobs = false;       // choices carry "logprobs" (else null)
};

/// The log-probabilities of one piece of output, and where it starts in the whole output (the
/// completions' text_offset, in characters).
struct logprobs_piece {
  std::span<const actors::token_logprobs> entries;
  size_t text_offset = 0;
};

/// The characters (Unicode code points) of UTF-8 `text`: how text_offset advances.
size_t characters_of(std::string_view text);

response_head head_of(const completion_request& request, const inference_head& head);

/// "chatcmpl-<32 hex digits>" or "cmpl-<32 hex digits>".
std::string response_id(endpoint api, const wire::id128& task_id);
/// The task id a response id (or the bare 32 hex digits) names; nullopt if none.
std::optional<wire::id128> task_id_of(std::string_view response_id);

/// "stop" or "length".
std::string_view finish_reason_text(wire::FinishReason reason);

/// The whole chat.completion or text_completion object.
std::string completion_json(const response_head& head, const inference_final& final);

/// Streamed events.
std::string role_event(const response_head& head);  // chat only
std::string text_event(const response_head& head, std::string_view text,
                       const logprobs_piece& logprobs = {});
std::string finish_event(const response_head& head, wire::FinishReason reason);
std::string usage_event(const response_head& head, const inference_final& final);
std::string error_event(const api_error& error);
inline constexpr std::string_view done_event = "data: [DONE]\n\n";

}  // namespace agora::net::gateway::openai
