// One Hugging Face model folder ready to serve (DESIGN §8): its tokenizer and chat template, a
// compute backend holding its weights, its id and weights hash. What the CLI's `agora generate`
// and the worker's engine adapter both use, so they tokenize, template and generate alike.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kernels/backend.hpp"
#include "kernels/engine/generator.hpp"
#include "kernels/engine/scheduler.hpp"
#include "kernels/tokenizer/tokenizer.hpp"

namespace agora::kernels {

enum class backend_choice : uint8_t {
  automatic,  // CUDA when this build has it and a GPU is present, else the CPU
  cpu,
  cuda,
};

/// "auto", "cpu" or "cuda". Errors: invalid_argument naming the text.
result<backend_choice> parse_backend_choice(std::string_view text);

/// The id a model folder is served under: its last path component ("models/tiny-llama/" →
/// "tiny-llama").
std::string model_id_of(const std::filesystem::path& folder);

/// A chat message as (role, content).
using role_content = std::pair<std::string, std::string>;

class model_engine {
 public:
  /// Loads the folder: tokenizer, weights on the chosen backend, weights hash. Errors name the
  /// file or tensor at fault (see the loaders).
  static result<std::unique_ptr<model_engine>> load(const std::filesystem::path& folder,
                                                    backend_choice choice);

  /// The folder's name: the model id clients ask for.
  const std::string& id() const { return id_; }
  const hash256& weights_hash() const { return weights_hash_; }
  const model_config& config() const { return backend_->config(); }
  const tokenizer& tokens() const { return tokenizer_; }
  std::string_view backend_name() const { return backend_->name(); }

  /// A completion prompt as the model's tokenizer encodes it with its special tokens (BOS).
  std::vector<uint32_t> encode_prompt(std::string_view text) const;
  /// Chat messages rendered with the model's chat template (with the assistant's opening).
  std::vector<uint32_t> encode_chat(std::span<const role_content> messages) const;

  result<generated> run(std::span<const uint32_t> prompt_ids, const generate_options& options,
                        const text_sink& on_text = {});
  /// A continuous-batching scheduler over this model's backend and tokenizer (scheduler.hpp).
  /// It borrows both: destroy it before this engine, and while it steps, call neither run nor
  /// embed from another thread (the backend is not thread-safe).
  /// REQUIRES: limits as documented on scheduler_limits.
  std::unique_ptr<scheduler> make_scheduler(scheduler_limits limits);
  /// The embedding of the input `ids`: mean-pooled, L2-normalised final hidden states.
  /// Errors: invalid_argument (no ids, an id outside the vocabulary), limit_exceeded (over the
  /// context).
  result<std::vector<float>> embed(std::span<const uint32_t> ids);

 private:
  model_engine(std::string id, hash256 weights_hash, tokenizer tokens,
               std::unique_ptr<backend> compute);

  std::string id_;
  hash256 weights_hash_;
  tokenizer tokenizer_;
  std::unique_ptr<backend> backend_;
};

}  // namespace agora::kernels
