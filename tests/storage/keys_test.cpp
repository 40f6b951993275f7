// Tests for storage/keys: each field encoding sorts like its values, composite keys sort like
// tuples, keys decode back to their fields, and damaged keys are errc::corrupt.
#include "storage/keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <tuple>

#include "core/random.hpp"

namespace agora::storage {
namespace {

bool key_less(const bytes& a, const bytes& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

bytes str_key(std::string_view s) {
  return key_builder().str(s).take();
}

TEST(keys, u64_order_matches_numeric_order) {
  seeded_random rng(11);
  std::vector<uint64_t> values = {0, 1, 255, 256, UINT64_MAX - 1, UINT64_MAX};
  for (int i = 0; i < 200; ++i)
    values.push_back(rng.next() >> rng.uniform(64));
  for (uint64_t a : values) {
    for (uint64_t b : values)
      EXPECT_EQ(a < b, key_less(key_builder().u64(a).take(), key_builder().u64(b).take()));
  }
}

TEST(keys, i64_order_matches_numeric_order_across_sign) {
  seeded_random rng(12);
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -256, -1, 0, 1, 256,
                                 std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 200; ++i)
    values.push_back(static_cast<int64_t>(rng.next()) >> rng.uniform(64));
  for (int64_t a : values) {
    for (int64_t b : values)
      EXPECT_EQ(a < b, key_less(key_builder().i64(a).take(), key_builder().i64(b).take()));
  }
}

TEST(keys, str_order_matches_lexicographic_order_with_zeros_and_prefixes) {
  using namespace std::string_literals;
  std::vector<std::string> values = {""s,    "\0"s,  "\0\0"s, "\0\xff"s, "\x01"s,
                                     "a"s,   "a\0"s, "a\0b"s, "a\x01"s,  "ab"s,
                                     "abc"s, "b"s,   "\xff"s, "\xff\0"s};
  for (const auto& a : values) {
    for (const auto& b : values) {
      bool less =
          std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                       [](char x, char y) { return uint8_t(x) < uint8_t(y); });
      EXPECT_EQ(less, key_less(str_key(a), str_key(b)))
          << to_hex(as_bytes(a)) << " vs " << to_hex(as_bytes(b));
    }
  }
}

TEST(keys, composite_keys_sort_like_tuples) {
  seeded_random rng(13);
  using tuple = std::tuple<std::string, int64_t, uint64_t>;
  std::vector<tuple> tuples;
  const char* words[] = {"", "a", "ab", "b", "alice", "bob"};
  for (int i = 0; i < 300; ++i) {
    std::string word = words[rng.uniform(6)];
    if (rng.uniform(4) == 0)
      word.push_back('\0');
    tuples.emplace_back(word, static_cast<int64_t>(rng.uniform(7)) - 3, rng.uniform(5));
  }
  std::vector<std::pair<bytes, tuple>> keyed;
  for (const auto& t : tuples)
    keyed.emplace_back(
        key_builder().str(std::get<0>(t)).i64(std::get<1>(t)).u64(std::get<2>(t)).take(), t);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& x, const auto& y) { return key_less(x.first, y.first); });
  for (size_t i = 1; i < keyed.size(); ++i)
    EXPECT_FALSE(keyed[i].second < keyed[i - 1].second) << "position " << i;
}

TEST(keys, composite_key_round_trips) {
  hash256 hash{};
  hash[0] = 0xAB;
  hash[31] = 0x01;
  std::string name("pro\0vider", 9);
  bytes key = key_builder().u8(7).str(name).fixed(hash).i64(-42).u64(1234567890123ULL).take();
  key_reader reader(key);
  EXPECT_EQ(*reader.u8(), 7);
  EXPECT_EQ(*reader.str(), name);
  EXPECT_EQ(*reader.fixed<32>(), hash);
  EXPECT_EQ(*reader.i64(), -42);
  EXPECT_EQ(*reader.u64(), 1234567890123ULL);
  EXPECT_TRUE(reader.done());
}

TEST(keys, damaged_keys_are_corrupt) {
  bytes key = key_builder().u64(5).take();
  key_reader short_reader(byte_view(key).first(7));
  auto truncated = short_reader.u64();
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, errc::corrupt);

  const bytes unterminated = {'a', 'b'};
  auto open_string = key_reader(unterminated).str();
  ASSERT_FALSE(open_string);
  EXPECT_EQ(open_string.error().code, errc::corrupt);

  const bytes bad_escape = {'a', 0x00, 0x02, 0x00, 0x01};
  auto escaped = key_reader(bad_escape).str();
  ASSERT_FALSE(escaped);
  EXPECT_EQ(escaped.error().code, errc::corrupt);

  auto missing = key_reader(key).fixed<9>();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::corrupt);
}

TEST(keys, prefix_end_bounds_exactly_the_prefix) {
  EXPECT_EQ(prefix_end(bytes{0x01, 0x02}), (bytes{0x01, 0x03}));
  EXPECT_EQ(prefix_end(bytes{0x01, 0xFF, 0xFF}), (bytes{0x02}));
  EXPECT_EQ(prefix_end(bytes{0xFF, 0xFF}), std::nullopt);
  EXPECT_EQ(prefix_end(bytes{}), std::nullopt);
  bytes prefix = key_builder().str("acct").u64(3).take();
  bytes end = *prefix_end(prefix);
  EXPECT_TRUE(key_less(key_builder().str("acct").u64(3).u64(UINT64_MAX).take(), end));
  EXPECT_FALSE(key_less(key_builder().str("acct").u64(4).take(), end));
}

}  // namespace
}  // namespace agora::storage
