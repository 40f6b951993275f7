// Checked micro-unit arithmetic, decimal parsing/printing and the price functions.
#include "core/amount.hpp"

#include <cstdio>
#include <limits>

namespace agora {
namespace {

error overflow_error(const char* what) {
  return make_error(errc::overflow, std::string("amount overflow in ") + what);
}

/// ceil(numerator / denominator) for non-negative 128-bit values that must fit int64.
result<amount> ceil_div_to_amount(__int128 numerator, __int128 denominator, const char* what) {
  AGORA_ASSERT(numerator >= 0);
  AGORA_ASSERT(denominator > 0);
  __int128 q = (numerator + denominator - 1) / denominator;
  if (q > std::numeric_limits<int64_t>::max())
    return overflow_error(what);
  return amount::from_micros(static_cast<int64_t>(q));
}

}  // namespace

result<amount> amount::parse(std::string_view text) {
  std::string_view original = text;
  auto bad = [&](const char* why) {
    return make_error(errc::malformed, "amount '" + std::string(original) + "': " + why);
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty()))
    return bad("expected digits[.digits]");
  if (frac.size() > decimals)
    return bad("more than 6 decimals");
  __int128 micros = 0;
  for (char c : whole) {
    if (c < '0' || c > '9')
      return bad("not a decimal number");
    micros = micros * 10 + (c - '0');
    if (micros > std::numeric_limits<int64_t>::max() / micros_per_unit)
      return bad("out of range");
  }
  micros *= micros_per_unit;
  int64_t scale = micros_per_unit / 10;
  for (char c : frac) {
    if (c < '0' || c > '9')
      return bad("not a decimal number");
    micros += (c - '0') * scale;
    scale /= 10;
  }
  if (micros > std::numeric_limits<int64_t>::max())
    return bad("out of range");
  return from_micros(static_cast<int64_t>(negative ? -micros : micros));
}

std::string amount::to_string() const {
  unsigned __int128 magnitude =
      micros_ < 0 ? -static_cast<__int128>(micros_) : static_cast<__int128>(micros_);
  char out[48];
  std::snprintf(out, sizeof out, "%s%llu.%06llu", micros_ < 0 ? "-" : "",
                static_cast<unsigned long long>(magnitude / micros_per_unit),
                static_cast<unsigned long long>(magnitude % micros_per_unit));
  return out;
}

result<amount> amount::plus(amount other) const {
  int64_t out = 0;
  if (__builtin_add_overflow(micros_, other.micros_, &out))
    return overflow_error("addition");
  return from_micros(out);
}

result<amount> amount::minus(amount other) const {
  int64_t out = 0;
  if (__builtin_sub_overflow(micros_, other.micros_, &out))
    return overflow_error("subtraction");
  return from_micros(out);
}

result<amount> amount::times(int64_t factor) const {
  int64_t out = 0;
  if (__builtin_mul_overflow(micros_, factor, &out))
    return overflow_error("multiplication");
  return from_micros(out);
}

result<amount> cost_of_tokens(amount price_per_million_tokens, int64_t tokens) {
  if (price_per_million_tokens.is_negative() || tokens < 0)
    return make_error(errc::invalid_argument, "negative price or token count");
  __int128 numerator = static_cast<__int128>(price_per_million_tokens.micros()) * tokens;
  return ceil_div_to_amount(numerator, 1'000'000, "token cost");
}

result<amount> cost_of_gpu_time(amount price_per_gpu_hour, int64_t gpu_count, int64_t seconds) {
  if (price_per_gpu_hour.is_negative() || gpu_count < 0 || seconds < 0)
    return make_error(errc::invalid_argument, "negative price, GPU count or duration");
  // price × gpus < 2^126 always fits; the product with seconds is checked before it is formed.
  __int128 per_hour_all_gpus = static_cast<__int128>(price_per_gpu_hour.micros()) * gpu_count;
  constexpr __int128 int128_max = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);
  if (seconds != 0 && per_hour_all_gpus > int128_max / seconds)
    return overflow_error("GPU-time cost");
  __int128 numerator = per_hour_all_gpus * seconds;
  return ceil_div_to_amount(numerator, 3'600, "GPU-time cost");
}

}  // namespace agora
