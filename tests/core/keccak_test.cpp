// Keccak-256 and SHA-256 against published vectors (Ethereum's empty-input hash, FIPS 180-2 "abc").
#include "core/keccak.hpp"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(keccak, empty_input_is_ethereums_well_known_hash) {
  EXPECT_EQ(to_hex(keccak256({})),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(keccak, is_not_sha3_256) {
  // SHA3-256("") is a7ffc6f8…; Ethereum's keccak uses the original padding.
  EXPECT_NE(to_hex(keccak256({})).substr(0, 8), "a7ffc6f8");
}

TEST(keccak, hello_world) {
  EXPECT_EQ(to_hex(keccak256(as_bytes("hello world"))),
            "47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad");
}

TEST(keccak, pieces_hash_as_the_whole) {
  keccak256_hasher hasher;
  hasher.update(as_bytes("hello"));
  hasher.update(as_bytes(""));
  hasher.update(as_bytes(" world"));
  EXPECT_EQ(hasher.finish(), keccak256(as_bytes("hello world")));
}

TEST(sha256, abc_matches_fips_180_2) {
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(sha256, empty_input) {
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace agora
