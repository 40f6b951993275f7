// derived_id (schemas/derived_id.hpp): the first 16 bytes of keccak-256(tag ‖ party ‖ subject),
// recomputed here; different tags, parties or subjects give different ids.
#include "schemas/derived_id.hpp"

#include <gtest/gtest.h>

#include "core/keccak.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::wire {
namespace {

TEST(derived_id, is_the_keccak_prefix_of_tag_party_and_subject) {
  const address party = samples::test_key(1).address();
  const bytes subject{1, 2, 3};
  bytes input{'t', 'a', 'g'};
  input.insert(input.end(), party.raw().begin(), party.raw().end());
  input.insert(input.end(), subject.begin(), subject.end());
  const hash256 digest = keccak256(input);
  const id128 id = derived_id("tag", party, subject);
  EXPECT_TRUE(std::equal(id.begin(), id.end(), digest.begin()));
  EXPECT_NE(derived_id("tag", party), id);
  EXPECT_NE(derived_id("gat", party, subject), id);
  EXPECT_NE(derived_id("tag", samples::test_key(2).address(), subject), id);
}

}  // namespace
}  // namespace agora::wire
