// The hashes a ComputeProof binds (schemas/proof_hash.hpp): their byte layouts, spelled out here
// independently of the implementation, and the properties a chain must have.
#include "schemas/proof_hash.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/keccak.hpp"

namespace agora::wire {
namespace {

TEST(ProofHash, ChainLayoutIsAsDocumented) {
  const hash256 zero{};
  const std::vector<uint32_t> tokens{0x01020304, 7};
  bytes expected(zero.begin(), zero.end());
  const bytes tail{0,   0,  0, 5,  // index 5
                   0,   0,  0, 2,  // two tokens
                   1,   2,  3, 4,  // 0x01020304
                   0,   0,  0, 7,  // 7
                   0,   0,  0, 2,  // two bytes of text
                   'h', 'i'};
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(chain_next(zero, 5, tokens, "hi"), keccak256(expected));
}

TEST(ProofHash, ChainDependsOnOrderAndSplit) {
  const hash256 zero{};
  const std::vector<uint32_t> a{1}, b{2}, ab{1, 2};
  const hash256 one_then_two = chain_next(chain_next(zero, 0, a, "x"), 1, b, "y");
  const hash256 two_then_one = chain_next(chain_next(zero, 0, b, "y"), 1, a, "x");
  EXPECT_NE(one_then_two, two_then_one);
  EXPECT_NE(one_then_two, chain_next(zero, 0, ab, "xy"));
  EXPECT_EQ(one_then_two, chain_next(chain_next(zero, 0, a, "x"), 1, b, "y"));
  // Text and tokens are length-prefixed: moving a byte across the boundary changes the hash.
  EXPECT_NE(chain_next(zero, 0, {}, "ab"), chain_next(zero, 0, std::vector<uint32_t>{0x61}, "b"));
}

TEST(ProofHash, OutputAndInputHashes) {
  EXPECT_EQ(output_hash_text("hello"), keccak256(as_bytes("hello")));
  const std::vector<float> values{1.0f, -2.0f};
  const bytes little_endian{0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0};
  EXPECT_EQ(output_hash_embedding(values), keccak256(little_endian));
  const bytes payload{1, 2, 3};
  EXPECT_EQ(input_hash(payload), keccak256(payload));
}

}  // namespace
}  // namespace agora::wire
