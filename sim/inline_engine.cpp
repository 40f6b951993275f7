// An engine run inline by the simulation (inline_engine.hpp).
#include "sim/inline_engine.hpp"

#include "actors/worker/folder_engine.hpp"
#include "core/assert.hpp"

namespace agora::sim {

inline_engine::inline_engine(std::shared_ptr<actors::engine> inner) : inner_(std::move(inner)) {
  AGORA_ASSERT(inner_ != nullptr);
}

result<std::shared_ptr<inline_engine>>
inline_engine::load_folder(const std::filesystem::path& folder) {
  auto loaded = actors::folder_engine::load(folder, kernels::backend_choice::cpu);
  if (!loaded)
    return loaded.error();
  AGORA_ASSERT(*loaded != nullptr);
  return std::make_shared<inline_engine>(std::move(*loaded));
}

result<actors::generation> inline_engine::generate(const actors::generation_request& request) {
  result<actors::generation> out = inner_->generate(request);
  AGORA_ASSERT(!out || out->request_id == request.id);
  return out;
}

}  // namespace agora::sim
