// Forward declarations of storage/'s public types, for headers that only pass them around.
#pragma once

#include <cstdint>

namespace agora::storage {

enum class column : uint8_t;
enum class apply_outcome : uint8_t;
class key_builder;
class key_reader;
class memory_env;
class store;
struct store_options;
class write_batch;

}  // namespace agora::storage
