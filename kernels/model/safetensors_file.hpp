// One memory-mapped .safetensors file (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
// then the raw little-endian data. The header is validated in full when the file opens.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace agora::kernels {

/// A header longer than this is refused (the reference implementation's limit).
inline constexpr uint64_t safetensors_header_bytes_max = 100ull << 20;

/// Where one tensor lies in a mapped file.
struct safetensors_tensor {
  std::string dtype;  // as written: "F32", "BF16", "I64", …
  std::vector<uint64_t> shape;
  std::span<const std::byte> bytes;  // inside the mapping; unaligned in general
};

class safetensors_file {
 public:
  /// Maps `path` read-only and validates its header: the length within the file, every entry
  /// with a known dtype, a shape and data_offsets inside the data and equal to shape × dtype size,
  /// no two tensors overlapping. `__metadata__` is ignored.
  /// Errors (each names the file, and the tensor where one is at fault): not_found, io_error,
  /// corrupt (truncated: the header or a tensor's bytes past the end of the file),
  /// malformed (a header that does not parse or is inconsistent), unsupported (unknown dtype).
  static result<std::unique_ptr<safetensors_file>> open(const std::filesystem::path& path);

  /// Use open(); the key keeps construction inside this class.
  struct passkey {};
  explicit safetensors_file(passkey) {}
  ~safetensors_file();
  safetensors_file(const safetensors_file&) = delete;
  safetensors_file& operator=(const safetensors_file&) = delete;

  /// The named tensor, or nullptr.
  const safetensors_tensor* find(const std::string& name) const;
  const std::map<std::string, safetensors_tensor>& tensors() const { return tensors_; }
  /// The file name, for error messages ("model.safetensors").
  const std::string& name() const { return name_; }

 private:
  status parse_header(std::span<const std::byte> header, std::span<const std::byte> data);
  status add_tensor(const std::string& key, const boost::json::value& entry,
                    std::span<const std::byte> data);

  std::string name_;
  const std::byte* map_ = nullptr;
  size_t map_bytes_ = 0;
  std::map<std::string, safetensors_tensor> tensors_;
};

/// Bytes per element of a safetensors dtype name, 0 when the name is unknown.
size_t safetensors_dtype_bytes(const std::string& dtype);

}  // namespace agora::kernels
