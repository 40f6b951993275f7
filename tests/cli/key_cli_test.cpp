// `agora key` end to end: runs the real binary with a temporary key file and PRIVATE_KEY, through
// new → address → sign → verify, checks verify's exit codes (0 valid, 1 invalid, 2 malformed) and
// that an insecure key file is refused without printing key material.
#include <sys/stat.h>

#include "core/key.hpp"
#include "tests/cli/cli_test.hpp"

namespace agora {
namespace {

constexpr const char* anvil_key =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr const char* anvil_address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// viem's personal_sign of "hello world" with Anvil account #0.
constexpr const char* hello_world_signature =
    "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf1"
    "5fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b";

using key_cli = cli_test;

TEST_F(key_cli, new_address_sign_verify_round_trip) {
  const std::string key_file = (dir_ / "node.key").string();
  outcome created = agora({"key", "new", "--out", key_file});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  struct stat info {};
  ASSERT_EQ(::stat(key_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string address = private_key::load(key_file)->address().to_string();
  EXPECT_NE(created.out.find(address), std::string::npos);
  EXPECT_EQ(created.out.find(slurp(key_file).substr(0, 64)), std::string::npos);

  outcome shown = agora({"key", "address", "--key-file", key_file});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.last_line(), address);

  outcome signed_message = agora({"key", "sign", "--key-file", key_file, "--message", "hi there"});
  ASSERT_EQ(signed_message.exit_code, 0) << signed_message.err;
  const std::string sig = signed_message.last_line();
  EXPECT_EQ(sig.size(), 2u + 130u);

  outcome valid =
      agora({"key", "verify", "--message", "hi there", "--signature", sig, "--address", address});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  outcome other_message =
      agora({"key", "verify", "--message", "hi there!", "--signature", sig, "--address", address});
  EXPECT_EQ(other_message.exit_code, 1);
  EXPECT_FALSE(other_message.err.empty());
}

TEST_F(key_cli, private_key_variable_matches_published_vectors) {
  for (std::string key : {std::string{anvil_key}, "0x" + std::string{anvil_key}}) {
    outcome shown = agora({"key", "address"}, key);
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_EQ(shown.last_line(), anvil_address);
    outcome sig = agora({"key", "sign", "--message", "hello world"}, key);
    ASSERT_EQ(sig.exit_code, 0) << sig.err;
    EXPECT_EQ(sig.last_line(), hello_world_signature);
  }
}

TEST_F(key_cli, verify_exit_codes) {
  auto verify = [&](const std::string& message, const std::string& sig, const std::string& addr) {
    return agora({"key", "verify", "--message", message, "--signature", sig, "--address", addr})
        .exit_code;
  };
  EXPECT_EQ(verify("hello world", hello_world_signature, anvil_address), 0);
  EXPECT_EQ(
      verify("hello world", hello_world_signature, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
      1);
  EXPECT_EQ(verify("hello world", "0x1234", anvil_address), 2);
  EXPECT_EQ(verify("hello world", hello_world_signature, "0xf39f"), 2);
  EXPECT_EQ(verify("hello world", hello_world_signature,
                   "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),  // bad EIP-55 checksum
            2);
  std::string bad_v = hello_world_signature;
  bad_v.replace(bad_v.size() - 2, 2, "1d");
  EXPECT_EQ(verify("hello world", bad_v, anvil_address), 2);
}

TEST_F(key_cli, insecure_key_file_is_refused_without_printing_the_key) {
  const auto key_file = dir_ / "open.key";
  std::ofstream{key_file} << anvil_key << "\n";
  std::filesystem::permissions(key_file, std::filesystem::perms{0644});
  const std::vector<std::vector<std::string>> commands = {
      {"key", "address", "--key-file", key_file.string()},
      {"key", "sign", "--key-file", key_file.string(), "--message", "x"}};
  for (const auto& args : commands) {
    outcome refused = agora(args, anvil_key);  // the key file wins over PRIVATE_KEY
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("insecure key file"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("0644"), std::string::npos) << refused.err;
    EXPECT_EQ((refused.out + refused.err).find(anvil_key), std::string::npos);
  }
}

TEST_F(key_cli, key_errors_never_echo_the_key) {
  const std::string almost = std::string{anvil_key}.substr(0, 63) + "g";
  outcome bad = agora({"key", "address"}, almost);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ((bad.out + bad.err).find(almost.substr(0, 32)), std::string::npos) << bad.err;
  outcome missing = agora({"key", "address"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("PRIVATE_KEY"), std::string::npos);
}

TEST_F(key_cli, new_prints_a_labelled_key_or_refuses_to_overwrite) {
  outcome printed = agora({"key", "new"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto key_at = printed.out.find("private key: ");
  const auto address_at = printed.out.find("address:");
  ASSERT_NE(key_at, std::string::npos);
  ASSERT_NE(address_at, std::string::npos);
  auto key = private_key::from_hex(printed.out.substr(key_at + 13, 66));
  ASSERT_TRUE(key);
  EXPECT_NE(printed.out.find(key->address().to_string()), std::string::npos);

  const auto key_file = dir_ / "taken.key";
  std::ofstream{key_file} << "existing";
  outcome refused = agora({"key", "new", "--out", key_file.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(slurp(key_file), "existing");
}

}  // namespace
}  // namespace agora
