// The attestation text (body_attestation.hpp).
#include "schemas/body_attestation.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "schemas/limits.hpp"

namespace agora::wire {

namespace {

bool is_lower_hex(std::string_view digits) {
  return std::all_of(digits.begin(), digits.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string attestation_text(const hash256& request_sha256, const hash256& response_sha256) {
  std::string text = to_hex(request_sha256) + ":" + to_hex(response_sha256);
  AGORA_ASSERT(text.size() == limits::attestation_text_bytes);
  AGORA_ASSERT(is_attestation_text(text));
  return text;
}

bool is_attestation_text(std::string_view text) {
  constexpr size_t digits = 64;
  static_assert(digits * 2 + 1 == limits::attestation_text_bytes);
  return text.size() == limits::attestation_text_bytes && text[digits] == ':' &&
         is_lower_hex(text.substr(0, digits)) && is_lower_hex(text.substr(digits + 1));
}

}  // namespace agora::wire
