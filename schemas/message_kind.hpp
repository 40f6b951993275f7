// The one table of Agora's message kinds (DESIGN §5, docs/PROTOCOL.md "Kinds"): for every payload
// table its MessageKind, its 4-character file identifier and the field naming who must sign it;
// for every stored record its identifier. seal, open, pack and read_record all derive from these
// two lists, so adding a message means adding one line here (and its limits in limits.cpp).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/attestation_generated.h"
#include "schemas/escrow_generated.h"
#include "schemas/identity_generated.h"
#include "schemas/provider_generated.h"
#include "schemas/records_generated.h"
#include "schemas/rental_generated.h"
#include "schemas/task_generated.h"

namespace agora::wire {

using message_kind = MessageKind;

/// A FlatBuffers file identifier (4 characters) usable as a template argument.
struct file_id {
  char text[5] = {};
  constexpr file_id(const char (&id)[5]) {  // NOLINT: implicit so entries read "AREG"
    for (size_t i = 0; i < 5; ++i)
      text[i] = id[i];
  }
  constexpr std::string_view view() const { return {text, 4}; }
};

/// A payload kind: its enum value, table, identifier, and the Address field naming its signer.
template <message_kind Kind, class Table, file_id Id, auto Signer>
struct payload_entry {
  using table = Table;
  static constexpr message_kind kind = Kind;
  static constexpr file_id id = Id;
  static const Address* signer_field(const Table& root) { return (root.*Signer)(); }
};

/// A stored record: its table and identifier.
template <class Table, file_id Id>
struct record_entry {
  using table = Table;
  static constexpr file_id id = Id;
};

namespace detail {
template <class Entry>
struct entry_leaf {
  static Entry entry_for(std::type_identity<typename Entry::table>);
};
}  // namespace detail

/// A list of entries, searchable by table type at compile time (a table listed twice makes the
/// lookup ambiguous, which fails to compile).
template <class... Entries>
struct entry_list : detail::entry_leaf<Entries>... {
  using detail::entry_leaf<Entries>::entry_for...;
  static constexpr size_t size = sizeof...(Entries);
};

// ------------------------------------------------------------------------------------------------
// The table. DO NOT CHANGE an identifier: signatures and stored bytes depend on it.

/// The identifier of the Envelope buffer itself.
inline constexpr file_id envelope_id{"AENV"};

// clang-format off
using payload_entries = entry_list<
    payload_entry<message_kind::ErrorFrame, ErrorFrame, "AERR", &ErrorFrame::sender>,
    payload_entry<message_kind::Register, Register, "AREG", &Register::provider>,
    payload_entry<message_kind::Registered, Registered, "ARGD", &Registered::relay>,
    payload_entry<message_kind::Heartbeat, Heartbeat, "AHBT", &Heartbeat::provider>,
    payload_entry<message_kind::Drain, Drain, "ADRN", &Drain::provider>,
    payload_entry<message_kind::Deregister, Deregister, "ADRG", &Deregister::provider>,
    payload_entry<message_kind::ModelsUpdate, ModelsUpdate, "AMDU", &ModelsUpdate::provider>,
    payload_entry<message_kind::TaskRequest, TaskRequest, "ATRQ", &TaskRequest::renter>,
    payload_entry<message_kind::TaskAssignment, TaskAssignment, "ATAS", &TaskAssignment::relay>,
    payload_entry<message_kind::TokenChunk, TokenChunk, "ATCK", &TokenChunk::provider>,
    payload_entry<message_kind::TaskResult, TaskResult, "ATRS", &TaskResult::provider>,
    payload_entry<message_kind::ComputeProof, ComputeProof, "APRF", &ComputeProof::provider>,
    payload_entry<message_kind::BodyAttestationRequest, BodyAttestationRequest, "ABAQ",
                  &BodyAttestationRequest::renter>,
    payload_entry<message_kind::BodyAttestation, BodyAttestation, "ABAT",
                  &BodyAttestation::provider>,
    payload_entry<message_kind::TaskCancel, TaskCancel, "ATCN", &TaskCancel::renter>,
    payload_entry<message_kind::Deposit, Deposit, "ADEP", &Deposit::depositor>,
    payload_entry<message_kind::Withdraw, Withdraw, "AWDR", &Withdraw::account>,
    payload_entry<message_kind::Hold, Hold, "AHLD", &Hold::renter>,
    payload_entry<message_kind::Settle, Settle, "ASTL", &Settle::submitter>,
    payload_entry<message_kind::Refund, Refund, "ARFD", &Refund::requester>,
    payload_entry<message_kind::Stake, Stake, "ASTK", &Stake::provider>,
    payload_entry<message_kind::Unstake, Unstake, "AUSK", &Unstake::provider>,
    payload_entry<message_kind::Slash, Slash, "ASLH", &Slash::reporter>,
    payload_entry<message_kind::Dispute, Dispute, "ADSP", &Dispute::renter>,
    payload_entry<message_kind::Verdict, Verdict, "AVRD", &Verdict::arbiter>,
    payload_entry<message_kind::JournalEntry, JournalEntry, "AJRN", &JournalEntry::escrow>,
    payload_entry<message_kind::SessionRequest, SessionRequest, "ASRQ", &SessionRequest::renter>,
    payload_entry<message_kind::SessionGrant, SessionGrant, "ASGR", &SessionGrant::relay>,
    payload_entry<message_kind::UsageReport, UsageReport, "AUSE", &UsageReport::provider>,
    payload_entry<message_kind::SessionEnd, SessionEnd, "ASND", &SessionEnd::sender>>;

using record_entries = entry_list<
    record_entry<ProviderRecord, "RPRV">,
    record_entry<TaskRecord, "RTSK">,
    record_entry<ProofRecord, "RPRF">,
    record_entry<AccountRecord, "RACC">,
    record_entry<HoldRecord, "RHLD">,
    record_entry<JournalRecord, "RJRN">,
    record_entry<DisputeRecord, "RDSP">,
    record_entry<SessionRecord, "RSES">,
    record_entry<TokenRecord, "RTOK">,
    record_entry<BodyAttestationRecord, "RBAT">>;
// clang-format on

// ------------------------------------------------------------------------------------------------
// Compile-time lookups.

template <class T>
concept payload_table = requires {
  payload_entries::entry_for(std::type_identity<T>{});
};
template <class T>
concept record_table = requires {
  record_entries::entry_for(std::type_identity<T>{});
};

template <payload_table T>
using payload_traits = decltype(payload_entries::entry_for(std::type_identity<T>{}));
template <record_table T>
using record_traits = decltype(record_entries::entry_for(std::type_identity<T>{}));

template <payload_table T>
inline constexpr message_kind kind_of = payload_traits<T>::kind;

/// A payload or record table.
template <class T>
concept wire_table = payload_table<T> || record_table<T>;
/// An object-API struct (RegisterT, …) of a payload or record table, or of a payload table.
template <class Native>
concept native_table = wire_table<typename Native::TableType>;
template <class Native>
concept native_payload = payload_table<typename Native::TableType>;

/// The file identifier of a payload or record table, NUL-terminated.
template <wire_table T>
constexpr const char* identifier_of() {
  if constexpr (payload_table<T>)
    return payload_traits<T>::id.text;
  else
    return record_traits<T>::id.text;
}

// ------------------------------------------------------------------------------------------------
// Run-time lookups, built from payload_entries in message_kind.cpp.

struct payload_kind_info {
  message_kind kind;
  const char* identifier;  // 4 characters, NUL-terminated
  /// Verifies a payload buffer of this kind, identifier included (flatbuffers::Verifier).
  /// REQUIRES: payload.data() is 8-byte aligned.
  bool (*verify)(byte_view payload);
  /// Checks that the payload names `signer` in its signer field, then its field limits
  /// (limits.hpp). REQUIRES: verify(payload).
  status (*check)(byte_view payload, const address& signer);
};

/// Every payload kind, in MessageKind order.
std::span<const payload_kind_info> payload_kinds();
/// nullptr for None and for values this build does not know.
const payload_kind_info* find_payload_kind(message_kind kind);
/// The kind whose identifier is `identifier` (4 characters), or nullptr.
const payload_kind_info* find_payload_identifier(std::string_view identifier);
/// "Register"; "MessageKind(999)" for a value this build does not know.
std::string kind_name(message_kind kind);

}  // namespace agora::wire
