// Registration of the shared message types and of the "agora" error category's renderer.

#include "actors/common/message_types.hpp"

#include <caf/message.hpp>
#include <string>

#include "actors/common/caf_error.hpp"

namespace agora::actors {

namespace {

/// "agora::<description>: <message>" for the CAF error category "agora".
std::string render_agora_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "agora::";
  out += describe(static_cast<errc>(code));
  if (context.match_elements<std::string>())
    out += ": " + context.get_as<std::string>(0);
  return out;
}

}  // namespace

void add_agora_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<wire::frame>(frame_type_name);
  cfg.add_error_category(error_category, render_agora_error);
}

}  // namespace agora::actors
