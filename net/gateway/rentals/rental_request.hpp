// The body of POST /v1/sessions (docs/PROTOCOL.md "Gateway rental API"): which provider, for how
// many whole hours, how many GPUs, and the renter's SSH public key, each checked against its
// limit; and the session id in /v1/sessions/{id}. A refusal is a 400 in OpenAI's shape naming
// the field (an unknown session id: 404).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "net/gateway/openai/json_fields.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::rentals {

/// Whole hours, so the prepaid figure is hours × rate × GPUs; 30 days at most (the
/// SessionRequest's duration limit).
inline constexpr int64_t duration_hours_max = 720;
/// An OpenSSH public key line ("ssh-ed25519 AAAA… comment"); RSA 16384-bit keys stay below it.
inline constexpr size_t ssh_public_key_bytes_max = 4096;

/// What a renter asks for.
struct rental_order {
  address provider;
  uint32_t duration_hours = 0;  // 1 … duration_hours_max
  uint16_t gpu_count = 0;       // 1 … wire::limits::gpu_count_max
  std::string ssh_public_key;   // checked, but no provider installs it yet (see rental_routes)
};

/// Parses `body` into *out; nullopt on success, else the 400 to answer.
openai::refusal parse_rental_order(std::string_view body, rental_order* out);

/// The session id in a /v1/sessions/{id} path (32 hex digits); else the 404 to answer.
openai::refusal parse_session_id(std::string_view text, wire::id128* out);

}  // namespace agora::net::gateway::rentals
