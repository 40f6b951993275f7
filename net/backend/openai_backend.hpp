// An external OpenAI-compatible server as a provider's engine (DESIGN §6 "provider": vLLM,
// Ollama, llama.cpp server): `agora provider --backend URL` forwards each task to URL's
// /v1/completions (prompt) or /v1/chat/completions (messages), reads the text, finish reason
// and usage, and the provider signs the ComputeProof as for its own engine. An embed request
// goes to /v1/embeddings (input: the prompt or the token ids, encoding_format "float"); the
// answer's data[0].embedding (1 to 2^16 finite values) is L2-normalised here, whatever the
// server did, and usage.prompt_tokens is the count billed. The models are the
// server's (GET /v1/models at start). What the proof can and cannot claim:
//  - weights_hash: the agent cannot hash weights it does not hold, so it is keccak-256 of
//    "external:" + model id, which names the model and nothing more;
//  - token ids are not returned by the OpenAI API: the output is one chunk of text, and the
//    token counts are the server's usage figures;
//  - deterministic is false: a dispute re-execution needs the same server.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/worker/engine.hpp"

namespace agora::net {

struct openai_backend_options {
  std::string url;      // the server's base, e.g. http://127.0.0.1:8000 (with or without /v1)
  std::string api_key;  // sent as Authorization: Bearer when not empty
  uint32_t max_context = 4096;  // advertised per model when the server does not say
  std::chrono::milliseconds timeout{300'000};
};

class openai_backend final : public actors::engine {
 public:
  /// Lists the server's models. Errors: the server cannot be reached, does not answer /v1/models
  /// with a model list, or lists none.
  static result<std::shared_ptr<openai_backend>> connect(openai_backend_options options);

  std::vector<actors::model_info> models() const override { return models_; }
  result<actors::generation> generate(const actors::generation_request& request) override;
  bool blocks() const override { return true; }

 private:
  openai_backend(openai_backend_options options, std::string base,
                 std::vector<actors::model_info> models)
      : options_(std::move(options)), base_(std::move(base)), models_(std::move(models)) {}
  /// An embed request: POST {base}/embeddings.
  result<actors::generation> embed(const actors::generation_request& request);

  openai_backend_options options_;
  std::string base_;                        // ends in /v1
  std::vector<actors::model_info> models_;  // fixed at connect: read from any thread
};

}  // namespace agora::net
