// The run-time table of payload kinds, generated from payload_entries (message_kind.hpp): per kind
// a Verifier call with its identifier and the signer binding + limits check.
#include "schemas/message_kind.hpp"

#include <algorithm>
#include <array>

#include "schemas/limits.hpp"
#include "schemas/wire_types.hpp"

namespace agora::wire {
namespace {

template <class Entry>
bool verify_payload(byte_view payload) {
  AGORA_ASSERT(reinterpret_cast<uintptr_t>(payload.data()) % 8 == 0);
  flatbuffers::Verifier verifier(payload.data(), payload.size(), verifier_options());
  return verifier.template VerifyBuffer<typename Entry::table>(Entry::id.text);
}

template <class Entry>
status check_payload(byte_view payload, const address& signer) {
  const auto* root = flatbuffers::GetRoot<typename Entry::table>(payload.data());
  const Address* named = Entry::signer_field(*root);
  AGORA_ASSERT(named != nullptr);  // the signer field is required: the Verifier saw it
  if (from_wire(*named) != signer)
    return make_error(errc::bad_signature, "signed by " + signer.to_string() + ", but the " +
                                               std::string(EnumNameMessageKind(Entry::kind)) +
                                               " names " + from_wire(*named).to_string());
  return check_fields(*root);
}

template <class... Entries>
constexpr std::array<payload_kind_info, sizeof...(Entries)> make_table(entry_list<Entries...>) {
  static_assert((payload_table<typename Entries::table> && ...), "a table listed twice");
  return {payload_kind_info{Entries::kind, Entries::id.text, &verify_payload<Entries>,
                            &check_payload<Entries>}...};
}

constexpr auto table = make_table(payload_entries{});

constexpr bool same_id(const char* a, const char* b) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/// Kinds strictly increase (so none repeats) and identifiers are distinct from each other,
/// from the Envelope's and from every record's.
constexpr bool table_is_consistent() {
  for (size_t i = 0; i < table.size(); ++i) {
    if (i > 0 && table[i - 1].kind >= table[i].kind)
      return false;
    if (table[i].kind == message_kind::None || same_id(table[i].identifier, envelope_id.text))
      return false;
    for (size_t j = i + 1; j < table.size(); ++j)
      if (same_id(table[i].identifier, table[j].identifier))
        return false;
  }
  return true;
}
static_assert(table_is_consistent());

template <class... Records>
constexpr bool records_are_distinct(entry_list<Records...>) {
  constexpr std::array<const char*, sizeof...(Records)> ids{Records::id.text...};
  for (size_t i = 0; i < ids.size(); ++i) {
    if (same_id(ids[i], envelope_id.text))
      return false;
    for (size_t j = i + 1; j < ids.size(); ++j)
      if (same_id(ids[i], ids[j]))
        return false;
    for (const payload_kind_info& info : table)
      if (same_id(ids[i], info.identifier))
        return false;
  }
  return true;
}
static_assert(records_are_distinct(record_entries{}));

}  // namespace

std::span<const payload_kind_info> payload_kinds() {
  return table;
}

const payload_kind_info* find_payload_kind(message_kind kind) {
  const auto* it = std::find_if(table.begin(), table.end(),
                                [kind](const auto& info) { return info.kind == kind; });
  return it == table.end() ? nullptr : &*it;
}

const payload_kind_info* find_payload_identifier(std::string_view identifier) {
  if (identifier.size() != 4)
    return nullptr;
  const auto* it = std::find_if(table.begin(), table.end(), [identifier](const auto& info) {
    return same_id(info.identifier, identifier.data());
  });
  return it == table.end() ? nullptr : &*it;
}

std::string kind_name(message_kind kind) {
  if (find_payload_kind(kind) == nullptr && kind != message_kind::None)
    return "MessageKind(" + std::to_string(static_cast<unsigned>(kind)) + ")";
  return EnumNameMessageKind(kind);
}

}  // namespace agora::wire
