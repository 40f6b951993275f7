// Tests for streaming decode (stream_decoder in kernels/tokenizer/tokenizer.hpp): pieces are
// always whole UTF-8 characters and concatenate to the full decode, for every fixture kind.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "kernels/tokenizer/tokenizer.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

const std::filesystem::path fixtures =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests" / "fixtures" / "tokenizers";

tokenizer load_fixture(const std::string& name) {
  auto tok = tokenizer::load(fixtures / name);
  AGORA_ASSERT(tok.ok());
  return std::move(*tok);
}

// Streams `ids`; every piece must be valid UTF-8. Returns the pieces.
std::vector<std::string> stream(const tokenizer& tok, const std::vector<uint32_t>& ids,
                                bool skip_special) {
  stream_decoder s(tok, skip_special);
  std::vector<std::string> pieces;
  for (uint32_t id : ids)
    pieces.push_back(s.push(id));
  pieces.push_back(s.finish());
  for (const std::string& p : pieces)
    EXPECT_TRUE(utf8_valid(p)) << p;
  return pieces;
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string out;
  for (const std::string& p : pieces)
    out += p;
  return out;
}

TEST(tokenizer_stream, emoji_over_byte_tokens_arrives_whole) {
  const tokenizer gpt2 = load_fixture("gpt2");
  EXPECT_EQ(stream(gpt2, {172, 253, 246, 222}, true),
            (std::vector<std::string>{"", "", "", "\xF0\x9F\x98\x80", ""}));
  const tokenizer llama2 = load_fixture("llama2");
  const std::vector<std::string> pieces = stream(llama2, {274, 270, 243, 162, 155, 131, 276}, true);
  EXPECT_EQ(pieces[0], "the");
  EXPECT_EQ(pieces[1], " ");
  EXPECT_EQ(pieces[2] + pieces[3] + pieces[4] + pieces[5], "");  // the byte group is still open
  EXPECT_EQ(pieces[6], "\xF0\x9F\x98\x80 cat");
}

TEST(tokenizer_stream, unfinished_character_at_the_end_becomes_replacement) {
  const tokenizer gpt2 = load_fixture("gpt2");
  EXPECT_EQ(joined(stream(gpt2, {64, 172, 253}, true)), "a\xEF\xBF\xBD");
}

TEST(tokenizer_stream, concatenation_equals_decode_for_the_corpus) {
  std::ifstream in(fixtures / "corpus.json");
  std::stringstream text;
  text << in.rdbuf();
  const boost::json::value corpus = boost::json::parse(text.str());
  for (const char* kind : {"gpt2", "llama3", "chatml", "llama2", "metaspace"}) {
    const tokenizer tok = load_fixture(kind);
    for (const auto& t : corpus.at("texts").as_array()) {
      const std::vector<uint32_t> ids = tok.encode(std::string(t.as_string()), true);
      for (bool skip : {true, false})
        EXPECT_EQ(joined(stream(tok, ids, skip)), tok.decode(ids, skip)) << kind << ": " << t;
    }
  }
}

TEST(tokenizer_stream, special_tokens_between_words) {
  const tokenizer llama2 = load_fixture("llama2");
  const std::vector<uint32_t> ids = {1, 274, 2, 1, 276};  // <s> ▁the </s> <s> ▁cat
  EXPECT_EQ(joined(stream(llama2, ids, true)), "the cat");
  EXPECT_EQ(joined(stream(llama2, ids, false)), "<s> the</s><s> cat");
}

// Random id sequences (seeded, so every run sees the same ones) mix byte tokens that form invalid
// and truncated UTF-8 with pieces and special tokens: the stream must still match decode.
TEST(tokenizer_stream, random_ids_match_decode) {
  std::mt19937 prng(20261123);
  for (const char* kind : {"gpt2", "llama3", "llama2", "metaspace"}) {
    const tokenizer tok = load_fixture(kind);
    std::uniform_int_distribution<uint32_t> pick(0, tok.vocab_size() + 2);  // a few unknown ids
    for (int round = 0; round < 200; ++round) {
      std::vector<uint32_t> ids(round % 23);
      for (uint32_t& id : ids)
        id = pick(prng);
      for (bool skip : {true, false})
        EXPECT_EQ(joined(stream(tok, ids, skip)), tok.decode(ids, skip)) << kind << " " << round;
    }
  }
}

// Random text (valid UTF-8 from a mixed alphabet) round-trips through encode and decode.
TEST(tokenizer_stream, random_text_round_trips) {
  const std::vector<std::string> alphabet = {"a",
                                             "Z",
                                             " ",
                                             "  ",
                                             "\n",
                                             "\t",
                                             "'s",
                                             "1",
                                             "42",
                                             ".",
                                             "\xC3\xA9",
                                             "\xE4\xBD\xA0",
                                             "\xF0\x9F\x98\x80",
                                             "\xE2\x80\x8D",
                                             "the",
                                             " cat",
                                             "\r\n",
                                             "\xC2\xA0"};
  std::mt19937 prng(7);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  for (const char* kind : {"gpt2", "llama3", "llama2"}) {
    const tokenizer tok = load_fixture(kind);
    for (int round = 0; round < 300; ++round) {
      std::string text;
      for (int i = 0; i < round % 17; ++i)
        text += alphabet[pick(prng)];
      const std::vector<uint32_t> ids = tok.encode(text, true);
      EXPECT_EQ(tok.decode(ids, true), text) << kind;
      EXPECT_EQ(joined(stream(tok, ids, true)), text) << kind;
    }
  }
}

}  // namespace
}  // namespace agora::kernels
