// OpenAI's embeddings request and response (https://platform.openai.com/docs/api-reference/
// embeddings/create): model, input (a string, an array of strings, an array of token ids, or an
// array of arrays of token ids; 1 to embedding_inputs_max inputs), encoding_format ("float", the
// default, or "base64": the little-endian float32 bytes, base64), dimensions (only the model's
// own), user. Each input becomes one Embedding task (inference_spec). Every refusal is a 400
// naming the field, checked here against the wire limits so no task is refused later for them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/gateway/inference.hpp"
#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway::openai {

/// The most inputs one request may embed (one task and one proof each).
inline constexpr size_t embedding_inputs_max = 64;

enum class embedding_encoding : uint8_t { floats, base64 };

struct embedding_request {
  std::string model;
  std::vector<inference_spec> inputs;  // Embedding tasks, in the order of `input`
  embedding_encoding encoding = embedding_encoding::floats;
  std::optional<uint32_t> dimensions;  // what the client asked for, if it did
  std::string user;
};

/// Parses `body`. Returns the refusal, or nullopt with *out filled. REQUIRES: out not null.
std::optional<api_error> parse_embedding_request(std::string_view body, embedding_request* out);

/// The figures of one embedded input.
struct embedded_input {
  std::vector<float> values;
  uint32_t prompt_tokens = 0;
};

/// {"object":"list","data":[{"object":"embedding","index":i,"embedding":…}],"model":…,
/// "usage":{"prompt_tokens":N,"total_tokens":N}}; values as the shortest decimals that read
/// back to the same float32, or as one base64 string each.
std::string embeddings_json(std::string_view model, const std::vector<embedded_input>& inputs,
                            embedding_encoding encoding);

/// base64 of the values as IEEE-754 binary32, little-endian (what the openai SDKs decode).
std::string base64_floats(const std::vector<float>& values);

}  // namespace agora::net::gateway::openai
