// Tests for stop sequences over streamed text: nothing that may begin a stop sequence leaks out,
// the stop sequence itself never does, and the released text is the same however it is split.
#include "kernels/engine/stop_matcher.hpp"

#include <gtest/gtest.h>

namespace agora::kernels {
namespace {

// Streams `text` in pieces of `size` bytes; returns what was released.
std::string stream(stop_matcher& matcher, std::string_view text, size_t size) {
  std::string out;
  for (size_t at = 0; at < text.size() && !matcher.matched(); at += size) {
    out += matcher.push(text.substr(at, size));
  }
  if (!matcher.matched())
    out += matcher.finish();
  return out;
}

TEST(stop_matcher, without_stops_everything_is_released_at_once) {
  stop_matcher matcher({});
  EXPECT_EQ(matcher.push("hello"), "hello");
  EXPECT_EQ(matcher.finish(), "");
}

TEST(stop_matcher, holds_back_a_possible_start_of_a_stop_sequence) {
  stop_matcher matcher({"END"});
  EXPECT_EQ(matcher.push("abcE"), "abc");
  EXPECT_EQ(matcher.push("N"), "");
  EXPECT_EQ(matcher.push("x"), "ENx");  // "ENx" cannot begin "END" any more
  EXPECT_FALSE(matcher.matched());
}

TEST(stop_matcher, cuts_before_the_earliest_stop_sequence) {
  stop_matcher matcher({"world", "lo w"});
  EXPECT_EQ(matcher.push("hello world"), "hel");
  EXPECT_TRUE(matcher.matched());
}

TEST(stop_matcher, the_same_text_whatever_the_split) {
  std::string text = "one two\n\nthree\n\nfour";
  for (size_t size = 1; size <= text.size(); ++size) {
    stop_matcher matcher({"\n\n"});
    EXPECT_EQ(stream(matcher, text, size), "one two") << size;
    EXPECT_TRUE(matcher.matched());
  }
}

TEST(stop_matcher, finish_returns_a_held_prefix_that_never_completed) {
  stop_matcher matcher({"STOP"});
  EXPECT_EQ(matcher.push("abST"), "ab");
  EXPECT_EQ(matcher.finish(), "ST");
}

}  // namespace
}  // namespace agora::kernels
