// Addresses: EIP-55 examples from the EIP text round trip, wrong checksums and bad shapes refused.
#include "core/address.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace agora {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string upper_digits(std::string text) {
  std::transform(text.begin() + 2, text.end(), text.begin() + 2,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

class eip55_examples : public testing::TestWithParam<const char*> {};

TEST_P(eip55_examples, round_trip_in_every_accepted_case) {
  const std::string checksummed = GetParam();
  for (const std::string& text : {checksummed, lower(checksummed), upper_digits(checksummed)}) {
    auto parsed = address::parse(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().to_string();
    EXPECT_EQ(parsed->to_string(), checksummed);
  }
}

// From the EIP-55 text.
INSTANTIATE_TEST_SUITE_P(address, eip55_examples,
                         testing::Values("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                                         "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                                         "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                                         "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
                                         "0x52908400098527886E0F7030069857D2E4169EE7",
                                         "0xde709f2102306220921060314715629080e2fb77"));

TEST(address, wrong_mixed_case_checksum_is_refused) {
  // 0x5aAeb6…BeAed with the case of its first letter flipped.
  auto parsed = address::parse("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, errc::malformed);
  EXPECT_NE(parsed.error().message.find("bad EIP-55 checksum"), std::string::npos);
}

TEST(address, bad_shapes_are_refused) {
  for (const char* text :
       {"", "0x", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
        "0xgaaeb6053f3e94c9b9a09f33669435e7ef1beaed"}) {
    auto parsed = address::parse(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, errc::malformed) << text;
  }
}

TEST(address, zero) {
  EXPECT_TRUE(address{}.is_zero());
  EXPECT_EQ(address{}.to_string(), "0x0000000000000000000000000000000000000000");
  EXPECT_FALSE(address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")->is_zero());
}

TEST(address, orders_by_raw_bytes) {
  auto a = address::parse("0x0000000000000000000000000000000000000001").value();
  auto b = address::parse("0x0000000000000000000000000000000000000002").value();
  EXPECT_LT(a, b);
  EXPECT_EQ(a, address::parse("0x0000000000000000000000000000000000000001").value());
}

}  // namespace
}  // namespace agora
