// Mapping and validating one .safetensors file (kernels/model/safetensors_file.hpp).
#include "kernels/model/safetensors_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "kernels/model/json_file.hpp"

namespace agora::kernels {

namespace json = boost::json;

size_t safetensors_dtype_bytes(const std::string& dtype) {
  static const std::pair<const char*, size_t> sizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2},  {"BF16", 2},    {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},   {"U64", 8},     {"U32", 4},
      {"U16", 2}, {"U8", 1},  {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  for (const auto& [name, bytes] : sizes)
    if (dtype == name)
      return bytes;
  return 0;
}

namespace {

// The file's size, mapped read-only; the descriptor is closed before returning.
result<std::pair<const std::byte*, size_t>> map_file(const std::filesystem::path& path,
                                                     const std::string& name) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const errc code = errno == ENOENT ? errc::not_found : errc::io_error;
    return make_error(code, name + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return make_error(errc::io_error, name + ": " + std::strerror(errno));
  }
  const size_t bytes = static_cast<size_t>(info.st_size);
  if (bytes < 8) {
    ::close(fd);
    return make_error(errc::corrupt, name + ": " + std::to_string(bytes) +
                                         " bytes, shorter than the 8-byte header length");
  }
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED)
    return make_error(errc::io_error, name + ": mmap failed: " + std::strerror(errno));
  return std::pair{static_cast<const std::byte*>(map), bytes};
}

uint64_t read_u64_le(const std::byte* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

// shape × element size, or nullopt on overflow.
std::optional<uint64_t> tensor_bytes(const std::vector<uint64_t>& shape, size_t element) {
  uint64_t bytes = element;
  for (uint64_t dim : shape) {
    if (dim != 0 && bytes > UINT64_MAX / dim)
      return std::nullopt;
    bytes *= dim;
  }
  return bytes;
}

std::optional<std::vector<uint64_t>> u64_list(const json::value* value) {
  if (value == nullptr || !value->is_array())
    return std::nullopt;
  std::vector<uint64_t> list;
  for (const json::value& item : value->get_array()) {
    if (item.is_uint64())
      list.push_back(item.get_uint64());
    else if (item.is_int64() && item.get_int64() >= 0)
      list.push_back(static_cast<uint64_t>(item.get_int64()));
    else
      return std::nullopt;
  }
  return list;
}

}  // namespace

result<std::unique_ptr<safetensors_file>>
safetensors_file::open(const std::filesystem::path& path) {
  auto file = std::make_unique<safetensors_file>(passkey{});
  file->name_ = path.filename().string();
  auto mapped = map_file(path, file->name_);
  if (!mapped)
    return mapped.error();
  file->map_ = mapped->first;
  file->map_bytes_ = mapped->second;
  const uint64_t header_bytes = read_u64_le(file->map_);
  if (header_bytes > safetensors_header_bytes_max)
    return make_error(errc::malformed, file->name_ + ": header length " +
                                           std::to_string(header_bytes) + " is over the limit");
  if (header_bytes > file->map_bytes_ - 8)
    return make_error(errc::corrupt, file->name_ + ": header length " +
                                         std::to_string(header_bytes) + " runs past the file end");
  std::span<const std::byte> all(file->map_, file->map_bytes_);
  if (status s = file->parse_header(all.subspan(8, header_bytes), all.subspan(8 + header_bytes));
      !s)
    return s.error();
  return file;
}

safetensors_file::~safetensors_file() {
  if (map_ != nullptr)
    ::munmap(const_cast<std::byte*>(map_), map_bytes_);
}

status safetensors_file::parse_header(std::span<const std::byte> header,
                                      std::span<const std::byte> data) {
  std::error_code ec;
  const std::string_view text(reinterpret_cast<const char*>(header.data()), header.size());
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object())
    return make_error(errc::malformed, name_ + ": the header is not a JSON object");
  for (const auto& [key, entry] : root.get_object()) {
    if (key == "__metadata__")
      continue;
    if (status s = add_tensor(std::string(key), entry, data); !s)
      return s;
  }
  // No two tensors may share bytes: sorted by start, each ends before the next begins.
  std::vector<std::pair<const std::byte*, const std::string*>> starts;
  for (const auto& [key, tensor] : tensors_)
    if (!tensor.bytes.empty())
      starts.emplace_back(tensor.bytes.data(), &key);
  std::sort(starts.begin(), starts.end());
  for (size_t i = 1; i < starts.size(); ++i) {
    const safetensors_tensor& before = tensors_.at(*starts[i - 1].second);
    if (before.bytes.data() + before.bytes.size() > starts[i].first)
      return make_error(errc::malformed, name_ + ": tensor " + *starts[i].second +
                                             " overlaps tensor " + *starts[i - 1].second);
  }
  return {};
}

status safetensors_file::add_tensor(const std::string& key, const json::value& entry,
                                    std::span<const std::byte> data) {
  const std::string where = name_ + ": tensor " + key;
  const json::object* fields = entry.if_object();
  const json::value* type = fields ? fields->if_contains("dtype") : nullptr;
  if (type == nullptr || !type->is_string())
    return make_error(errc::malformed, where + " has no dtype string");
  safetensors_tensor tensor;
  tensor.dtype = std::string(type->get_string());
  const size_t element = safetensors_dtype_bytes(tensor.dtype);
  if (element == 0)
    return make_error(errc::unsupported, where + " has unknown dtype " + tensor.dtype);
  auto shape = u64_list(fields->if_contains("shape"));
  auto offsets = u64_list(fields->if_contains("data_offsets"));
  if (!shape)
    return make_error(errc::malformed, where + " has no shape list");
  if (!offsets || offsets->size() != 2 || (*offsets)[0] > (*offsets)[1])
    return make_error(errc::malformed, where + " has no data_offsets [begin, end]");
  if ((*offsets)[1] > data.size())
    return make_error(errc::corrupt, where + " ends at byte " + std::to_string((*offsets)[1]) +
                                         " past the data's " + std::to_string(data.size()));
  auto bytes = tensor_bytes(*shape, element);
  if (!bytes || *bytes != (*offsets)[1] - (*offsets)[0])
    return make_error(errc::malformed, where + ": data_offsets do not match shape × dtype size");
  tensor.shape = std::move(*shape);
  tensor.bytes = data.subspan((*offsets)[0], *bytes);
  tensors_.emplace(key, std::move(tensor));
  return {};
}

const safetensors_tensor* safetensors_file::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

}  // namespace agora::kernels
