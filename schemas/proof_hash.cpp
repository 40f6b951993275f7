// The hashes a ComputeProof binds: input, streamed-chunk chain and output (proof_hash.hpp).
#include "schemas/proof_hash.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "core/keccak.hpp"

namespace agora::wire {
namespace {

void append_be32(bytes& out, uint32_t value) {
  out.push_back(static_cast<uint8_t>(value >> 24));
  out.push_back(static_cast<uint8_t>(value >> 16));
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

}  // namespace

hash256 input_hash(byte_view task_request_payload) {
  return keccak256(task_request_payload);
}

hash256 chain_next(const hash256& previous, uint32_t index, std::span<const uint32_t> token_ids,
                   std::string_view text) {
  AGORA_ASSERT(token_ids.size() <= std::numeric_limits<uint32_t>::max());
  AGORA_ASSERT(text.size() <= std::numeric_limits<uint32_t>::max());
  bytes message(previous.begin(), previous.end());
  message.reserve(previous.size() + 12 + token_ids.size() * 4 + text.size());
  append_be32(message, index);
  append_be32(message, static_cast<uint32_t>(token_ids.size()));
  for (uint32_t token : token_ids)
    append_be32(message, token);
  append_be32(message, static_cast<uint32_t>(text.size()));
  message.insert(message.end(), text.begin(), text.end());
  return keccak256(message);
}

hash256 output_hash_text(std::string_view text) {
  return keccak256(as_bytes(text));
}

hash256 output_hash_embedding(std::span<const float> values) {
  static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559);
  bytes raw;
  raw.reserve(values.size() * 4);
  for (float value : values) {
    uint32_t bits = std::bit_cast<uint32_t>(value);
    for (int shift = 0; shift < 32; shift += 8)
      raw.push_back(static_cast<uint8_t>(bits >> shift));
  }
  return keccak256(raw);
}

}  // namespace agora::wire
