// Ids derived from what they name, so every party that reports the same thing derives the same
// idempotency key (a relay's Slash of a provider for a task, a node's start-up deposit): the
// first 16 bytes of keccak-256(tag ‖ party ‖ subject).
#pragma once

#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "schemas/wire_types.hpp"

namespace agora::wire {

/// The first 16 bytes of keccak-256(tag ‖ party's 20 bytes ‖ subject).
id128 derived_id(std::string_view tag, const address& party, byte_view subject = {});

}  // namespace agora::wire
