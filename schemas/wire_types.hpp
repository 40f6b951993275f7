// Conversions between core's value types (address, hash256, id128) and the wire structs of
// identity.fbs, plus views of FlatBuffers byte vectors. Header-only; no allocation but to_bytes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "schemas/identity_generated.h"

namespace agora::wire {

/// A random 128-bit id (tasks, holds, rental sessions, disputes, idempotency keys).
using id128 = std::array<uint8_t, 16>;

inline Address to_wire(const address& value) {
  return Address{flatbuffers::make_span(value.raw())};
}
inline Hash256 to_wire(const hash256& value) {
  return Hash256{flatbuffers::make_span(value)};
}
inline Id128 to_wire(const id128& value) {
  return Id128{flatbuffers::make_span(value)};
}

inline address from_wire(const Address& value) {
  address::raw_type raw{};
  std::copy(value.value()->begin(), value.value()->end(), raw.begin());
  return address{raw};
}
inline hash256 from_wire(const Hash256& value) {
  hash256 out{};
  std::copy(value.value()->begin(), value.value()->end(), out.begin());
  return out;
}
inline id128 from_wire(const Id128& value) {
  id128 out{};
  std::copy(value.value()->begin(), value.value()->end(), out.begin());
  return out;
}

/// The bytes of an optional [ubyte] field; empty when the field is absent.
inline byte_view view(const flatbuffers::Vector<uint8_t>* vector) {
  if (vector == nullptr)
    return {};
  return {vector->data(), vector->size()};
}

/// The text of an optional string field; empty when the field is absent.
inline std::string_view view(const flatbuffers::String* text) {
  if (text == nullptr)
    return {};
  return text->string_view();
}

}  // namespace agora::wire
