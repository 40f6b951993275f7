// Conversions between agora::error and caf::error (category "agora").

#include "actors/common/caf_error.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <limits>
#include <string>

namespace agora::actors {

// A caf::error code is one byte: every errc value must fit.
static_assert(static_cast<uint16_t>(errc::insufficient_funds) <=
              std::numeric_limits<uint8_t>::max());

caf::error to_caf_error(const agora::error& e) {
  AGORA_ASSERT(e.code != errc::ok);
  AGORA_ASSERT(static_cast<uint16_t>(e.code) <= std::numeric_limits<uint8_t>::max());
  return caf::error(static_cast<uint8_t>(e.code), error_category, caf::make_message(e.message));
}

caf::error make_caf_error(errc code, std::string message) {
  return to_caf_error(make_error(code, std::move(message)));
}

agora::error from_caf_error(const caf::error& e) {
  AGORA_ASSERT(static_cast<bool>(e));
  if (e.category() != error_category)
    return make_error(errc::io_error, "actor call failed: " + caf::to_string(e));
  const auto code = static_cast<errc>(e.code());
  AGORA_ASSERT(code != errc::ok);
  std::string message;
  if (e.context().match_elements<std::string>())
    message = e.context().get_as<std::string>(0);
  return make_error(code, std::move(message));
}

}  // namespace agora::actors
