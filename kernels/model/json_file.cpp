// Reading the JSON files of a model folder and typed field access with errors that name the file
// and the field (kernels/model/json_file.hpp).
#include "kernels/model/json_file.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace agora::kernels {

namespace json = boost::json;

result<json::object> read_json_object(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(errc::not_found, name + ": no such file in " + path.parent_path().string());
  const uint64_t bytes = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::io_error, name + ": " + ec.message());
  if (bytes > json_file_bytes_max)
    return make_error(errc::too_large, name + ": " + std::to_string(bytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof())
    return make_error(errc::io_error, name + ": read failed");
  json::value value = json::parse(text.str(), ec);
  if (ec)
    return make_error(errc::malformed, name + ": not valid JSON (" + ec.message() + ")");
  if (!value.is_object())
    return make_error(errc::malformed, name + ": not a JSON object");
  return std::move(value.get_object());
}

std::optional<uint32_t> json_to_u32(const json::value& value) {
  if (value.is_int64() && value.get_int64() >= 0 && value.get_int64() <= UINT32_MAX)
    return static_cast<uint32_t>(value.get_int64());
  if (value.is_uint64() && value.get_uint64() <= UINT32_MAX)
    return static_cast<uint32_t>(value.get_uint64());
  return std::nullopt;
}

const json::value* json_fields::find(std::string_view key) const {
  const json::value* value = object_.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

bool json_fields::has(std::string_view key) const {
  return find(key) != nullptr;
}

agora::error json_fields::fail(errc code, std::string_view key, std::string_view what) const {
  return make_error(code, file_ + ": " + std::string(key) + " " + std::string(what));
}

result<uint32_t> json_fields::u32(std::string_view key) const {
  const json::value* value = find(key);
  if (value == nullptr)
    return fail(errc::malformed, key, "is missing");
  std::optional<uint32_t> number = json_to_u32(*value);
  if (!number)
    return fail(errc::malformed, key, "must be an integer in [0, 2^32)");
  return *number;
}

result<uint32_t> json_fields::u32_or(std::string_view key, uint32_t fallback) const {
  return has(key) ? u32(key) : result<uint32_t>(fallback);
}

result<double> json_fields::number_or(std::string_view key, double fallback) const {
  const json::value* value = find(key);
  if (value == nullptr)
    return fallback;
  if (value->is_double())
    return value->get_double();
  if (value->is_int64())
    return static_cast<double>(value->get_int64());
  if (value->is_uint64())
    return static_cast<double>(value->get_uint64());
  return fail(errc::malformed, key, "must be a number");
}

result<std::string> json_fields::string_or(std::string_view key, std::string_view fallback) const {
  const json::value* value = find(key);
  if (value == nullptr)
    return std::string(fallback);
  if (!value->is_string())
    return fail(errc::malformed, key, "must be a string");
  return std::string(value->get_string());
}

result<bool> json_fields::boolean_or(std::string_view key, bool fallback) const {
  const json::value* value = find(key);
  if (value == nullptr)
    return fallback;
  if (!value->is_bool())
    return fail(errc::malformed, key, "must be true or false");
  return value->get_bool();
}

}  // namespace agora::kernels
