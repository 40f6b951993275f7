// Exact widening of the 16-bit float formats that model weights are stored in (bfloat16 and IEEE
// binary16) to fp32. Every bf16 and f16 value, subnormals, infinities and NaN included, has an
// exact fp32 equal, so these conversions lose nothing.
#pragma once

#include <bit>
#include <cstdint>

namespace agora::kernels {

/// bfloat16 is the top half of an fp32.
inline float bf16_to_f32(uint16_t bits) {
  return std::bit_cast<float>(uint32_t{bits} << 16);
}

/// IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
inline float f16_to_f32(uint16_t bits) {
  const uint32_t sign = uint32_t{bits & 0x8000u} << 16;
  uint32_t exponent = (bits >> 10) & 0x1fu;
  uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0x1f)  // infinity or NaN: keep the payload
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0)
      return std::bit_cast<float>(sign);
    // Subnormal: shift until the leading one becomes the implicit bit.
    exponent = 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3ffu;
  }
  const uint32_t biased = exponent + (127 - 15);
  return std::bit_cast<float>(sign | (biased << 23) | (mantissa << 13));
}

}  // namespace agora::kernels
