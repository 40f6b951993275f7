// Elapsed time for benchmark loops. Benchmarks measure the host, so they read the steady clock
// directly; the determinism rule of DESIGN §4 binds actors, net bridges and the simulation.
#pragma once

#include <chrono>

namespace agora::bench {

class stopwatch {
 public:
  stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace agora::bench
