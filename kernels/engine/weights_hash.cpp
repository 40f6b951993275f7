// folder_weights_hash: streams each weight file through keccak-256 in 1 MiB pieces.
#include "kernels/engine/weights_hash.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

#include "core/keccak.hpp"

namespace agora::kernels {
namespace {

status hash_file(const std::filesystem::path& file, keccak256_hasher& hasher) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return make_error(errc::io_error, "cannot open " + file.string());
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = static_cast<size_t>(in.gcount());
    hasher.update(byte_view(reinterpret_cast<const uint8_t*>(buffer.data()), got));
  }
  if (in.bad())
    return make_error(errc::io_error, "cannot read " + file.string());
  return {};
}

}  // namespace

result<hash256> folder_weights_hash(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".safetensors")
      names.push_back(entry.path().filename());
  }
  if (ec)
    return make_error(errc::io_error, "cannot list " + folder.string() + ": " + ec.message());
  if (names.empty()) {
    return make_error(errc::not_found, "no .safetensors file in " + folder.string());
  }
  std::sort(names.begin(), names.end());  // std::string compares byte-wise
  keccak256_hasher hasher;
  for (const auto& name : names) {
    if (auto st = hash_file(folder / name, hasher); !st)
      return st.error();
  }
  return hasher.finish();
}

}  // namespace agora::kernels
