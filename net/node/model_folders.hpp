// The engine a provider serves with (DESIGN §6, §8): mock-model or an external server, beside one
// engine per Hugging Face model folder given with --model, on the CPU or CUDA backend.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/worker/engine.hpp"

namespace agora::net {

struct model_folders {
  std::vector<std::filesystem::path> folders;
  std::string backend = "auto";  // auto, cpu or cuda
};

/// `base` alone when there are no folders, else `base` and every folder in one engine_set.
/// Errors name the folder and what is wrong with it.
result<std::shared_ptr<actors::engine>> serve_with_models(std::shared_ptr<actors::engine> base,
                                                          const model_folders& models);

}  // namespace agora::net
