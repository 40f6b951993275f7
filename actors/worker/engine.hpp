// The inference engine interface a worker owns (DESIGN §6, §8): one request in, one generation
// out, with the output already split into the chunks a streaming client receives. Backends:
// mock-model (mock_model.hpp) for tests and the simulation, model folders on the engine of
// kernels/ (folder_engine.hpp). Engines that batch also take requests asynchronously (start).
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <functional>
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
  bool logprobs = false;          // report each generated token's log-probability
  uint32_t top_logprobs = 0;      // and this many most likely candidates (≤ 20; implies logprobs)
};

/// A candidate at a generated token's position: its text, decoded alone, and log-probability.
struct token_choice {
  std::string token;
  float logprob = 0.0f;
};

/// A generated token's log-probability and the top_logprobs most likely candidates at its
/// position, most likely first.
struct token_logprobs {
  token_choice chosen;
  std::vector<token_choice> top;
};

/// One message of a chat request; role is "system", "user", "assistant" or "tool".
struct chat_message {
  std::string role;
  std::string content;
};

/// What a request asks for: a generation (completion or chat), or the embedding of its input.
enum class request_kind : uint8_t { generate = 0, embed = 1 };

/// One generation. Exactly one of prompt, prompt_token_ids and messages is non-empty; an engine
/// renders messages with its model's chat template (chat_prompt.hpp has the plain fallback).
/// An embed request has a prompt or prompt_token_ids (never messages); its sampling is unused.
struct generation_request {
  uint64_t id = 0;    // chosen by the caller; echoed in every chunk and in the generation
  std::string model;  // a model_info id of the engine
  std::string prompt;
  std::vector<uint32_t> prompt_token_ids;
  sampling_params sampling;
  std::vector<chat_message> messages;
  request_kind kind = request_kind::generate;
};

/// A piece of the output, streamed while generating. Chunks are numbered from 0; their texts
/// concatenate to generation::text and their token ids to generation::token_ids.
struct generation_chunk {
  uint64_t request_id = 0;
  uint32_t index = 0;
  std::vector<uint32_t> token_ids;
  std::string text;
  std::vector<token_logprobs> logprobs;  // one per token id when sampling.logprobs, else none
};

struct generation {
  uint64_t request_id = 0;
  std::vector<uint32_t> token_ids;
  std::string text;
  wire::FinishReason finish_reason = wire::FinishReason::None;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;  // == token_ids.size()
  std::vector<generation_chunk> chunks;
  /// An embed request's answer: finite values, L2-normalised; no tokens, text or chunks then.
  std::vector<float> embedding;
};

/// Which engine produced a result (becomes ComputeProof.worker).
struct engine_identity {
  wire::Backend backend = wire::Backend::Mock;
  std::string device;
  uint16_t device_index = 0;
  std::string engine_version;
  bool deterministic = false;  // same request and seed → same tokens (DESIGN §8)
};

/// A model an engine serves (becomes a ModelOffer in Register).
struct model_info {
  std::string id;
  uint32_t max_context = 0;  // tokens
  std::string quantization;
  hash256 weights_hash{};     // PROTOCOL.md "Hashes"
  engine_identity served_by;  // the backend that runs it (one engine may hold several)
};

/// The asynchronous path's callbacks (engine::start). Both run on a thread of the engine's, so
/// they must only post (caf::anon_send), never touch actor state.
using chunk_callback = std::function<void(generation_chunk chunk)>;
using done_callback = std::function<void(result<generation> outcome)>;

/// Two ways to run a request:
///  - synchronous: generate() runs it to the end, one request at a time (mock-model, the
///    external OpenAI-compatible backend, the simulation's engines);
///  - asynchronous, for engines that batch (batches(request) true: a model folder on the
///    continuous-batching scheduler): start() hands the request over and returns at once; the
///    engine streams its chunks through on_chunk as tokens are produced and ends it with one
///    on_done, on its own thread; many requests run together; cancel() ends one early.
/// The choice is per request rather than per engine so that an engine_set can hold a batching
/// model folder beside mock-model: each request takes the path of the engine serving its model,
/// and the synchronous engines keep their single-threaded, deterministic behaviour.
class engine {
 public:
  virtual ~engine() = default;
  /// The models this engine serves now, each with the backend that runs it.
  virtual std::vector<model_info> models() const = 0;
  /// Runs one request to the end. Errors: not_found (unknown model), invalid_argument (a request
  /// the engine cannot run), limit_exceeded (over the model's context), io_error (a backend
  /// that could not be reached).
  virtual result<generation> generate(const generation_request& request) = 0;
  /// True when generate takes real time (a GPU, the CPU engine, a remote server): the worker
  /// then runs it on its own thread (engine_thread.hpp) so no actor ever waits for it. An
  /// engine that answers at once (mock-model) runs inline, which keeps the simulation on its
  /// single thread.
  virtual bool blocks() const { return false; }

  /// True when `request` runs on the asynchronous path (start/cancel) rather than generate.
  virtual bool batches(const generation_request& request) const {
    (void)request;
    return false;
  }
  /// Starts `request` and returns at once. On success the engine later calls on_chunk once per
  /// chunk, in index order (the chunks generate() would return: their texts concatenate to the
  /// generation's text), then on_done exactly once, both from its own thread; an engine being
  /// destroyed ends the requests it still holds with an error (io_error). On error nothing is
  /// called. request.id names the request for cancel: it must be unique among the requests
  /// this engine holds (already_exists otherwise). Errors: those of generate(), and
  /// unsupported from an engine without this path. REQUIRES: batches(request); callbacks set.
  virtual status start(const generation_request& request, chunk_callback on_chunk,
                       done_callback on_done) {
    (void)on_chunk;
    (void)on_done;
    return make_error(errc::unsupported,
                      "model '" + request.model + "' runs one request at a time (generate)");
  }
  /// Asks that started request `request_id` end soon: its on_done then comes with an error
  /// (stale) unless it had already finished; the text it held back (a partial character or
  /// stop sequence) is never streamed. Ids the engine does not hold are ignored. Thread-safe.
  virtual void cancel(uint64_t request_id) { (void)request_id; }
};

// ------------------------------------------------------------------------------------------------
// CAF inspection (CAF 0.17.6 form): the request, chunk and generation travel as messages.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sampling_params& x) {
  return f(caf::meta::type_name("agora::actors::sampling_params"), x.max_tokens, x.temperature,
           x.top_p, x.top_k, x.seed, x.stop, x.logprobs, x.top_logprobs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_choice& x) {
  return f(caf::meta::type_name("agora::actors::token_choice"), x.token, x.logprob);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_logprobs& x) {
  return f(caf::meta::type_name("agora::actors::token_logprobs"), x.chosen, x.top);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("agora::actors::chat_message"), x.role, x.content);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_request& x) {
  return f(caf::meta::type_name("agora::actors::generation_request"), x.id, x.model, x.prompt,
           x.prompt_token_ids, x.sampling, x.messages, x.kind);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_chunk& x) {
  return f(caf::meta::type_name("agora::actors::generation_chunk"), x.request_id, x.index,
           x.token_ids, x.text, x.logprobs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation& x) {
  return f(caf::meta::type_name("agora::actors::generation"), x.request_id, x.token_ids, x.text,
           x.finish_reason, x.prompt_tokens, x.completion_tokens, x.chunks, x.embedding);
}

}  // namespace agora::actors
