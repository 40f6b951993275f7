// The worker's engine thread (engine_thread.hpp).

#include "actors/worker/engine_thread.hpp"

#include "core/assert.hpp"

namespace agora::actors {

engine_thread::engine_thread() : thread_([this] { loop(); }) {}

engine_thread::~engine_thread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_one();
  AGORA_ASSERT(thread_.joinable());
  thread_.join();
}

void engine_thread::post(std::function<void()> job) {
  AGORA_ASSERT(job != nullptr);
  {
    std::lock_guard lock(mutex_);
    AGORA_ASSERT(!stopping_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void engine_thread::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_)
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace agora::actors
