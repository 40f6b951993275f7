// Descriptions of Agora's operating error codes and the assertion failure handler.
#include "core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace agora {

std::string_view describe(errc code) {
  switch (code) {
  case errc::ok: return "ok";
  case errc::invalid_argument: return "invalid argument";
  case errc::malformed: return "malformed input";
  case errc::bad_signature: return "bad signature";
  case errc::too_large: return "too large";
  case errc::limit_exceeded: return "limit exceeded";
  case errc::not_found: return "not found";
  case errc::already_exists: return "already exists";
  case errc::io_error: return "I/O error";
  case errc::corrupt: return "corrupt data";
  case errc::overflow: return "arithmetic overflow";
  case errc::insecure_key_file: return "insecure key file";
  case errc::unsupported: return "unsupported";
  case errc::replayed: return "replayed";
  case errc::stale: return "stale timestamp";
  case errc::wrong_kind: return "wrong message kind";
  case errc::insufficient_funds: return "insufficient funds";
  }
  return "unknown error";
}

std::string error::to_string() const {
  std::string out{describe(code)};
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

namespace detail {
void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "agora: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

}  // namespace agora
