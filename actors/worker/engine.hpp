// The inference engine interface a worker owns (DESIGN §6, §8): one request in, one generation
// out, with the output already split into the chunks a streaming client receives. Backends:
// mock-model (mock_model.hpp) for tests and the simulation; the CPU and CUDA engines of kernels/
// come later behind the same interface. An engine is used by one actor at a time.
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/task_generated.h"

namespace agora::actors {

/// Sampling as in TaskRequest.sampling (DESIGN §8). temperature 0 means greedy.
struct sampling_params {
  uint32_t max_tokens = 16;  // completion tokens at most; ≥ 1
  float temperature = 1.0f;
  float top_p = 1.0f;
  uint32_t top_k = 0;  // 0: off
  uint64_t seed = 0;
  std::vector<std::string> stop;  // stop sequences
};

/// One message of a chat request; role is "system", "user", "assistant" or "tool".
struct chat_message {
  std::string role;
  std::string content;
};

/// One generation. Exactly one of prompt, prompt_token_ids and messages is non-empty; an engine
/// renders messages with its model's chat template (chat_prompt.hpp has the plain fallback).
struct generation_request {
  uint64_t id = 0;    // chosen by the caller; echoed in every chunk and in the generation
  std::string model;  // a model_info id of the engine
  std::string prompt;
  std::vector<uint32_t> prompt_token_ids;
  sampling_params sampling;
  std::vector<chat_message> messages;
};

/// A piece of the output, streamed while generating. Chunks are numbered from 0; their texts
/// concatenate to generation::text and their token ids to generation::token_ids.
struct generation_chunk {
  uint64_t request_id = 0;
  uint32_t index = 0;
  std::vector<uint32_t> token_ids;
  std::string text;
};

struct generation {
  uint64_t request_id = 0;
  std::vector<uint32_t> token_ids;
  std::string text;
  wire::FinishReason finish_reason = wire::FinishReason::None;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;  // == token_ids.size()
  std::vector<generation_chunk> chunks;
};

/// A model an engine serves (becomes a ModelOffer in Register).
struct model_info {
  std::string id;
  uint32_t max_context = 0;  // tokens
  std::string quantization;
  hash256 weights_hash{};  // PROTOCOL.md "Hashes"
};

/// Which engine produced a result (becomes ComputeProof.worker).
struct engine_identity {
  wire::Backend backend = wire::Backend::Mock;
  std::string device;
  uint16_t device_index = 0;
  std::string engine_version;
  bool deterministic = false;  // same request and seed → same tokens (DESIGN §8)
};

class engine {
 public:
  virtual ~engine() = default;
  /// The models this engine serves now.
  virtual std::vector<model_info> models() const = 0;
  virtual engine_identity identity() const = 0;
  /// Runs one request to the end. Errors: not_found (unknown model), invalid_argument (a request
  /// the engine cannot run), limit_exceeded (over the model's context), io_error (a backend
  /// that could not be reached).
  virtual result<generation> generate(const generation_request& request) = 0;
  /// True when generate takes real time (a GPU, the CPU engine, a remote server): the worker
  /// then runs it on its own thread (engine_thread.hpp) so no actor ever waits for it. An
  /// engine that answers at once (mock-model) runs inline, which keeps the simulation on its
  /// single thread.
  virtual bool blocks() const { return false; }
};

// ------------------------------------------------------------------------------------------------
// CAF inspection (CAF 0.17.6 form): the request, chunk and generation travel as messages.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sampling_params& x) {
  return f(caf::meta::type_name("agora::actors::sampling_params"), x.max_tokens, x.temperature,
           x.top_p, x.top_k, x.seed, x.stop);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("agora::actors::chat_message"), x.role, x.content);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_request& x) {
  return f(caf::meta::type_name("agora::actors::generation_request"), x.id, x.model, x.prompt,
           x.prompt_token_ids, x.sampling, x.messages);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_chunk& x) {
  return f(caf::meta::type_name("agora::actors::generation_chunk"), x.request_id, x.index,
           x.token_ids, x.text);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation& x) {
  return f(caf::meta::type_name("agora::actors::generation"), x.request_id, x.token_ids, x.text,
           x.finish_reason, x.prompt_tokens, x.completion_tokens, x.chunks);
}

}  // namespace agora::actors
