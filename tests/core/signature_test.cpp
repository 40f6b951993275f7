// Signatures: viem's published vectors for Anvil account #0, the EIP-191 digest of "hello",
// determinism, low s, recovery, and refusal of malformed, high-s and out-of-range signatures.
#include "core/signature.hpp"

#include <gtest/gtest.h>

namespace agora {
namespace {

constexpr const char* anvil_key =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr const char* anvil_address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// viem: account.signMessage({message: 'hello world'}) with Anvil account #0.
constexpr const char* hello_world_signature =
    "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf1"
    "5fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b";
// viem: sign({hash: 0x9a74cb85…54ae}) with Anvil account #0; its v is 28.
constexpr const char* second_digest =
    "9a74cb859ad30835ffb2da406423233c212cf6dd78e6c2c98b0c9289568954ae";
constexpr const char* second_signature =
    "0xc4d8bcda762d35ea79d9542b23200f46c2c1899db15bf929bbacaf609581db08"
    "31538374a01206517edd934e474212a0f1e2d62e9a01cd64f1cf94ea2e0988491c";
// secp256k1's group order n, for building the high-s twin of a signature.
constexpr const char* curve_order =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

private_key anvil() {
  return private_key::from_hex(anvil_key).value();
}

hash256 digest_of(const char* hex) {
  return from_hex_fixed<32>(hex).value();
}

// (n - s, v flipped): the same point, the malleable twin Ethereum's homestead rule forbids.
signature high_s_twin(signature sig) {
  auto order = from_hex(curve_order).value();
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    int v = order[i] - sig[32 + i] - borrow;
    borrow = v < 0 ? 1 : 0;
    sig[32 + i] = static_cast<uint8_t>(v + 256 * borrow);
  }
  sig[64] = sig[64] == 27 ? 28 : 27;
  return sig;
}

TEST(signature, personal_message_digest_of_hello) {
  EXPECT_EQ(to_hex0x(personal_message_digest(as_bytes("hello"))),
            "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750");
  EXPECT_EQ(to_hex0x(personal_message_digest(as_bytes("hello world"))),
            "0xd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68");
}

TEST(signature, personal_sign_matches_viem) {
  auto sig = personal_sign(anvil(), as_bytes("hello world"));
  EXPECT_EQ(to_hex0x(sig), hello_world_signature);
  EXPECT_EQ(to_hex0x(sign_digest(anvil(), digest_of(second_digest))), second_signature);
}

TEST(signature, recovers_published_signatures) {
  auto sig = parse_signature(hello_world_signature).value();
  EXPECT_EQ(recover_personal(sig, as_bytes("hello world"))->to_string(), anvil_address);
  auto second = parse_signature(second_signature).value();
  EXPECT_EQ(recover_digest(second, digest_of(second_digest))->to_string(), anvil_address);
}

TEST(signature, signing_is_deterministic_low_s_and_recovers_the_signer) {
  seeded_random rng{42};
  for (int i = 0; i < 32; ++i) {
    auto key = private_key::generate(rng);
    std::string message = "message " + std::to_string(i);
    auto sig = personal_sign(key, as_bytes(message));
    EXPECT_EQ(sig, personal_sign(key, as_bytes(message)));
    EXPECT_LT(sig[32], 0x80);  // s ≤ n/2 starts below 0x80
    EXPECT_TRUE(sig[64] == 27 || sig[64] == 28);
    EXPECT_EQ(recover_personal(sig, as_bytes(message)).value(), key.address());
    EXPECT_TRUE(verify_personal(sig, as_bytes(message), key.address()));
  }
}

TEST(signature, verify_names_the_recovered_signer_on_mismatch) {
  auto sig = parse_signature(hello_world_signature).value();
  auto other = address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value();
  auto st = verify_personal(sig, as_bytes("hello world"), other);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::bad_signature);
  EXPECT_NE(st.error().message.find(anvil_address), std::string::npos);
  // A different message recovers some other address.
  EXPECT_FALSE(verify_personal(sig, as_bytes("hello world!"), anvil().address()));
}

TEST(signature, parse_normalises_v_0_and_1) {
  std::string text = hello_world_signature;
  text.replace(text.size() - 2, 2, "00");
  EXPECT_EQ(parse_signature(text).value()[64], 27);
  text.replace(text.size() - 2, 2, "01");
  EXPECT_EQ(parse_signature(text).value()[64], 28);
}

TEST(signature, parse_refuses_bad_v_and_bad_hex) {
  std::string text = hello_world_signature;
  text.replace(text.size() - 2, 2, "1d");  // v = 29
  EXPECT_EQ(parse_signature(text).error().code, errc::bad_signature);
  EXPECT_EQ(parse_signature(text.substr(0, 130)).error().code, errc::malformed);
  EXPECT_EQ(parse_signature(text + "00").error().code, errc::malformed);
  text[5] = 'z';
  EXPECT_EQ(parse_signature(text).error().code, errc::malformed);
}

TEST(signature, recover_refuses_v_outside_27_28) {
  auto sig = parse_signature(hello_world_signature).value();
  for (uint8_t v : {0, 1, 26, 29, 255}) {
    sig[64] = v;
    EXPECT_EQ(recover_personal(sig, as_bytes("hello world")).error().code, errc::bad_signature);
  }
}

TEST(signature, recover_refuses_the_high_s_twin) {
  auto sig = parse_signature(hello_world_signature).value();
  auto twin = high_s_twin(sig);
  EXPECT_GE(twin[32], 0x80);
  auto recovered = recover_personal(twin, as_bytes("hello world"));
  ASSERT_FALSE(recovered);
  EXPECT_EQ(recovered.error().code, errc::bad_signature);
}

TEST(signature, recover_refuses_zero_and_overflowing_r) {
  auto sig = parse_signature(hello_world_signature).value();
  std::fill(sig.begin(), sig.begin() + 32, 0);
  EXPECT_EQ(recover_personal(sig, as_bytes("hello world")).error().code, errc::bad_signature);
  std::fill(sig.begin(), sig.begin() + 32, 0xff);
  EXPECT_EQ(recover_personal(sig, as_bytes("hello world")).error().code, errc::bad_signature);
  sig = parse_signature(hello_world_signature).value();
  std::fill(sig.begin() + 32, sig.begin() + 64, 0);
  EXPECT_EQ(recover_personal(sig, as_bytes("hello world")).error().code, errc::bad_signature);
}

}  // namespace
}  // namespace agora
