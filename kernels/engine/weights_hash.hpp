// The weights hash a provider announces for a model folder (PROTOCOL.md "Hashes"): keccak-256
// over the folder's `*.safetensors` files concatenated in byte-wise order of their file names.
#pragma once

#include <filesystem>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace agora::kernels {

/// Errors: not_found (no .safetensors file in the folder), io_error (a file cannot be read).
result<hash256> folder_weights_hash(const std::filesystem::path& folder);

}  // namespace agora::kernels
