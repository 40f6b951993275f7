// Private keys: known key → address vectors (Hardhat/Anvil account #0, ethers' docs key), range
// checks, hex and environment parsing, and the key-file rules (0600 only, never overwritten).
#include "core/key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace agora {
namespace {

constexpr const char* anvil_key =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr const char* anvil_address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// secp256k1's group order n.
constexpr const char* curve_order =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// A fresh directory per test, removed afterwards.
class key_files : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "agora-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& text, mode_t mode) {
    auto path = dir_ / name;
    std::ofstream{path} << text;
    std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
    return path;
  }

  std::filesystem::path dir_;
};

TEST(private_key, anvil_account_0) {
  auto key = private_key::from_hex(std::string{"0x"} + anvil_key);
  ASSERT_TRUE(key) << key.error().to_string();
  EXPECT_EQ(key->address().to_string(), anvil_address);
}

TEST(private_key, ethers_documentation_key) {
  auto key =
      private_key::from_hex("0x0123456789012345678901234567890123456789012345678901234567890123");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->address().to_string(), "0x14791697260E4c9A71f18484C9f997B308e59325");
}

TEST(private_key, hex_without_prefix_and_in_upper_case) {
  std::string upper = anvil_key;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(private_key::from_hex(anvil_key)->address().to_string(), anvil_address);
  EXPECT_EQ(private_key::from_hex(upper)->address().to_string(), anvil_address);
}

TEST(private_key, malformed_hex_is_refused_without_echo) {
  std::string bad = anvil_key;
  bad[10] = 'g';
  for (const std::string& text :
       {bad, std::string{anvil_key}.substr(2), std::string{}, std::string{anvil_key} + "00"}) {
    auto key = private_key::from_hex(text);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, errc::malformed);
    EXPECT_EQ(key.error().message.find(std::string{anvil_key}.substr(10, 20)), std::string::npos);
  }
}

TEST(private_key, zero_and_values_not_below_the_order_are_refused) {
  const std::string zero(64, '0');
  auto order = from_hex(curve_order).value();
  auto above = order;
  above.back() = 0x42;
  for (const auto& raw : {from_hex(zero).value(), order, above, bytes(32, 0xff)}) {
    auto key = private_key::from_bytes(raw);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, errc::invalid_argument);
  }
  auto below = order;
  below.back() = 0x40;  // n - 1 is the largest key
  EXPECT_TRUE(private_key::from_bytes(below));
  EXPECT_FALSE(private_key::from_bytes(bytes(31, 1)));
}

TEST(private_key, generate_is_deterministic_for_a_seeded_source) {
  seeded_random a{7};
  seeded_random b{7};
  seeded_random c{8};
  auto first = private_key::generate(a);
  EXPECT_EQ(first.secret(), private_key::generate(b).secret());
  EXPECT_NE(first.secret(), private_key::generate(c).secret());
  os_random os;
  EXPECT_NE(private_key::generate(os).secret(), private_key::generate(os).secret());
}

TEST(private_key, from_env_with_and_without_prefix) {
  ::setenv("AGORA_TEST_KEY", anvil_key, 1);
  EXPECT_EQ(private_key::from_env("AGORA_TEST_KEY")->address().to_string(), anvil_address);
  ::setenv("AGORA_TEST_KEY", (std::string{"0x"} + anvil_key + "\n").c_str(), 1);
  EXPECT_EQ(private_key::from_env("AGORA_TEST_KEY")->address().to_string(), anvil_address);
  ::setenv("AGORA_TEST_KEY", "0x1234", 1);
  EXPECT_EQ(private_key::from_env("AGORA_TEST_KEY").error().code, errc::malformed);
  ::unsetenv("AGORA_TEST_KEY");
  auto missing = private_key::from_env("AGORA_TEST_KEY");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST_F(key_files, load_accepts_0600_and_0400_with_trailing_newline) {
  for (mode_t mode : {0600, 0400}) {
    auto path = write("key" + std::to_string(mode), std::string{anvil_key} + " \n", mode);
    auto key = private_key::load(path);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->address().to_string(), anvil_address);
  }
}

TEST_F(key_files, load_refuses_files_others_can_read) {
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    auto path = write("key", anvil_key, mode);
    auto key = private_key::load(path);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, errc::insecure_key_file);
    EXPECT_NE(key.error().message.find(path.string()), std::string::npos);
    EXPECT_EQ(key.error().message.find(anvil_key), std::string::npos);
    std::filesystem::remove(path);
  }
  auto key = private_key::load(write("key", anvil_key, 0644));
  EXPECT_NE(key.error().message.find("0644"), std::string::npos);
}

TEST_F(key_files, load_reports_missing_and_malformed_files) {
  EXPECT_EQ(private_key::load(dir_ / "absent").error().code, errc::not_found);
  auto bad = private_key::load(write("bad", "not a key", 0600));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::malformed);
  EXPECT_EQ(private_key::load(dir_).error().code, errc::invalid_argument);
}

TEST_F(key_files, save_writes_0600_and_refuses_to_overwrite) {
  auto key = private_key::from_hex(anvil_key).value();
  auto path = dir_ / "saved";
  ASSERT_TRUE(key.save(path));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(private_key::load(path)->secret(), key.secret());
  auto again = key.save(path);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::already_exists);
  EXPECT_EQ(private_key::load(path)->secret(), key.secret());
}

}  // namespace
}  // namespace agora
