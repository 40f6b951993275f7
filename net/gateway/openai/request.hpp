// OpenAI's request bodies for POST /v1/chat/completions and POST /v1/completions, parsed and
// checked (https://platform.openai.com/docs/api-reference/chat/create): model, messages or
// prompt (a string), max_tokens / max_completion_tokens, temperature, top_p, n (1 only), stop
// (a string or an array), seed, user, stream, stream_options.include_usage, logprobs (chat: a
// boolean with top_logprobs 0–20; completions: 0–5 candidates). Fields this gateway
// does not use are ignored, as OpenAI-compatible servers do. Every refusal is a 400 naming the
// field (param), checked here against the wire limits so no request is refused later for them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/gateway/inference.hpp"
#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway::openai {

/// Which API a request came through: it sets the response's object names and id prefix.
enum class endpoint : uint8_t { chat, completion };

/// OpenAI's bounds: chat top_logprobs 0–20, legacy completions logprobs 0–5.
inline constexpr uint32_t chat_top_logprobs_max = 20;
inline constexpr uint32_t completion_logprobs_max = 5;
static_assert(chat_top_logprobs_max <= wire::limits::logprobs_max);

struct request_limits {
  uint32_t max_tokens_default = 256;  // when the request names none
  uint32_t max_tokens_max = wire::limits::max_tokens_max;
};

/// A parsed request: the task it asks for and what only the HTTP answer needs.
struct completion_request {
  endpoint api = endpoint::chat;
  inference_spec spec;
  std::string user;
  bool include_usage = false;  // stream_options.include_usage
};

/// Parses `body` as a request to `api`. Returns the refusal, or nullopt with *out filled.
/// REQUIRES: out not null.
std::optional<api_error> parse_request(std::string_view body, endpoint api,
                                       const request_limits& limits, completion_request* out);

}  // namespace agora::net::gateway::openai
