// Several engines behind one (DESIGN §6): a provider serves mock-model beside its model folders,
// each request going to the engine that serves its model. Model ids are unique across the set.
#pragma once

#include <memory>
#include <vector>

#include "actors/worker/engine.hpp"

namespace agora::actors {

class engine_set final : public engine {
 public:
  /// Errors: already_exists (two engines serve the same model id). REQUIRES: engines non-empty.
  static result<std::shared_ptr<engine_set>> make(std::vector<std::shared_ptr<engine>> engines);

  std::vector<model_info> models() const override;
  result<generation> generate(const generation_request& request) override;
  /// True when any member blocks: the worker then runs every request off its actor thread.
  bool blocks() const override;
  /// The asynchronous path of the member serving request.model (engine.hpp): a batching model
  /// folder beside mock-model batches its own requests while mock-model's stay synchronous.
  bool batches(const generation_request& request) const override;
  status start(const generation_request& request, chunk_callback on_chunk,
               done_callback on_done) override;
  /// Reaches every member: request ids are unique across the set's callers (the worker numbers
  /// them), and a member ignores ids it does not hold.
  void cancel(uint64_t request_id) override;

 private:
  explicit engine_set(std::vector<std::shared_ptr<engine>> engines);
  // The member that lists `model`, or null.
  engine* member_of(const std::string& model) const;

  std::vector<std::shared_ptr<engine>> engines_;
};

}  // namespace agora::actors
