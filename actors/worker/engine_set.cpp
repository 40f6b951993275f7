// engine_set: routes each request to the member engine that lists its model.
#include "actors/worker/engine_set.hpp"

#include <algorithm>
#include <set>

namespace agora::actors {

result<std::shared_ptr<engine_set>> engine_set::make(std::vector<std::shared_ptr<engine>> engines) {
  AGORA_ASSERT(!engines.empty());
  std::set<std::string> ids;
  for (const auto& member : engines) {
    AGORA_ASSERT(member != nullptr);
    for (const model_info& m : member->models()) {
      if (!ids.insert(m.id).second) {
        return make_error(errc::already_exists, "two engines serve a model named '" + m.id + "'");
      }
    }
  }
  return std::shared_ptr<engine_set>(new engine_set(std::move(engines)));
}

engine_set::engine_set(std::vector<std::shared_ptr<engine>> engines)
    : engines_(std::move(engines)) {}

std::vector<model_info> engine_set::models() const {
  std::vector<model_info> all;
  for (const auto& member : engines_) {
    auto models = member->models();
    all.insert(all.end(), models.begin(), models.end());
  }
  return all;
}

engine* engine_set::member_of(const std::string& model) const {
  for (const auto& member : engines_) {
    auto models = member->models();
    bool serves = std::any_of(models.begin(), models.end(),
                              [&](const model_info& m) { return m.id == model; });
    if (serves)
      return member.get();
  }
  return nullptr;
}

result<generation> engine_set::generate(const generation_request& request) {
  if (engine* member = member_of(request.model))
    return member->generate(request);
  return make_error(errc::not_found, "no engine serves model '" + request.model + "'");
}

bool engine_set::blocks() const {
  return std::any_of(engines_.begin(), engines_.end(), [](const auto& e) { return e->blocks(); });
}

bool engine_set::batches(const generation_request& request) const {
  const engine* member = member_of(request.model);
  return member != nullptr && member->batches(request);
}

status engine_set::start(const generation_request& request, chunk_callback on_chunk,
                         done_callback on_done) {
  AGORA_ASSERT(on_chunk != nullptr);
  AGORA_ASSERT(on_done != nullptr);
  engine* member = member_of(request.model);
  if (member == nullptr)
    return make_error(errc::not_found, "no engine serves model '" + request.model + "'");
  return member->start(request, std::move(on_chunk), std::move(on_done));
}

void engine_set::cancel(uint64_t request_id) {
  for (const auto& member : engines_)
    member->cancel(request_id);
}

}  // namespace agora::actors
