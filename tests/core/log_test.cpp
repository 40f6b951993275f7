// Tests for logging setup and JSON escaping.
#include "core/log.hpp"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(log, json_escape_escapes_quotes_backslashes_and_controls) {
  EXPECT_EQ(json_escape("plain"), "plain");
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("line\nnext\t"), "line\\nnext\\t");
  EXPECT_EQ(json_escape(std::string_view("\x01", 1)), "\\u0001");
  EXPECT_EQ(json_escape("ünïcode ✓"), "ünïcode ✓");
}

TEST(log, setup_accepts_known_levels_and_refuses_unknown_ones) {
  EXPECT_TRUE(setup_logging({"debug", false}));
  EXPECT_TRUE(setup_logging({"off", true}));  // may run twice in one process
  auto st = setup_logging({"chatty", false});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora
