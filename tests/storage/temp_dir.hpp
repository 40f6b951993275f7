// A uniquely named directory under /tmp for one test's on-disk store, removed with everything
// in it when the test ends.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/assert.hpp"

namespace agora::storage::testing {

class temp_dir {
 public:
  temp_dir() {
    std::string name = "/tmp/agora-storage-test-XXXXXX";
    AGORA_ASSERT(mkdtemp(name.data()) != nullptr);
    path_ = name;
    AGORA_ASSERT(std::filesystem::is_directory(path_));
  }
  ~temp_dir() {
    std::error_code ignored;  // best effort: a leftover directory must not fail a test
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  /// A path inside the directory.
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace agora::storage::testing
