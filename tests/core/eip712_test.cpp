// EIP-712 against the published vectors: the EIP's Mail/Person example (eth_signTypedData_v3) and
// MetaMask's v4 example with arrays, both down to the exact signature; then every atomic type's
// encoding, range checks and error messages, and EIP-3009 TransferWithAuthorization.
#include "core/eip712.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <functional>

#include "core/keccak.hpp"
#include "core/signature.hpp"

namespace agora {
namespace {

namespace json = boost::json;
using eip712::encode_type;
using eip712::hash_struct;
using eip712::type_hash;
using eip712::typed_data_digest;

constexpr const char* domain_types = R"(
  "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                   {"name": "chainId", "type": "uint256"},
                   {"name": "verifyingContract", "type": "address"}])";
constexpr const char* mail_domain = R"({"name": "Ether Mail", "version": "1", "chainId": 1,
  "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"})";

// The EIP-712 text's example.
const json::object mail_types = json::parse(std::string{"{"} + domain_types + R"(,
  "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
  "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
           {"name": "contents", "type": "string"}]})")
                                    .as_object();
const json::value mail_message = json::parse(R"({
  "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
  "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
  "contents": "Hello, Bob!"})");

// MetaMask eth-sig-util's signTypedData_v4 example: arrays of addresses and of structs.
const json::object group_types = json::parse(std::string{"{"} + domain_types + R"(,
  "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
  "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"},
           {"name": "contents", "type": "string"}],
  "Group": [{"name": "name", "type": "string"}, {"name": "members", "type": "Person[]"}]})")
                                     .as_object();
const json::value group_message = json::parse(R"({
  "from": {"name": "Cow", "wallets": ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",
                                      "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},
  "to": [{"name": "Bob", "wallets": ["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB",
                                     "0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57",
                                     "0xB0B0b0b0b0b0B000000000000000000000000000"]}],
  "contents": "Hello, Bob!"})");

std::string hex0x(const result<hash256>& h) {
  EXPECT_TRUE(h) << h.error().to_string();
  return h ? to_hex0x(*h) : "";
}

private_key cow() {
  return private_key::from_bytes(keccak256(as_bytes("cow"))).value();
}

TEST(eip712, mail_example_hashes) {
  EXPECT_EQ(encode_type(mail_types, "Mail").value(),
            "Mail(Person from,Person to,string contents)Person(string name,address wallet)");
  EXPECT_EQ(hex0x(type_hash(mail_types, "Mail")),
            "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
  EXPECT_EQ(hex0x(type_hash(mail_types, "Person")),
            "0xb9d8c78acf9b987311de6c7b45bb6a9c8e1bf361fa7fd3467a2163f994c79500");
  EXPECT_EQ(hex0x(type_hash(mail_types, "EIP712Domain")),
            "0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f");
  EXPECT_EQ(hex0x(hash_struct(mail_types, "EIP712Domain", json::parse(mail_domain))),
            "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
  EXPECT_EQ(hex0x(hash_struct(mail_types, "Mail", mail_message)),
            "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
  EXPECT_EQ(hex0x(typed_data_digest(mail_types, json::parse(mail_domain), "Mail", mail_message)),
            "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
}

TEST(eip712, mail_example_signature_is_exact) {
  EXPECT_EQ(cow().address().to_string(), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  auto digest = typed_data_digest(mail_types, json::parse(mail_domain), "Mail", mail_message);
  auto sig = sign_digest(cow(), digest.value());
  EXPECT_EQ(to_hex0x(sig),
            "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
            "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562"
            "1c");  // v = 28
  EXPECT_EQ(recover_digest(sig, *digest).value(), cow().address());
}

TEST(eip712, v4_example_with_arrays) {
  EXPECT_EQ(encode_type(group_types, "Mail").value(),
            "Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)");
  EXPECT_EQ(hex0x(type_hash(group_types, "Mail")),
            "0x4bd8a9a2b93427bb184aca81e24beb30ffa3c747e2a33d4225ec08bf12e2e753");
  EXPECT_EQ(hex0x(hash_struct(group_types, "Mail", group_message)),
            "0xeb4221181ff3f1a83ea7313993ca9218496e424604ba9492bb4052c03d5c3df8");
  auto digest = typed_data_digest(group_types, json::parse(mail_domain), "Mail", group_message);
  EXPECT_EQ(hex0x(digest), "0xa85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2");
  EXPECT_EQ(to_hex0x(sign_digest(cow(), digest.value())),
            "0x65cbd956f2fae28a601bebc9b906cea0191744bd4c4247bcd27cd08f8eb6b71c"
            "78efdf7a31dc9abee78f492292721f362d296cf86b4538e07b51303b67f749061b");
}

// MetaMask eth-sig-util's v4 example with a recursive type: absent parents encode as zero.
TEST(eip712, v4_example_with_recursive_types) {
  auto types = json::parse(std::string{"{"} + domain_types + R"(,
    "Person": [{"name": "name", "type": "string"}, {"name": "mother", "type": "Person"},
               {"name": "father", "type": "Person"}]})")
                   .as_object();
  auto domain = json::parse(R"({"name": "Family Tree", "version": "1", "chainId": 1,
    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"})");
  auto message = json::parse(R"({"name": "Jon",
    "mother": {"name": "Lyanna", "father": {"name": "Rickard"}},
    "father": {"name": "Rhaegar", "father": {"name": "Aeris II"}}})");
  EXPECT_EQ(encode_type(types, "Person").value(),
            "Person(string name,Person mother,Person father)");
  EXPECT_EQ(hex0x(type_hash(types, "Person")),
            "0x7c5c8e90cb92c8da53b893b24962513be98afcf1b57b00327ae4cc14e3a64116");
  EXPECT_EQ(hex0x(hash_struct(types, "Person", message.at("mother"))),
            "0x9ebcfbf94f349de50bcb1e3aa4f1eb38824457c99914fefda27dcf9f99f6178b");
  EXPECT_EQ(hex0x(hash_struct(types, "Person", message.at("father"))),
            "0xb852e5abfeff916a30cb940c4e24c43cfb5aeb0fa8318bdb10dd2ed15c8c70d8");
  EXPECT_EQ(hex0x(hash_struct(types, "Person", message)),
            "0xfdc7b6d35bbd81f7fa78708604f57569a10edff2ca329c8011373f0667821a45");
  EXPECT_EQ(hex0x(hash_struct(types, "EIP712Domain", domain)),
            "0xfacb2c1888f63a780c84c216bd9a81b516fc501a19bae1fc81d82df590bbdc60");
  auto digest = typed_data_digest(types, domain, "Person", message);
  EXPECT_EQ(hex0x(digest), "0x807773b9faa9879d4971b43856c4d60c2da15c6f8c062bd9d33afefb756de19c");
  auto dragon = private_key::from_bytes(keccak256(as_bytes("dragon"))).value();
  EXPECT_EQ(to_hex0x(sign_digest(dragon, digest.value())),
            "0xf2ec61e636ff7bb3ac8bc2a4cc2c8b8f635dd1b2ec8094c963128b358e79c85c"
            "5ca6dd637ed7e80f0436fe8fce39c0e5f2082c9517fe677cc2917dcd6c84ba881c");
  // An explicit null is the same as an absent struct.
  message.at("mother").as_object()["mother"] = nullptr;
  EXPECT_EQ(hex0x(hash_struct(types, "Person", message)),
            "0xfdc7b6d35bbd81f7fa78708604f57569a10edff2ca329c8011373f0667821a45");
}

TEST(eip712, dependencies_sort_alphabetically_after_the_primary_type) {
  auto types = json::parse(R"({
    "Z": [{"name": "b", "type": "B"}, {"name": "a", "type": "A[2]"}],
    "B": [{"name": "x", "type": "uint8"}],
    "A": [{"name": "b", "type": "B"}, {"name": "z", "type": "Z[]"}]})")
                   .as_object();
  EXPECT_EQ(encode_type(types, "Z").value(), "Z(B b,A[2] a)A(B b,Z[] z)B(uint8 x)");
  EXPECT_EQ(encode_type(types, "B").value(), "B(uint8 x)");
}

// ---------------------------------------------------------------------------------------------
// Encoding of each atomic type, checked against hand-built encodeData words

// hash_struct of {"v": value} for a one-field struct T(`type` v).
result<hash256> hash_one(const std::string& type, const json::value& value) {
  auto types = json::parse(R"({"T": [{"name": "v", "type": ")" + type + R"("}]})").as_object();
  return hash_struct(types, "T", json::object{{"v", value}});
}

// keccak256(typeHash(T) ‖ word) for the same one-field struct.
std::string expected_one(const std::string& type, const std::string& word_hex) {
  auto th = keccak256(as_bytes("T(" + type + " v)"));
  auto data = from_hex(to_hex(th) + word_hex).value();
  return to_hex0x(keccak256(data));
}

std::string word(const std::string& hex_digits, char fill = '0') {
  return std::string(64 - hex_digits.size(), fill) + hex_digits;
}

TEST(eip712, integers_in_every_accepted_form) {
  EXPECT_EQ(hex0x(hash_one("uint256", 1000000)), expected_one("uint256", word("0f4240")));
  EXPECT_EQ(hex0x(hash_one("uint256", "1000000")), expected_one("uint256", word("0f4240")));
  EXPECT_EQ(hex0x(hash_one("uint256", "0xF4240")), expected_one("uint256", word("0f4240")));
  EXPECT_EQ(hex0x(hash_one("uint64", UINT64_MAX)),
            expected_one("uint64", word("ffffffffffffffff")));
  EXPECT_EQ(hex0x(hash_one("int8", -1)), expected_one("int8", word("", 'f')));
  EXPECT_EQ(hex0x(hash_one("int8", "-128")), expected_one("int8", word("80", 'f')));
  EXPECT_EQ(hex0x(hash_one("int8", 127)), expected_one("int8", word("7f")));
  EXPECT_EQ(hex0x(hash_one("int256", "-0x1")), expected_one("int256", word("", 'f')));
  EXPECT_EQ(hex0x(hash_one("uint8", "-0")), expected_one("uint8", word("")));
  const char* max256 =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  EXPECT_EQ(hex0x(hash_one("uint256", max256)), expected_one("uint256", word("", 'f')));
}

TEST(eip712, integers_out_of_range_are_refused) {
  const char* over256 =
      "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  const char* two_255 = "0x8000000000000000000000000000000000000000000000000000000000000000";
  for (auto [type, value] :
       std::vector<std::pair<std::string, json::value>>{{"uint8", 256},
                                                        {"uint8", -1},
                                                        {"int8", 128},
                                                        {"int8", -129},
                                                        {"int8", "-0x81"},
                                                        {"uint256", over256},
                                                        {"int256", two_255},
                                                        {"uint32", "4294967296"},
                                                        {"uint256", 1.5},
                                                        {"uint256", "12a"},
                                                        {"uint256", true},
                                                        {"uint256", "0x"},
                                                        {"uint256", ""}}) {
    auto h = hash_one(type, value);
    EXPECT_FALSE(h) << type << " " << json::serialize(value);
    if (!h) {
      EXPECT_NE(h.error().message.find("T.v"), std::string::npos) << h.error().message;
    }
  }
  EXPECT_TRUE(hash_one("int256", json::string{std::string{"-"} + two_255}));
}

TEST(eip712, bool_bytes_string_and_address) {
  EXPECT_EQ(hex0x(hash_one("bool", true)), expected_one("bool", word("1")));
  EXPECT_EQ(hex0x(hash_one("bool", false)), expected_one("bool", word("")));
  EXPECT_EQ(hex0x(hash_one("bytes4", "0xdeadbeef")),
            expected_one("bytes4", "deadbeef" + std::string(56, '0')));
  EXPECT_EQ(hex0x(hash_one("bytes", "0xdeadbeef")),
            expected_one("bytes", to_hex(keccak256(from_hex("deadbeef").value()))));
  EXPECT_EQ(hex0x(hash_one("string", "Hello")),
            expected_one("string", to_hex(keccak256(as_bytes("Hello")))));
  EXPECT_EQ(hex0x(hash_one("address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")),
            expected_one("address", word("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")));
  EXPECT_FALSE(hash_one("bool", 1));
  EXPECT_FALSE(hash_one("bytes4", "0xdeadbe"));
  EXPECT_FALSE(hash_one("bytes4", "deadbeef"));
  EXPECT_FALSE(hash_one("string", 5));
  EXPECT_FALSE(hash_one("address", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
}

TEST(eip712, fixed_arrays_hash_their_concatenated_elements) {
  std::string words = word("1") + word("2");
  auto elements = keccak256(from_hex(words).value());
  EXPECT_EQ(hex0x(hash_one("uint8[2]", json::array{1, 2})),
            expected_one("uint8[2]", to_hex(elements)));
  EXPECT_EQ(hex0x(hash_one("uint8[]", json::array{1, 2})),
            expected_one("uint8[]", to_hex(elements)));
  auto wrong_length = hash_one("uint8[3]", json::array{1, 2});
  ASSERT_FALSE(wrong_length);
  EXPECT_NE(wrong_length.error().message.find("expected 3 elements"), std::string::npos);
  EXPECT_FALSE(hash_one("uint8[]", 1));
  EXPECT_FALSE(hash_one("uint8[]", json::array{1, 300}));
}

TEST(eip712, errors_name_the_field_and_type) {
  json::value message = mail_message;
  message.as_object()["to"].as_object().erase("wallet");
  auto missing = hash_struct(mail_types, "Mail", message);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("Mail.to.wallet"), std::string::npos);

  auto types = json::parse(R"({"T": [{"name": "v", "type": "Thing"}]})").as_object();
  auto unknown = encode_type(types, "T");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("Thing"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("T.v"), std::string::npos);
  EXPECT_FALSE(encode_type(types, "Absent"));
  for (const char* bad : {"uint7", "uint264", "int0", "bytes33", "bytes0", "uint", "uint8[x]"})
    EXPECT_FALSE(hash_one(bad, 1)) << bad;
  EXPECT_FALSE(hash_struct(mail_types, "Mail", json::array{}));
  EXPECT_FALSE(typed_data_digest(mail_types, json::object{}, "Mail", mail_message));
}

TEST(eip712, uint256_from_decimal) {
  EXPECT_EQ(to_hex(eip712::uint256_from_decimal("0").value()), word(""));
  EXPECT_EQ(to_hex(eip712::uint256_from_decimal("255").value()), word("ff"));
  EXPECT_EQ(to_hex(eip712::uint256_from_decimal("18446744073709551616").value()),
            word("10000000000000000"));
  EXPECT_EQ(eip712::uint256_from_decimal(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936")
                .error()
                .code,
            errc::overflow);
  EXPECT_EQ(eip712::uint256_from_decimal("").error().code, errc::malformed);
  EXPECT_EQ(eip712::uint256_from_decimal("-1").error().code, errc::malformed);
}

// ---------------------------------------------------------------------------------------------
// EIP-3009 TransferWithAuthorization

eip712::token_domain usdc_base_sepolia() {
  return {"USDC", "2", 84532, address::parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e").value()};
}

eip712::transfer_with_authorization sample_auth() {
  eip712::transfer_with_authorization auth;
  auth.from = address::parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").value();
  auth.to = address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value();
  auth.value = "1000000";
  auth.valid_after = "0";
  auth.valid_before = "1893456000";
  auth.nonce = keccak256(as_bytes("nonce 1"));
  return auth;
}

TEST(eip3009, type_hash_matches_the_token_contracts_constant) {
  auto types = json::parse(R"({"TransferWithAuthorization": [
    {"name": "from", "type": "address"}, {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"}, {"name": "validAfter", "type": "uint256"},
    {"name": "validBefore", "type": "uint256"}, {"name": "nonce", "type": "bytes32"}]})")
                   .as_object();
  EXPECT_EQ(hex0x(type_hash(types, "TransferWithAuthorization")),
            "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267");
}

TEST(eip3009, digest_is_deterministic_and_signable) {
  auto digest = eip712::transfer_with_authorization_digest(usdc_base_sepolia(), sample_auth());
  ASSERT_TRUE(digest) << digest.error().to_string();
  EXPECT_EQ(*digest,
            eip712::transfer_with_authorization_digest(usdc_base_sepolia(), sample_auth()).value());
  auto payer =
      private_key::from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
          .value();
  auto sig = sign_digest(payer, *digest);
  EXPECT_EQ(recover_digest(sig, *digest).value(), sample_auth().from);
}

TEST(eip3009, every_field_changes_the_digest) {
  const auto base =
      eip712::transfer_with_authorization_digest(usdc_base_sepolia(), sample_auth()).value();
  auto other = address::parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359").value();
  std::vector<std::function<void(eip712::token_domain&, eip712::transfer_with_authorization&)>>
      changes = {
          [&](auto&, auto& a) { a.from = other; },
          [&](auto&, auto& a) { a.to = other; },
          [](auto&, auto& a) { a.value = "1000001"; },
          [](auto&, auto& a) { a.valid_after = "1"; },
          [](auto&, auto& a) { a.valid_before = "1893456001"; },
          [](auto&, auto& a) { a.nonce[31] ^= 1; },
          [](auto& d, auto&) { d.name = "USD Coin"; },
          [](auto& d, auto&) { d.version = "1"; },
          [](auto& d, auto&) { d.chain_id = 8453; },
          [&](auto& d, auto&) { d.verifying_contract = other; },
      };
  for (size_t i = 0; i < changes.size(); ++i) {
    auto domain = usdc_base_sepolia();
    auto auth = sample_auth();
    changes[i](domain, auth);
    auto digest = eip712::transfer_with_authorization_digest(domain, auth);
    ASSERT_TRUE(digest) << i;
    EXPECT_NE(*digest, base) << "change " << i;
  }
}

TEST(eip3009, bad_amount_text_is_refused) {
  auto auth = sample_auth();
  auth.value = "1e6";
  auto digest = eip712::transfer_with_authorization_digest(usdc_base_sepolia(), auth);
  ASSERT_FALSE(digest);
  EXPECT_NE(digest.error().message.find("TransferWithAuthorization.value"), std::string::npos);
}

}  // namespace
}  // namespace agora
