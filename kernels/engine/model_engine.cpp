// model_engine: loading a folder onto a backend, prompt encoding, generation and embeddings.
#include "kernels/engine/model_engine.hpp"

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/device_info.hpp"
#ifdef AGORA_WITH_CUDA
#include "kernels/cuda/cuda_backend.hpp"
#endif
#include "kernels/engine/weights_hash.hpp"

namespace agora::kernels {
namespace {

// CUDA when asked for, or when automatic and this build has it and a GPU is visible.
bool wants_cuda(backend_choice choice) {
  if (choice != backend_choice::automatic)
    return choice == backend_choice::cuda;
  gpu_inventory gpus = query_gpus();
  return gpus.cuda_built && !gpus.gpus.empty();
}

result<std::unique_ptr<backend>> open_backend(const std::filesystem::path& folder,
                                              backend_choice choice) {
  if (wants_cuda(choice)) {
#ifdef AGORA_WITH_CUDA
    auto cuda = cuda_backend::load(folder);
    if (!cuda)
      return cuda.error();
    return std::unique_ptr<backend>(std::move(*cuda));
#else
    return make_error(errc::unsupported,
                      "this build has no CUDA backend (nvcc was not found when it was built); "
                      "use --backend cpu");
#endif
  }
  auto cpu = cpu_backend::load(folder);
  if (!cpu)
    return cpu.error();
  return std::unique_ptr<backend>(std::move(*cpu));
}

}  // namespace

std::string model_id_of(const std::filesystem::path& folder) {
  std::filesystem::path normal = std::filesystem::absolute(folder).lexically_normal();
  if (normal.filename().empty())
    normal = normal.parent_path();  // a trailing slash
  return normal.filename().string();
}

result<backend_choice> parse_backend_choice(std::string_view text) {
  if (text == "auto")
    return backend_choice::automatic;
  if (text == "cpu")
    return backend_choice::cpu;
  if (text == "cuda")
    return backend_choice::cuda;
  return make_error(errc::invalid_argument,
                    "unknown backend '" + std::string(text) + "' (auto, cpu or cuda)");
}

result<std::unique_ptr<model_engine>> model_engine::load(const std::filesystem::path& folder,
                                                         backend_choice choice) {
  auto tokens = tokenizer::load(folder);
  if (!tokens)
    return tokens.error();
  auto compute = open_backend(folder, choice);
  if (!compute)
    return compute.error();
  if (tokens->vocab_size() > (*compute)->config().vocab_size) {
    return make_error(errc::invalid_argument,
                      folder.string() + ": tokenizer.json has " +
                          std::to_string(tokens->vocab_size()) + " tokens, more than the " +
                          std::to_string((*compute)->config().vocab_size) + " the model has");
  }
  auto hash = folder_weights_hash(folder);
  if (!hash)
    return hash.error();
  return std::unique_ptr<model_engine>(
      new model_engine(model_id_of(folder), *hash, std::move(*tokens), std::move(*compute)));
}

model_engine::model_engine(std::string id, hash256 weights_hash, tokenizer tokens,
                           std::unique_ptr<backend> compute)
    : id_(std::move(id)), weights_hash_(weights_hash), tokenizer_(std::move(tokens)),
      backend_(std::move(compute)) {
  AGORA_ASSERT(backend_ != nullptr);
  AGORA_ASSERT(!id_.empty());
}

std::vector<uint32_t> model_engine::encode_prompt(std::string_view text) const {
  return tokenizer_.encode(text, /*add_special=*/true);
}

std::vector<uint32_t> model_engine::encode_chat(std::span<const role_content> messages) const {
  const chat_template& chat = tokenizer_.chat();
  std::string text = chat.render(messages, /*add_generation_prompt=*/true);
  return tokenizer_.encode(text, chat.encode_add_special());
}

result<generated> model_engine::run(std::span<const uint32_t> prompt_ids,
                                    const generate_options& options, const text_sink& on_text) {
  return generate(*backend_, tokenizer_, prompt_ids, options, on_text);
}

std::unique_ptr<scheduler> model_engine::make_scheduler(scheduler_limits limits) {
  AGORA_ASSERT(limits.batch_max >= 1);
  return std::make_unique<scheduler>(*backend_, tokenizer_, limits);
}

result<std::vector<float>> model_engine::embed(std::span<const uint32_t> ids) {
  if (ids.empty())
    return make_error(errc::invalid_argument, "the input has no tokens");
  if (ids.size() > config().max_positions) {
    return make_error(errc::limit_exceeded, "the input has " + std::to_string(ids.size()) +
                                                " tokens, over the model's context of " +
                                                std::to_string(config().max_positions));
  }
  return backend_->embed(ids);
}

}  // namespace agora::kernels
