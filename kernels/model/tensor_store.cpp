// The weights of a model folder, single-file or sharded, converted to fp32 on request
// (kernels/model/tensor_store.hpp).
#include "kernels/model/tensor_store.hpp"

#include <bit>
#include <cstring>
#include <set>

#include "kernels/model/float_convert.hpp"
#include "kernels/model/json_file.hpp"

namespace agora::kernels {

namespace json = boost::json;

static_assert(std::endian::native == std::endian::little, "F32 tensors are copied as they lie");

std::string shape_to_string(std::span<const uint64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i == 0 ? "" : ",") + std::to_string(shape[i]);
  return text + "]";
}

status tensor_store::add_file(std::unique_ptr<safetensors_file> file) {
  for (const auto& [name, tensor] : file->tensors()) {
    auto [it, inserted] = tensors_.emplace(name, located{file.get(), &tensor});
    if (!inserted)
      return make_error(errc::malformed, file->name() + ": tensor " + name + " is also in " +
                                             it->second.file->name());
  }
  files_.push_back(std::move(file));
  return {};
}

result<tensor_store> tensor_store::open(const std::filesystem::path& folder) {
  std::error_code ec;
  const std::filesystem::path single = folder / "model.safetensors";
  if (!std::filesystem::exists(single, ec))
    return open_sharded(folder);
  tensor_store store;
  auto file = safetensors_file::open(single);
  if (!file)
    return file.error();
  if (status s = store.add_file(std::move(*file)); !s)
    return s.error();
  return store;
}

result<tensor_store> tensor_store::open_sharded(const std::filesystem::path& folder) {
  const std::string index_name = "model.safetensors.index.json";
  std::error_code ec;
  if (!std::filesystem::exists(folder / index_name, ec))
    return make_error(errc::not_found,
                      "no model.safetensors or " + index_name + " in " + folder.string());
  json::object index;
  AGORA_KERNELS_ASSIGN(index, read_json_object(folder / index_name));
  const json::value* map = index.if_contains("weight_map");
  if (map == nullptr || !map->is_object())
    return make_error(errc::malformed, index_name + ": weight_map must be an object");
  std::set<std::string> shards;
  for (const auto& [name, shard] : map->get_object()) {
    const json::string* file = shard.if_string();
    // A shard is a plain file name in the folder: no directories, nothing hidden.
    if (file == nullptr || file->empty() || file->find('/') != json::string::npos ||
        (*file)[0] == '.')
      return make_error(errc::malformed, index_name + ": weight_map entry " + std::string(name) +
                                             " must name a shard file");
    shards.emplace(*file);
  }
  tensor_store store;
  for (const std::string& shard : shards) {
    auto file = safetensors_file::open(folder / shard);
    if (!file)
      return file.error();
    if (status s = store.add_file(std::move(*file)); !s)
      return s.error();
  }
  for (const auto& [name, shard] : map->get_object()) {
    auto it = store.tensors_.find(std::string(name));
    if (it == store.tensors_.end() || it->second.file->name() != shard.get_string())
      return make_error(errc::malformed, index_name + ": tensor " + std::string(name) +
                                             " is not in " + std::string(shard.get_string()));
  }
  return store;
}

bool tensor_store::contains(const std::string& name) const {
  return tensors_.count(name) != 0;
}

const std::vector<uint64_t>& tensor_store::shape(const std::string& name) const {
  auto it = tensors_.find(name);
  AGORA_ASSERT(it != tensors_.end());
  return it->second.tensor->shape;
}

namespace {

void convert(const safetensors_tensor& tensor, std::vector<float>& out) {
  const std::byte* bytes = tensor.bytes.data();
  if (tensor.dtype == "F32") {
    AGORA_ASSERT(tensor.bytes.size() == out.size() * 4);
    std::memcpy(out.data(), bytes, tensor.bytes.size());  // little-endian host
    return;
  }
  AGORA_ASSERT(tensor.bytes.size() == out.size() * 2);
  const bool brain = tensor.dtype == "BF16";
  for (size_t i = 0; i < out.size(); ++i) {
    uint16_t bits = 0;
    std::memcpy(&bits, bytes + 2 * i, 2);
    out[i] = brain ? bf16_to_f32(bits) : f16_to_f32(bits);
  }
}

}  // namespace

result<std::vector<float>> tensor_store::load_f32(const std::string& name,
                                                  std::span<const uint64_t> expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end())
    return make_error(errc::not_found, "no tensor " + name + " in the model's safetensors");
  const safetensors_tensor& tensor = *it->second.tensor;
  const std::string& file = it->second.file->name();
  if (!std::equal(tensor.shape.begin(), tensor.shape.end(), expected_shape.begin(),
                  expected_shape.end()))
    return make_error(errc::malformed, file + ": tensor " + name + " has shape " +
                                           shape_to_string(tensor.shape) + ", expected " +
                                           shape_to_string(expected_shape));
  if (tensor.dtype != "F32" && tensor.dtype != "BF16" && tensor.dtype != "F16")
    return make_error(errc::unsupported, file + ": tensor " + name + " has dtype " + tensor.dtype +
                                             " (only F32, BF16 and F16)");
  uint64_t count = 1;
  for (uint64_t dim : tensor.shape)
    count *= dim;  // cannot overflow: the file holds count × element bytes
  std::vector<float> out(count);
  convert(tensor, out);
  return out;
}

}  // namespace agora::kernels
