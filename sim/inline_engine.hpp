// The simulation's wrapper for engines that take real time (docs/SIMULATION.md "Model folders"):
// a model folder on the CPU engine (actors/worker/folder_engine.hpp) declares blocks() and
// batches(), which would put it on a thread of the worker's. Wrapped here it reports neither, so
// the worker and the arbiter run each request inline, one at a time, inside the world's single
// thread, and virtual execution time comes from token counts as for mock-model.
#pragma once

#include <filesystem>
#include <memory>

#include "actors/worker/engine.hpp"

namespace agora::sim {

class inline_engine final : public actors::engine {
 public:
  /// REQUIRES: inner not null.
  explicit inline_engine(std::shared_ptr<actors::engine> inner);
  /// A model folder on the CPU backend, wrapped. Errors: those of folder_engine::load.
  static result<std::shared_ptr<inline_engine>> load_folder(const std::filesystem::path& folder);

  std::vector<actors::model_info> models() const override { return inner_->models(); }
  /// The inner engine's generate: it returns only once the generation is complete.
  result<actors::generation> generate(const actors::generation_request& request) override;
  bool blocks() const override { return false; }
  bool batches(const actors::generation_request&) const override { return false; }

 private:
  std::shared_ptr<actors::engine> inner_;
};

}  // namespace agora::sim
