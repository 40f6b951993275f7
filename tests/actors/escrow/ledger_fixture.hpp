// Test fixture for the escrow ledger: a ledger over an in-memory store on a shared memory_env,
// so a test can close and reopen it (recovery), plus makers for ids, addresses and sealed
// ComputeProofs built from tests/schemas/samples.hpp.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "actors/escrow/ledger.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::escrow::testing {

using wire::samples::now_s;

inline id128 id_of(uint8_t fill) {
  return wire::samples::make_id(fill);
}

inline address address_of(uint8_t fill) {
  address::raw_type raw{};
  raw.fill(fill);
  return address{raw};
}

/// What a proof claims; the rest comes from samples.hpp's valid ComputeProof.
struct proof_claim {
  address renter;
  id128 task_id{};
  id128 hold_id{};
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
  int64_t price_micros = 0;
};

/// A ComputeProof for `claim`, sealed by `key` (whose address it names as provider).
inline bytes seal_proof(const private_key& key, const proof_claim& claim) {
  wire::ComputeProofT proof = wire::samples::sample(std::type_identity<wire::ComputeProof>{}, key);
  proof.renter = wire::to_wire(claim.renter);
  proof.task_id = wire::to_wire(claim.task_id);
  proof.hold_id = wire::to_wire(claim.hold_id);
  proof.prompt_tokens = claim.prompt_tokens;
  proof.completion_tokens = claim.completion_tokens;
  proof.price_per_million_tokens_micros = claim.price_micros;
  return wire::seal(proof, key);
}

class ledger_test : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.escrow = address_of(0xe5);
    options_.verify = true;  // tests check conservation after every operation, in any build
    open_ledger();
  }

  void open_ledger() {
    auto db = storage::store::open(
        storage::store_options{.path = "/escrow", .in_memory = true, .memory = memory_});
    ASSERT_TRUE(db) << db.error().to_string();
    db_ = std::move(*db);
    auto opened = ledger::open(*db_, options_);
    ASSERT_TRUE(opened) << opened.error().to_string();
    ledger_ = std::move(*opened);
  }

  /// Closes the store and reopens it; the rebuilt state must equal the one before.
  void reopen_and_expect_same_state() {
    const ledger_state before = ledger_->state();
    ledger_.reset();
    ASSERT_TRUE(db_->close());
    db_.reset();
    open_ledger();
    EXPECT_TRUE(ledger_->state() == before) << "state after reopen differs";
  }

  int64_t balance(const account_key& key) const { return ledger_->balance(key); }

  void deposit(const address& account, int64_t micros, uint8_t key_fill) {
    auto done = ledger_->deposit({.idempotency_key = id_of(key_fill),
                                  .account = account,
                                  .amount_micros = micros,
                                  .now_unix_s = now_s});
    ASSERT_TRUE(done) << done.error().to_string();
  }

  void hold(const id128& hold_id, const address& renter, int64_t micros, const id128& task) {
    auto done = ledger_->hold({.hold_id = hold_id,
                               .renter = renter,
                               .amount_micros = micros,
                               .subject_id = task,
                               .now_unix_s = now_s,
                               .expires_unix_s = now_s + 600});
    ASSERT_TRUE(done) << done.error().to_string();
  }

  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  ledger_options options_;
  std::unique_ptr<storage::store> db_;
  std::unique_ptr<ledger> ledger_;
};

}  // namespace agora::escrow::testing
