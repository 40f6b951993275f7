// A uniquely named directory for an on-disk benchmark, removed with its contents at the end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace agora::bench {

class scratch_dir {
 public:
  /// Creates <parent>/agora-bench-<tag>-XXXXXX; ok() is false if that failed.
  scratch_dir(const std::string& parent, const std::string& tag) {
    std::string name = parent + "/agora-bench-" + tag + "-XXXXXX";
    if (mkdtemp(name.data()) != nullptr)
      path_ = name;
  }
  ~scratch_dir() {
    std::error_code ignored;  // best effort: a leftover directory is not a measurement error
    if (!path_.empty())
      std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace agora::bench
