// The simulation's fast signatures (sim/fast_signatures.hpp): while installed, every signature
// still binds the exact bytes to the one key that made it (a tampered payload, another signer, a
// signature the scheme did not make are refused, through the same core and envelope calls the
// actors use), and secp256k1 is back once the scope ends.
#include <gtest/gtest.h>

#include "core/signature.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"
#include "sim/fast_signatures.hpp"
#include "sim/market.hpp"

namespace agora::sim {
namespace {

private_key key_from(uint64_t seed) {
  seeded_random rng(seed);
  return private_key::generate(rng);
}

bytes deposit_frame(const private_key& k) {
  wire::DepositT m;
  m.depositor = wire::to_wire(k.address());
  m.account = wire::to_wire(k.address());
  m.amount_micros = 1'000;
  m.idempotency_key = wire::to_wire(wire::id128{1});
  m.created_unix_s = epoch_unix_s;
  return wire::seal(m, k);
}

TEST(fast_signatures, bind_the_bytes_to_the_signer) {
  const private_key alice = key_from(1), bob = key_from(2);
  const bytes message = {1, 2, 3, 4};
  fast_signatures fast;
  const scoped_signature_scheme installed(&fast);
  const signature sig = personal_sign(alice, message);
  EXPECT_EQ(recover_personal(sig, message).value(), alice.address());
  EXPECT_TRUE(verify_personal(sig, message, alice.address()));
  EXPECT_EQ(personal_sign(alice, message), sig);  // deterministic, as RFC 6979 is
  EXPECT_NE(personal_sign(bob, message), sig);

  const status wrong_signer = verify_personal(sig, message, bob.address());
  ASSERT_FALSE(wrong_signer);
  EXPECT_EQ(wrong_signer.error().code, errc::bad_signature);

  bytes tampered = message;
  tampered[2] ^= 1;
  EXPECT_FALSE(recover_personal(sig, tampered));
  signature forged = sig;  // bob's address over alice's MAC
  const address bob_address = bob.address();
  std::copy(bob_address.raw().begin(), bob_address.raw().end(), forged.begin());
  EXPECT_FALSE(recover_personal(forged, message));
  signature bad_mac = sig;
  bad_mac[30] ^= 1;
  EXPECT_FALSE(recover_personal(bad_mac, message));
}

TEST(fast_signatures, refuse_what_the_scheme_did_not_sign) {
  const private_key alice = key_from(1), stranger = key_from(3);
  const bytes message = {9, 9};
  const signature real = personal_sign(stranger, message);  // secp256k1
  fast_signatures fast;
  const scoped_signature_scheme installed(&fast);
  EXPECT_FALSE(recover_personal(real, message));
  signature unknown{};  // the layout of a fast signature, by a key that never signed
  const address stranger_address = stranger.address();
  std::copy(stranger_address.raw().begin(), stranger_address.raw().end(), unknown.begin());
  unknown[64] = 27;
  EXPECT_FALSE(recover_personal(unknown, message));
  (void)personal_sign(alice, message);
  EXPECT_FALSE(recover_personal(unknown, message));
}

TEST(fast_signatures, envelopes_open_only_untouched_frames) {
  const private_key alice = key_from(1);
  fast_signatures fast;
  const scoped_signature_scheme installed(&fast);
  const bytes sealed = deposit_frame(alice);
  auto opened = wire::open(sealed);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->signer(), alice.address());
  bytes tampered = sealed;
  tampered[tampered.size() / 2] ^= 0x40;
  EXPECT_FALSE(wire::open(tampered));
}

TEST(fast_signatures, secp256k1_returns_when_the_scope_ends) {
  const private_key alice = key_from(1);
  const bytes message = {5};
  signature fast_sig{};
  {
    fast_signatures fast;
    const scoped_signature_scheme installed(&fast);
    fast_sig = personal_sign(alice, message);
    {
      const scoped_signature_scheme none(nullptr);  // installs nothing: fast stays
      EXPECT_EQ(recover_personal(fast_sig, message).value(), alice.address());
    }
    EXPECT_EQ(recover_personal(fast_sig, message).value(), alice.address());
  }
  EXPECT_FALSE(recover_personal(fast_sig, message));
  const signature real = personal_sign(alice, message);
  EXPECT_NE(real, fast_sig);
  EXPECT_EQ(recover_personal(real, message).value(), alice.address());
}

// A whole world on fast signatures still catches a liar through a dispute, and restores
// secp256k1 after it.
TEST(fast_signatures, a_world_on_them_still_slashes_a_liar) {
  auto s = load_scenario(std::string(AGORA_SCENARIO_DIR) + "/wrong_result_dispute.json");
  ASSERT_TRUE(s) << s.error().message;
  s->crypto = crypto_kind::fast;
  const private_key k = key_from(4);
  const bytes message = {7};
  const signature real = personal_sign(k, message);  // secp256k1: no scheme installed yet
  const run_report r = run_scenario(*s);
  EXPECT_TRUE(r.ok());
  EXPECT_GT(r.disputes, 0u);
  EXPECT_GT(r.slashed, 0);
  EXPECT_NE(std::find(r.options.begin(), r.options.end(), "signatures fast"), r.options.end());
  EXPECT_EQ(recover_personal(real, message).value(), k.address());  // fast would refuse it
}

}  // namespace
}  // namespace agora::sim
