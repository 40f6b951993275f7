// The benchmark report every agora-bench suite fills: one row per figure, each beside the
// reference it is compared with, printed as an aligned table or as one JSON object.
#pragma once

#include <string>
#include <vector>

namespace agora::bench {

struct figure {
  std::string name;       // "verify (recover + compare)"
  double value = 0;       // the measured number
  std::string unit;       // "ops/s", "µs", "MB/s"
  std::string reference;  // what it is compared with, as text ("libsecp256k1: ~21k/s/core")
};

class report {
 public:
  explicit report(std::string suite) : suite_(std::move(suite)) {}
  void add(figure f) { figures_.push_back(std::move(f)); }
  /// A fact about the run (machine, sizes, settings), printed above the table.
  void note(std::string key, std::string value);

  std::string table() const;
  std::string json() const;
  const std::vector<figure>& figures() const { return figures_; }

 private:
  std::string suite_;
  std::vector<std::pair<std::string, std::string>> notes_;
  std::vector<figure> figures_;
};

/// Settings every suite accepts.
struct options {
  double seconds = 1.0;  // time budget per figure
  std::string scratch_dir = "/tmp";
};

}  // namespace agora::bench
