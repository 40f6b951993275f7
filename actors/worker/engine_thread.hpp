// The worker's own thread for engines that block (engine::blocks): one job at a time, run in
// order; the job reports back to its actor by message. Destroying the thread finishes the
// running job, drops the waiting ones and joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace agora::actors {

class engine_thread {
 public:
  engine_thread();
  ~engine_thread();
  engine_thread(const engine_thread&) = delete;
  engine_thread& operator=(const engine_thread&) = delete;

  /// Queues `job` behind the others. Thread-safe.
  void post(std::function<void()> job);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;                   // GUARDED_BY(mutex_)
  std::thread thread_;                      // last: starts after the members above exist
};

}  // namespace agora::actors
