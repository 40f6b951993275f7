// Tests of the relay's replay window (actors/relay/replay_window.hpp): ids are remembered until
// their expiry, forgotten after it, and the window is bounded.
#include "actors/relay/replay_window.hpp"

#include <gtest/gtest.h>

namespace agora::relay {
namespace {

bytes id_of(uint8_t fill) {
  return bytes(16, fill);
}

TEST(replay_window_test, remembers_until_expiry_then_forgets) {
  replay_window window(8);
  ASSERT_TRUE(window.insert(id_of(1), 160).ok());
  ASSERT_TRUE(window.insert(id_of(2), 100).ok());
  EXPECT_TRUE(window.contains(id_of(1)));
  EXPECT_FALSE(window.contains(id_of(3)));
  window.expire(100);  // expiry is inclusive
  EXPECT_TRUE(window.contains(id_of(2)));
  window.expire(101);
  EXPECT_FALSE(window.contains(id_of(2)));
  EXPECT_TRUE(window.contains(id_of(1)));
  EXPECT_EQ(window.size(), 1u);
  window.expire(161);
  EXPECT_EQ(window.size(), 0u);
}

TEST(replay_window_test, is_bounded) {
  replay_window window(2);
  ASSERT_TRUE(window.insert(id_of(1), 10).ok());
  ASSERT_TRUE(window.insert(id_of(2), 20).ok());
  const status full = window.insert(id_of(3), 30);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, errc::limit_exceeded);
  window.expire(11);
  EXPECT_TRUE(window.insert(id_of(3), 30).ok());
  EXPECT_EQ(window.size(), 2u);
}

}  // namespace
}  // namespace agora::relay
