// Reading the small JSON files of a Hugging Face model folder (config.json, generation_config.json,
// model.safetensors.index.json) with Boost.JSON, and typed field access whose errors name the
// file and the field ("config.json: hidden_size must be a positive integer").
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

/// Assigns the value of a result-returning `expr` to `target`, or returns its error.
#define AGORA_KERNELS_ASSIGN(target, expr)                                                         \
  do {                                                                                             \
    auto agora_assign_result_ = (expr);                                                            \
    if (!agora_assign_result_)                                                                     \
      return agora_assign_result_.error();                                                         \
    target = std::move(*agora_assign_result_);                                                     \
  } while (false)

namespace agora::kernels {

/// Files bigger than this are not model metadata: refused with too_large.
inline constexpr uint64_t json_file_bytes_max = 64ull << 20;

/// Reads and parses `path` as one JSON object. Errors: not_found (no such file), io_error,
/// too_large, malformed (not JSON or not an object); each names the file.
result<boost::json::object> read_json_object(const std::filesystem::path& path);

/// Typed access to one JSON object; `file` ("config.json") prefixes every error message.
class json_fields {
 public:
  json_fields(const boost::json::object& object, std::string file)
      : object_(object), file_(std::move(file)) {}

  /// True when `key` is present and not null.
  bool has(std::string_view key) const;
  /// A required non-negative integer that fits 32 bits. Errors: malformed.
  result<uint32_t> u32(std::string_view key) const;
  /// Like u32, but `fallback` when the key is absent or null.
  result<uint32_t> u32_or(std::string_view key, uint32_t fallback) const;
  /// A number (integer or floating point), `fallback` when absent or null. Errors: malformed.
  result<double> number_or(std::string_view key, double fallback) const;
  /// A string, `fallback` when absent or null. Errors: malformed.
  result<std::string> string_or(std::string_view key, std::string_view fallback) const;
  /// A bool, `fallback` when absent or null. Errors: malformed.
  result<bool> boolean_or(std::string_view key, bool fallback) const;
  /// The error "<file>: <key> <what>" with `code`.
  agora::error fail(errc code, std::string_view key, std::string_view what) const;

  const boost::json::object& object() const { return object_; }
  const std::string& file() const { return file_; }

 private:
  const boost::json::value* find(std::string_view key) const;

  const boost::json::object& object_;
  std::string file_;
};

/// A JSON number as a u32 when it is a whole number in range; nullopt otherwise.
std::optional<uint32_t> json_to_u32(const boost::json::value& value);

}  // namespace agora::kernels
