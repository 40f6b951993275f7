// AGORA_ASSERT: invariants and preconditions that stay on in release builds (style §3). A failed
// assertion is a programmer error: it prints where and what, then aborts.
#pragma once

namespace agora::detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line);
}  // namespace agora::detail

#define AGORA_ASSERT(expr)                                                                         \
  do {                                                                                             \
    if (!(expr)) [[unlikely]]                                                                      \
      ::agora::detail::assert_failed(#expr, __FILE__, __LINE__);                                   \
  } while (false)
