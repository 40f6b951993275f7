// serve_with_models: loads each model folder and joins it to the base engine.
#include "net/node/model_folders.hpp"

#include <spdlog/spdlog.h>

#include "actors/worker/engine_set.hpp"
#include "actors/worker/folder_engine.hpp"

namespace agora::net {

result<std::shared_ptr<actors::engine>> serve_with_models(std::shared_ptr<actors::engine> base,
                                                          const model_folders& models) {
  AGORA_ASSERT(base != nullptr);
  if (models.folders.empty())
    return base;
  auto choice = kernels::parse_backend_choice(models.backend);
  if (!choice)
    return make_error(choice.error().code, "--backend: " + choice.error().message);
  std::vector<std::shared_ptr<actors::engine>> engines{std::move(base)};
  for (const auto& folder : models.folders) {
    auto loaded = actors::folder_engine::load(folder, *choice);
    if (!loaded) {
      return make_error(loaded.error().code,
                        "--model " + folder.string() + ": " + loaded.error().message);
    }
    const actors::model_info info = (*loaded)->models().front();
    spdlog::info("serving model {} from {} ({}, {} tokens of context)", info.id, folder.string(),
                 info.served_by.engine_version, info.max_context);
    engines.push_back(std::move(*loaded));
  }
  auto set = actors::engine_set::make(std::move(engines));
  if (!set)
    return set.error();
  return std::shared_ptr<actors::engine>(std::move(*set));
}

}  // namespace agora::net
