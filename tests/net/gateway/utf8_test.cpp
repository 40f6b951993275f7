// UTF-8 validation and the whole-character prefix of streamed text (net/gateway/utf8.hpp).
#include "net/gateway/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace agora::net {
namespace {

TEST(utf8, accepts_well_formed_text) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_TRUE(valid_utf8("\xef\xbf\xbf\xf4\x8f\xbf\xbf"));                // U+FFFF, U+10FFFF
}

TEST(utf8, refuses_malformed_text) {
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\x80"));              // a lone continuation byte
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong, three bytes
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // over U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // cut short
  EXPECT_FALSE(valid_utf8("a\xc3("));
}

TEST(utf8, holds_back_only_an_unfinished_last_character) {
  const std::string euro = "\xe2\x82\xac";
  EXPECT_EQ(utf8_complete_prefix("abc"), 3u);
  EXPECT_EQ(utf8_complete_prefix("ab" + euro), 5u);
  EXPECT_EQ(utf8_complete_prefix("ab" + euro.substr(0, 1)), 2u);
  EXPECT_EQ(utf8_complete_prefix("ab" + euro.substr(0, 2)), 2u);
  EXPECT_EQ(utf8_complete_prefix("\xf0\x9f\x98"), 0u);
  EXPECT_EQ(utf8_complete_prefix("ab\xff"), 3u);      // never valid: not held back
  EXPECT_EQ(utf8_complete_prefix("ab\xe2\x41"), 4u);  // broken already: not held back
}

}  // namespace
}  // namespace agora::net
