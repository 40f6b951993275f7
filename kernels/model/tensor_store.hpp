// The weights of a Hugging Face model folder: model.safetensors, or the shards that
// model.safetensors.index.json lists in its weight_map, all memory-mapped. Backends ask for one
// named tensor at a time, converted to fp32 and checked against the shape they expect.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kernels/model/safetensors_file.hpp"

namespace agora::kernels {

class tensor_store {
 public:
  /// Opens <folder>/model.safetensors, else <folder>/model.safetensors.index.json and every
  /// shard it names. Errors: not_found (neither file, or a listed shard missing), malformed
  /// (a bad index, a tensor the index places in a shard that lacks it), and those of
  /// safetensors_file::open.
  static result<tensor_store> open(const std::filesystem::path& folder);

  /// True when the store holds `name`.
  bool contains(const std::string& name) const;
  /// The dims of `name`. REQUIRES: contains(name).
  const std::vector<uint64_t>& shape(const std::string& name) const;

  /// `name` converted to fp32 (F32, BF16 and F16 exactly), row-major.
  /// Errors: not_found (no such tensor), malformed ("model.safetensors: tensor X has shape [64,32],
  /// expected [64,64]"), unsupported (a dtype other than F32, BF16, F16).
  result<std::vector<float>> load_f32(const std::string& name,
                                      std::span<const uint64_t> expected_shape) const;

 private:
  struct located {
    const safetensors_file* file;
    const safetensors_tensor* tensor;
  };
  status add_file(std::unique_ptr<safetensors_file> file);
  static result<tensor_store> open_sharded(const std::filesystem::path& folder);

  std::vector<std::unique_ptr<safetensors_file>> files_;
  std::map<std::string, located> tensors_;
};

/// "[64,32]": how shapes appear in error messages.
std::string shape_to_string(std::span<const uint64_t> shape);

}  // namespace agora::kernels
