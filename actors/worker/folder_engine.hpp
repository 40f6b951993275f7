// A Hugging Face model folder served through the inference engine of kernels/ (DESIGN §8): the
// worker's engine interface over kernels::model_engine. Prompts are tokenized with the model's
// tokenizer, chat messages rendered with its chat template; one chunk per completion token,
// carrying the text that token made final. Requests run together on a continuous-batching
// scheduler (kernels/engine/scheduler.hpp) stepped by the engine's own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "actors/worker/engine.hpp"
#include "kernels/engine/model_engine.hpp"

namespace agora::actors {

/// The scheduler a folder engine runs: the kernels defaults, with room for every request a
/// provider may hold at once (provider_options::max_concurrency ≤ 4096) so that none is refused
/// for lack of a slot; those beyond batch_max wait inside the scheduler.
kernels::scheduler_limits folder_scheduler_limits();

/// Threads: start, cancel and generate may be called from any thread. The stepping thread owns
/// the scheduler and the backend: it runs the steps, the embeddings (between steps) and every
/// callback. generate() is start() plus a wait, so it never races the batch for the backend.
/// Destruction stops the thread after ending every request still held with io_error (on_done
/// is called for each, nothing is dropped silently), then joins it.
class folder_engine final : public engine {
 public:
  /// Loads the folder (errors name the file or tensor at fault).
  /// REQUIRES: limits as documented on kernels::scheduler_limits.
  static result<std::shared_ptr<folder_engine>>
  load(const std::filesystem::path& folder, kernels::backend_choice choice,
       kernels::scheduler_limits limits = folder_scheduler_limits());
  ~folder_engine() override;
  folder_engine(const folder_engine&) = delete;
  folder_engine& operator=(const folder_engine&) = delete;

  std::vector<model_info> models() const override;
  /// Errors: not_found (another model), invalid_argument (bad sampling, a token id outside the
  /// vocabulary), limit_exceeded (a prompt over the context). Any request.id will do: the run
  /// uses an id of its own, which never collides with those given to start.
  result<generation> generate(const generation_request& request) override;
  bool blocks() const override { return true; }
  bool batches(const generation_request&) const override { return true; }
  /// Errors: as generate, found before anything runs; already_exists (request.id is held).
  /// Ids from 2^63 up are generate's own: callers of start use smaller ones.
  status start(const generation_request& request, chunk_callback on_chunk,
               done_callback on_done) override;
  void cancel(uint64_t request_id) override;

 private:
  /// An embedding waiting for the stepping thread.
  struct embed_job {
    uint64_t request_id = 0;
    std::vector<uint32_t> ids;
    done_callback on_done;
  };

  folder_engine(std::unique_ptr<kernels::model_engine> model, kernels::scheduler_limits limits);
  // The request's input as token ids: chat messages templated, a prompt tokenized.
  std::vector<uint32_t> prompt_ids(const generation_request& request) const;
  result<generation> embed(uint64_t request_id, std::span<const uint32_t> ids);
  status start_generation(const generation_request& request, std::vector<uint32_t> prompt,
                          chunk_callback on_chunk, done_callback on_done);
  // The request `id` ended (stepping thread): forgets it, then calls on_done.
  void ended(uint64_t id, const done_callback& on_done, result<generation> outcome);
  void loop();
  // Ends every request still held with io_error and runs the scheduler until idle.
  void drain();

  std::unique_ptr<kernels::model_engine> model_;
  model_info info_;
  std::unique_ptr<kernels::scheduler> scheduler_;  // over model_'s backend: destroyed first

  std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_set<uint64_t> live_;  // GUARDED_BY(mutex_): started, on_done not yet called
  std::deque<embed_job> embeds_;       // GUARDED_BY(mutex_)
  bool submitted_ = false;             // GUARDED_BY(mutex_): the scheduler got a request
  bool stopping_ = false;              // GUARDED_BY(mutex_)
  std::atomic<uint64_t> generate_calls_{0};
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace agora::actors
