// Money (DESIGN §4): integer micro-units of the settlement token (6 decimals, like USDC) with
// checked arithmetic, decimal text in and out, and the two price functions of the market.
//
// Rounding rule (the only one): a cost that is not a whole number of micro-units rounds UP to
// the next micro-unit. Costs are monotonic in usage, so a hold computed for the worst case
// always covers the settled cost, and a provider is never paid less than the price it posted.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora {

class amount {
 public:
  static constexpr int64_t micros_per_unit = 1'000'000;
  static constexpr int decimals = 6;

  constexpr amount() = default;
  static constexpr amount from_micros(int64_t micros) { return amount{micros}; }
  /// Parses "12", "12.5", "-0.000001", "+3.25"; at most 6 decimals; no exponent, no spaces.
  static result<amount> parse(std::string_view text);

  constexpr int64_t micros() const { return micros_; }
  /// Always 6 decimals: "12.345678", "-0.500000", "0.000000".
  std::string to_string() const;

  result<amount> plus(amount other) const;
  result<amount> minus(amount other) const;
  result<amount> times(int64_t factor) const;
  constexpr bool is_negative() const { return micros_ < 0; }

  constexpr auto operator<=>(const amount&) const = default;

 private:
  constexpr explicit amount(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

/// ceil(price_per_million_tokens × tokens / 1,000,000). REQUIRES: price ≥ 0, tokens ≥ 0.
result<amount> cost_of_tokens(amount price_per_million_tokens, int64_t tokens);

/// ceil(price_per_gpu_hour × gpu_count × seconds / 3,600). REQUIRES: all ≥ 0.
result<amount> cost_of_gpu_time(amount price_per_gpu_hour, int64_t gpu_count, int64_t seconds);

}  // namespace agora
