// Parsing a rental order and a session id (rental_request.hpp).
#include "net/gateway/rentals/rental_request.hpp"

#include <algorithm>
#include <array>

#include "core/bytes.hpp"
#include "schemas/limits.hpp"

namespace agora::net::gateway::rentals {

namespace {

namespace json = boost::json;
using openai::invalid_type;
using openai::invalid_value;
using openai::refusal;

static_assert(duration_hours_max * 3'600 <= wire::limits::session_duration_s_max);
static_assert(3'600 >= wire::limits::session_duration_s_min);

refusal missing(std::string_view param) {
  return openai::invalid_request("Missing required parameter: '" + std::string(param) + "'.",
                                 std::string(param), "missing_required");
}

/// *out = the integer field `name`, required, in [min, max].
refusal read_count(const json::object& o, std::string_view name, int64_t min, int64_t max,
                   int64_t* out) {
  const json::value* v = openai::json_field(o, name);
  if (v == nullptr)
    return missing(name);
  if (!v->is_int64() && !v->is_uint64())
    return invalid_type(name, "an integer");
  if (v->is_uint64() || v->get_int64() < min || v->get_int64() > max)
    return invalid_value(name, "'" + std::string(name) + "' must be an integer from " +
                                   std::to_string(min) + " to " + std::to_string(max) + ".");
  *out = v->get_int64();
  return std::nullopt;
}

refusal read_provider(const json::object& o, address* out) {
  std::string text;
  if (auto e = openai::read_string(o, "providerId", &text))
    return e;
  if (text.empty())
    return missing("providerId");
  auto parsed = address::parse(text);
  if (!parsed)
    return invalid_value("providerId", "'providerId' is not a provider address (0x and 40 hex "
                                       "digits): " +
                                           parsed.error().message);
  *out = *parsed;
  return std::nullopt;
}

bool is_base64(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
}

/// An OpenSSH public key line: a known key type, its base64 blob, an optional comment.
bool is_ssh_public_key(std::string_view line) {
  static constexpr std::array<std::string_view, 7> types = {"ssh-ed25519",
                                                            "ssh-rsa",
                                                            "ecdsa-sha2-nistp256",
                                                            "ecdsa-sha2-nistp384",
                                                            "ecdsa-sha2-nistp521",
                                                            "sk-ssh-ed25519@openssh.com",
                                                            "sk-ecdsa-sha2-nistp256@openssh.com"};
  const size_t space = line.find(' ');
  if (space == std::string_view::npos ||
      std::find(types.begin(), types.end(), line.substr(0, space)) == types.end())
    return false;
  const std::string_view rest = line.substr(space + 1);
  const bool printable = std::all_of(line.begin(), line.end(), [](char c) {
    return c >= 0x20 && c < 0x7f;  // one line: no newline, tab or control character
  });
  // Every key blob starts with a 4-byte big-endian type-name length: "AAAA" in base64.
  const std::string_view blob = rest.substr(0, rest.find(' '));
  return printable && blob.size() >= 16 && blob.starts_with("AAAA") && is_base64(blob);
}

refusal read_ssh_key(const json::object& o, std::string* out) {
  if (auto e = openai::read_string(o, "sshPublicKey", out))
    return e;
  if (out->empty())
    return missing("sshPublicKey");
  if (out->size() > ssh_public_key_bytes_max)
    return invalid_value("sshPublicKey", "'sshPublicKey' is longer than " +
                                             std::to_string(ssh_public_key_bytes_max) + " bytes.");
  if (!is_ssh_public_key(*out))
    return invalid_value("sshPublicKey", "'sshPublicKey' is not an OpenSSH public key line "
                                         "(\"ssh-ed25519 AAAA… comment\").");
  return std::nullopt;
}

}  // namespace

refusal parse_rental_order(std::string_view body, rental_order* out) {
  AGORA_ASSERT(out != nullptr);
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object())
    return openai::invalid_request("The body is not a JSON object.");
  const json::object& o = parsed.get_object();
  int64_t hours = 0;
  int64_t gpus = 0;
  if (auto e = read_provider(o, &out->provider))
    return e;
  if (auto e = read_count(o, "durationHours", 1, duration_hours_max, &hours))
    return e;
  if (auto e = read_count(o, "gpuCount", 1, wire::limits::gpu_count_max, &gpus))
    return e;
  if (auto e = read_ssh_key(o, &out->ssh_public_key))
    return e;
  out->duration_hours = static_cast<uint32_t>(hours);
  out->gpu_count = static_cast<uint16_t>(gpus);
  AGORA_ASSERT(out->duration_hours >= 1 && out->gpu_count >= 1);
  return std::nullopt;
}

refusal parse_session_id(std::string_view text, wire::id128* out) {
  AGORA_ASSERT(out != nullptr);
  auto raw = from_hex_fixed<16>(text);
  if (text.size() != 32 || !raw)  // the id as the gateway writes it: no 0x prefix
    return openai::api_error{openai::http::status::not_found,
                             "No rental session '" + std::string(text.substr(0, 64)) + "'.",
                             "invalid_request_error", "id", "session_not_found"};
  *out = *raw;
  return std::nullopt;
}

}  // namespace agora::net::gateway::rentals
