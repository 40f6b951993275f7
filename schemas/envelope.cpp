// seal and open (envelope.hpp): the signed Envelope of DESIGN §5, checked step by step.
#include "schemas/envelope.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/keccak.hpp"
#include "schemas/wire_types.hpp"

namespace agora::wire {
namespace {

/// The Envelope in `aligned` if it verifies, else nullptr.
const Envelope* verify_envelope(byte_view aligned) {
  flatbuffers::Verifier verifier(aligned.data(), aligned.size(), verifier_options());
  if (!verifier.VerifyBuffer<Envelope>(envelope_id.text))
    return nullptr;
  return flatbuffers::GetRoot<Envelope>(aligned.data());
}

/// Steps 5–6: the payload carries the envelope kind's identifier and verifies as its table.
status check_payload_kind(const payload_kind_info& info, byte_view payload) {
  if (payload.size() < 8)
    return make_error(errc::malformed, "payload of " + std::to_string(payload.size()) +
                                           " bytes is too short for a buffer");
  const std::string_view found(reinterpret_cast<const char*>(payload.data()) + 4, 4);
  if (found != std::string_view(info.identifier, 4)) {
    const payload_kind_info* other = find_payload_identifier(found);
    return make_error(
        errc::wrong_kind,
        "envelope says " + kind_name(info.kind) + " but the signed payload is " +
            (other == nullptr ? std::string("of no known kind") : "a " + kind_name(other->kind)));
  }
  if (!info.verify(payload))
    return make_error(errc::malformed, kind_name(info.kind) + " payload does not verify");
  return {};
}

}  // namespace

bytes seal(message_kind kind, byte_view payload, const private_key& key) {
  const payload_kind_info* info = find_payload_kind(kind);
  AGORA_ASSERT(info != nullptr);
  AGORA_ASSERT(payload.size() >= 8);
  AGORA_ASSERT(std::memcmp(payload.data() + 4, info->identifier, 4) == 0);
  const agora::signature signature = personal_sign(key, payload);
  flatbuffers::FlatBufferBuilder builder(payload.size() + signature.size() + 64);
  const auto payload_offset = builder.CreateVector(payload.data(), payload.size());
  const auto signature_offset = builder.CreateVector(signature.data(), signature.size());
  builder.Finish(CreateEnvelope(builder, kind, payload_offset, signature_offset), envelope_id.text);
  AGORA_ASSERT(builder.GetSize() > payload.size() + signature.size());
  const uint8_t* data = builder.GetBufferPointer();
  return bytes(data, data + builder.GetSize());
}

bytes seal(message_kind kind, const flatbuffers::FlatBufferBuilder& builder,
           const private_key& key) {
  return seal(kind, byte_view(builder.GetBufferPointer(), builder.GetSize()), key);
}

bytes seal_error_frame(const error& refusal, byte_view refused, int64_t now_unix_s,
                       const private_key& key) {
  AGORA_ASSERT(refusal.code != errc::ok);
  ErrorFrameT frame;
  frame.sender = to_wire(key.address());
  frame.code = static_cast<uint16_t>(refusal.code);
  frame.message = refusal.message.substr(0, limits::reason_bytes_max);
  frame.refused_kind = peek_kind(refused);
  frame.refused_frame_hash = to_wire(keccak256(refused));
  frame.timestamp_unix_s = now_unix_s;
  return seal(frame, key);
}

result<parsed_envelope> parse(byte_view sealed, const open_limits& limits) {
  AGORA_ASSERT(limits.frame_bytes_max < FLATBUFFERS_MAX_BUFFER_SIZE);  // the Verifier's own bound
  if (sealed.size() > limits.frame_bytes_max)
    return make_error(errc::too_large, "frame of " + std::to_string(sealed.size()) +
                                           " bytes, at most " +
                                           std::to_string(limits.frame_bytes_max));
  const bytes aligned(sealed.begin(), sealed.end());  // the Verifier's reads need alignment
  const Envelope* envelope = verify_envelope(aligned);
  if (envelope == nullptr)
    return make_error(errc::malformed, "frame is not a valid Envelope");
  const payload_kind_info* info = find_payload_kind(envelope->kind());
  if (info == nullptr)
    return make_error(errc::unsupported, "unknown message kind " + kind_name(envelope->kind()));
  parsed_envelope out;
  out.kind = info->kind;
  if (envelope->signature()->size() != out.signature.size())
    return make_error(errc::bad_signature, "signature of " +
                                               std::to_string(envelope->signature()->size()) +
                                               " bytes, expected 65");
  std::copy(envelope->signature()->begin(), envelope->signature()->end(), out.signature.begin());
  out.payload.assign(envelope->payload()->begin(), envelope->payload()->end());  // aligned, owned
  if (status checked = check_payload_kind(*info, out.payload); !checked)
    return checked.error();
  AGORA_ASSERT(out.payload.size() >= 8);  // identifier checked: the payload is a whole buffer
  return out;
}

result<opened_envelope> open(byte_view sealed, const open_limits& limits) {
  auto parsed = parse(sealed, limits);
  if (!parsed)
    return parsed.error();
  result<address> signer = recover_personal(parsed->signature, parsed->payload);
  if (!signer)
    return signer.error();
  const payload_kind_info* info = find_payload_kind(parsed->kind);
  AGORA_ASSERT(info != nullptr);  // parse found it
  if (status checked = info->check(parsed->payload, *signer); !checked)
    return checked.error();
  return opened_envelope(parsed->kind, *signer, std::move(parsed->payload), parsed->signature);
}

message_kind peek_kind(byte_view sealed) {
  if (sealed.size() > limits::frame_bytes_max)
    return message_kind::None;
  const bytes aligned(sealed.begin(), sealed.end());
  const Envelope* envelope = verify_envelope(aligned);
  return envelope == nullptr ? message_kind::None : envelope->kind();
}

}  // namespace agora::wire
