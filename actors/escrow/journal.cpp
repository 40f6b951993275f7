// Balanced entries, idempotency ids and JournalRecord storage (journal.hpp).
#include "actors/escrow/journal.hpp"

#include <algorithm>

#include "schemas/envelope.hpp"
#include "schemas/limits.hpp"
#include "schemas/record.hpp"
#include "storage/keys.hpp"

namespace agora::escrow {

namespace {

// The sum of postings, in 128 bits so that a corrupt record cannot wrap it to zero.
__int128 sum_of(const std::vector<posting>& postings) {
  __int128 sum = 0;
  for (const posting& p : postings)
    sum += p.amount_micros;
  return sum;
}

}  // namespace

std::string batch_id(const op_key& key) {
  std::string id = "escrow/";
  id.push_back(static_cast<char>(key.op));
  id.append(key.id.begin(), key.id.end());
  return id;
}

// ------------------------------------------------------------------------------------------------
// entry_builder

void entry_builder::transfer(const account_key& from, const account_key& to,
                             int64_t amount_micros) {
  AGORA_ASSERT(amount_micros >= 0);
  AGORA_ASSERT(from != to);
  if (amount_micros == 0)
    return;
  add(from, -amount_micros);
  add(to, amount_micros);
}

void entry_builder::add(const account_key& account, int64_t amount_micros) {
  auto line = std::find_if(lines_.begin(), lines_.end(),
                           [&](const posting& p) { return p.account == account; });
  if (line == lines_.end()) {
    lines_.push_back(posting{account, amount_micros});
    return;
  }
  // Amounts come from balances whose total is bounded by External's int64, so merging the
  // lines of one entry cannot overflow; assert it rather than trust it.
  const bool wrapped =
      __builtin_add_overflow(line->amount_micros, amount_micros, &line->amount_micros);
  AGORA_ASSERT(!wrapped);
}

std::vector<posting> entry_builder::postings() const {
  std::vector<posting> out;
  for (const posting& p : lines_)
    if (p.amount_micros != 0)
      out.push_back(p);
  AGORA_ASSERT(sum_of(out) == 0);
  AGORA_ASSERT(out.size() <= wire::limits::postings_max);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Storage

bytes journal_storage_key(uint64_t sequence) {
  storage::key_builder builder;
  builder.u8(journal_key_tag).u64(sequence);
  return builder.take();
}

bytes pack_journal(const address& escrow, const journal_entry& entry, byte_view request) {
  AGORA_ASSERT(entry.postings.size() >= wire::limits::postings_min);
  AGORA_ASSERT(entry.postings.size() <= wire::limits::postings_max);
  AGORA_ASSERT(sum_of(entry.postings) == 0);
  AGORA_ASSERT(entry.sequence > 0);
  wire::JournalRecordT record;
  record.entry = std::make_unique<wire::JournalEntryT>();
  wire::JournalEntryT& out = *record.entry;
  out.escrow = wire::to_wire(escrow);
  out.sequence = entry.sequence;
  out.idempotency_key = wire::to_wire(entry.key.id);
  out.operation = entry.key.op;
  for (const posting& p : entry.postings)
    out.postings.emplace_back(p.amount_micros, wire::to_wire(p.account.owner),
                              wire::to_wire(p.account.sub_id), p.account.kind);
  out.request_hash = wire::to_wire(entry.request_hash);
  out.created_unix_s = entry.created_unix_s;
  record.request.assign(request.begin(), request.end());
  return wire::pack(record);
}

result<journal_entry> unpack_journal(byte_view value) {
  auto stored = wire::read_record<wire::JournalRecord>(value);
  if (!stored)
    return stored.error();
  const wire::JournalEntry* in = stored->root()->entry();
  if (in == nullptr || in->postings() == nullptr || in->operation() > wire::EscrowOp::MAX)
    return make_error(errc::corrupt, "JournalRecord without an entry, postings or known op");
  journal_entry entry;
  entry.key = op_key{in->operation(), wire::from_wire(*in->idempotency_key())};
  entry.sequence = in->sequence();
  for (const wire::Posting* p : *in->postings())
    entry.postings.push_back(
        posting{account_key{p->kind(), wire::from_wire(p->owner()), wire::from_wire(p->sub_id())},
                p->amount_micros()});
  entry.request_hash = wire::from_wire(*in->request_hash());
  entry.created_unix_s = in->created_unix_s();
  if (sum_of(entry.postings) != 0 || entry.sequence == 0)
    return make_error(errc::corrupt, "JournalRecord that does not balance");
  return entry;
}

}  // namespace agora::escrow
