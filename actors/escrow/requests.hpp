// The escrow ledger's operations as plain values (docs/PROTOCOL.md "Escrow"). The escrow actor
// opens the signed request (escrow.fbs), checks who signed it, and fills one of these; `request`
// carries the sealed envelope so the journal keeps what was executed (empty: a timer or a test).
// Times are passed in, never read (DESIGN §4): `now_unix_s` is the actor clock's reading.
#pragma once

#include <cstdint>

#include "actors/escrow/accounts.hpp"
#include "core/amount.hpp"
#include "core/bytes.hpp"
#include "schemas/escrow_generated.h"

namespace agora::escrow {

/// External → the account's RenterBalance (its spendable balance).
struct deposit_request {
  id128 idempotency_key{};
  address account;
  int64_t amount_micros = 0;  // > 0
  int64_t now_unix_s = 0;
  byte_view request;
};

/// `source` (RenterBalance or ProviderEarnings of `account`) → External.
struct withdraw_request {
  id128 idempotency_key{};
  address account;
  wire::AccountKind source = wire::AccountKind::RenterBalance;
  int64_t amount_micros = 0;  // > 0
  int64_t now_unix_s = 0;
  byte_view request;
};

/// RenterBalance → Hold(hold_id) until it is settled or refunded.
struct hold_request {
  id128 hold_id{};  // the idempotency key
  address renter;
  int64_t amount_micros = 0;  // > 0
  wire::HoldPurpose purpose = wire::HoldPurpose::Task;
  id128 subject_id{};  // the task id (Task) or rental session id (Rental)
  int64_t now_unix_s = 0;
  int64_t expires_unix_s = 0;  // > now_unix_s
  byte_view request;
};

/// Pays a provider from a hold against its sealed ComputeProof (see ledger::settle).
struct settle_request {
  id128 hold_id{};
  byte_view proof;                  // the sealed ComputeProof envelope, as the provider signed it
  address provider;                 // the registered provider address the proof must be signed by
  amount price_per_million_tokens;  // the provider's registered price
  int64_t now_unix_s = 0;
};

/// Charges a Rental hold for the GPU time its session used (see ledger::settle_rental).
struct rental_settle_request {
  id128 hold_id{};
  id128 session_id{};         // the hold's subject
  address provider;           // the granted provider: paid
  amount price_per_gpu_hour;  // the granted price, ≥ 0
  int64_t gpu_count = 0;      // the granted GPUs, ≥ 1
  int64_t used_seconds = 0;   // wall seconds the session ran, ≥ 0
  int64_t now_unix_s = 0;
  byte_view request;  // the sealed UsageReport or SessionEnd that ended the session
};

/// Hold → RenterBalance: whatever is left of an active hold.
struct refund_request {
  id128 hold_id{};
  wire::RefundReason reason = wire::RefundReason::Unused;  // Expired: only once expired
  int64_t now_unix_s = 0;
  byte_view request;
};

/// `source` (RenterBalance or ProviderEarnings) → ProviderStake.
struct stake_request {
  id128 idempotency_key{};
  address provider;
  wire::AccountKind source = wire::AccountKind::RenterBalance;
  int64_t amount_micros = 0;  // > 0
  int64_t now_unix_s = 0;
  byte_view request;
};

/// ProviderStake → StakeUnlocking(idempotency_key), releasable after the lock.
struct unstake_request {
  id128 idempotency_key{};
  address provider;
  int64_t amount_micros = 0;  // > 0
  int64_t now_unix_s = 0;
  byte_view request;
};

/// StakeUnlocking(unstake_key) → ProviderEarnings, once now ≥ its unlock time.
struct release_request {
  id128 unstake_key{};  // the Unstake's idempotency key
  address provider;
  int64_t now_unix_s = 0;
};

/// ProviderStake → the harmed renter (up to harm_micros), the rest → Slashed. The amount is the
/// reason's rate in slashing_rules, in basis points of the stake.
struct slash_request {
  id128 idempotency_key{};
  address provider;
  wire::SlashReason reason = wire::SlashReason::Downtime;
  address harmed_renter;             // zero: nobody to compensate
  int64_t harm_micros = 0;           // ≥ 0; > 0 needs harmed_renter
  int64_t offline_since_unix_s = 0;  // Downtime: offline since then
  int64_t now_unix_s = 0;
  byte_view request;
};

/// RenterBalance → DisputeBond(dispute_id), contesting the settlement of hold_id.
struct dispute_request {
  id128 dispute_id{};
  address renter;
  id128 hold_id{};
  int64_t bond_micros = 0;  // > 0
  int64_t now_unix_s = 0;
  byte_view request;
};

/// The arbiter's decision on an open dispute (see ledger::decide).
struct verdict_request {
  id128 dispute_id{};
  wire::VerdictOutcome outcome = wire::VerdictOutcome::Inconclusive;
  int64_t now_unix_s = 0;
  byte_view request;
};

}  // namespace agora::escrow
