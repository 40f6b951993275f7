// Sealing and opening signed envelopes (DESIGN §5; docs/PROTOCOL.md "Envelope"). seal signs the
// exact payload bytes with EIP-191 personal_sign, so any Ethereum tool recovers the signer; open
// checks size, structure, kind, signature, signer binding and field limits before anything in
// the payload is read. Builders: pack/seal take the object-API structs flatc generates (RegisterT,
// HeartbeatT, ComputeProofT, …), so no caller hand-rolls a buffer.
#pragma once

#include <cstdint>
#include <utility>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/key.hpp"
#include "core/signature.hpp"
#include "schemas/limits.hpp"
#include "schemas/message_kind.hpp"

namespace agora::wire {

/// What open() enforces beyond the schema and limits.hpp.
struct open_limits {
  size_t frame_bytes_max = limits::frame_bytes_max;
};

/// A sealed envelope as actors pass it inside a process (DESIGN §5): `data` holds the Envelope
/// exactly as on the wire, `kind` a copy of its kind for dispatch. Receivers still open() data.
struct frame {
  message_kind kind = message_kind::None;
  bytes data;
};

/// An envelope that passed every check of open(): a payload of kind(), signed by signer(), which
/// is also the address the payload names in its signer field (message_kind.hpp).
class opened_envelope {
 public:
  opened_envelope(message_kind kind, const address& signer, bytes payload,
                  const agora::signature& signature)
      : kind_(kind), signer_(signer), payload_(std::move(payload)), signature_(signature) {}

  message_kind kind() const { return kind_; }
  const address& signer() const { return signer_; }
  /// The exact signed payload bytes (owned, 8-byte aligned).
  byte_view payload() const { return payload_; }
  const agora::signature& signature() const { return signature_; }

  /// The payload's root table. REQUIRES: kind() == kind_of<T>.
  template <payload_table T>
  const T* as() const {
    AGORA_ASSERT(kind_ == kind_of<T>);
    AGORA_ASSERT(!payload_.empty());
    return flatbuffers::GetRoot<T>(payload_.data());
  }

 private:
  message_kind kind_;
  address signer_;
  bytes payload_;
  agora::signature signature_;
};

// ------------------------------------------------------------------------------------------------
// Building

/// Finishes `root` with its table's identifier and returns the finished buffer's bytes.
template <wire_table T>
bytes finish(flatbuffers::FlatBufferBuilder& builder, flatbuffers::Offset<T> root) {
  builder.Finish(root, identifier_of<T>());
  const uint8_t* data = builder.GetBufferPointer();
  return bytes(data, data + builder.GetSize());
}

/// Packs an object-API struct (RegisterT, ProviderRecordT, …) into a finished buffer that
/// carries its table's identifier. Deterministic: equal objects give equal bytes.
template <native_table Native>
bytes pack(const Native& object) {
  using table = typename Native::TableType;
  flatbuffers::FlatBufferBuilder builder;
  return finish(builder, table::Pack(builder, &object));
}

/// Signs `payload`, a finished buffer of `kind`, and wraps both in an Envelope (identifier
/// "AENV"). REQUIRES: the payload carries kind's identifier (pack and finish do that).
bytes seal(message_kind kind, byte_view payload, const private_key& key);
/// seal() of the finished buffer in `builder`.
bytes seal(message_kind kind, const flatbuffers::FlatBufferBuilder& builder,
           const private_key& key);
/// seal() of pack(object), with the kind of the object's table.
template <native_payload Native>
bytes seal(const Native& object, const private_key& key) {
  return seal(kind_of<typename Native::TableType>, pack(object), key);
}

/// A signed ErrorFrame refusing `refused` (a frame that failed open or was refused later),
/// from key's address.
bytes seal_error_frame(const error& refusal, byte_view refused, int64_t now_unix_s,
                       const private_key& key);

// ------------------------------------------------------------------------------------------------
// Opening

/// A frame that passed open()'s checks 1–6 but not the signature: its kind, signature bytes and
/// a payload that verifies as the kind's table. Nothing in it is authenticated: use it to route
/// work whose open() comes later (the escrow queues a Settle by its proof's claimed provider, and
/// the batch opens the proof), never to trust what it says.
struct parsed_envelope {
  message_kind kind = message_kind::None;
  agora::signature signature{};
  bytes payload;  // owned, 8-byte aligned

  /// The payload's root table. REQUIRES: kind == kind_of<T>.
  template <payload_table T>
  const T* as() const {
    AGORA_ASSERT(kind == kind_of<T> && !payload.empty());
    return flatbuffers::GetRoot<T>(payload.data());
  }
};

/// Checks 1–6 of open() below, without the ECDSA recovery.
result<parsed_envelope> parse(byte_view sealed, const open_limits& limits = {});

/// Opens a sealed Envelope received from anywhere (any alignment).
/// REQUIRES: limits.frame_bytes_max < FLATBUFFERS_MAX_BUFFER_SIZE (2 GiB). Checks, in order:
///   1. size ≤ limits.frame_bytes_max                                      else too_large
///   2. the Envelope verifies (flatbuffers::Verifier, identifier "AENV")   else malformed
///   3. its kind is known to this build                                    else unsupported
///   4. the signature has 65 bytes                                         else bad_signature
///   5. the payload carries the kind's identifier                          else wrong_kind
///      (too short to carry one: malformed)
///   6. the payload verifies as the kind's table                           else malformed
///   7. a signer recovers from the signature over the exact payload bytes  else bad_signature
///   8. the payload's signer field names that signer                       else bad_signature
///   9. check_fields (limits.hpp)                   else limit_exceeded / invalid_argument
/// Cheap checks run before the ECDSA recovery (7) so garbage costs no curve arithmetic; the kind
/// is outside the signature, so step 5 ties it to the signed identifier. A changed payload byte
/// fails at 5, 6 or 8; a changed signature byte at 7 or 8.
result<opened_envelope> open(byte_view sealed, const open_limits& limits = {});

/// The kind field of a frame whose Envelope verifies (step 2 only; nothing is authenticated: use
/// it to label errors, never to dispatch); None if the Envelope does not verify.
message_kind peek_kind(byte_view sealed);

}  // namespace agora::wire
