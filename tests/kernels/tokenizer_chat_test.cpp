// Tests for chat templates (kernels/tokenizer/chat_template.hpp): each expected prompt is what the
// family's Jinja template (as stored in tests/fixtures/tokenizers/*/tokenizer_config.json) renders.
#include "kernels/tokenizer/chat_template.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "kernels/tokenizer/tokenizer.hpp"

namespace agora::kernels {
namespace {

using messages = std::vector<std::pair<std::string, std::string>>;

const std::filesystem::path fixtures =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests" / "fixtures" / "tokenizers";

tokenizer load_fixture(const std::string& name) {
  auto tok = tokenizer::load(fixtures / name);
  AGORA_ASSERT(tok.ok());
  return std::move(*tok);
}

TEST(tokenizer_chat, chatml_with_default_system) {
  const tokenizer tok = load_fixture("chatml");
  const chat_template& t = tok.chat();
  EXPECT_EQ(t.format(), chat_format::chatml);
  EXPECT_FALSE(t.includes_bos());
  EXPECT_EQ(t.render(messages{{"user", "hi"}}, true),
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(t.render(messages{{"system", "S"}, {"user", "hi"}}, false),
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n");
  const std::vector<uint32_t> ids = tok.encode(t.render(messages{{"user", "hi"}}, true), false);
  EXPECT_EQ(ids.front(), 288u);  // <|im_start|>
  EXPECT_EQ(ids.back(), 198u);   // "\n" after "assistant"
}

TEST(tokenizer_chat, llama3_trims_content_and_writes_bos) {
  const tokenizer tok = load_fixture("llama3");
  const chat_template& t = tok.chat();
  EXPECT_EQ(t.format(), chat_format::llama3);
  EXPECT_TRUE(t.includes_bos());
  EXPECT_FALSE(t.encode_add_special());
  const std::string prompt = t.render(messages{{"system", "Be brief."}, {"user", " hi \n"}}, true);
  EXPECT_EQ(prompt,
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  const std::vector<uint32_t> ids = tok.encode(prompt, t.encode_add_special());
  EXPECT_EQ(ids[0], 293u);  // exactly one <|begin_of_text|>
  EXPECT_EQ(ids[1], 296u);
}

TEST(tokenizer_chat, llama31_always_opens_with_a_dated_system_turn) {
  const std::string jinja = "{{- bos_token }}{%- if not date_string is defined %}{%- set "
                            "date_string = \"26 Jul 2024\" %}{%- endif %}{{- \"<|start_header_"
                            "id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge "
                            "Date: December 2023\\n\" }}";
  const chat_template t = chat_template::recognise(jinja, "<|begin_of_text|>", "<|eot_id|>");
  EXPECT_EQ(t.format(), chat_format::llama3);
  EXPECT_EQ(t.date_string(), "26 Jul 2024");
  EXPECT_EQ(t.render(messages{{"user", "hi"}}, true),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  EXPECT_EQ(t.render(messages{{"system", " S "}, {"user", "hi"}}, false),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nS<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>");
}

TEST(tokenizer_chat, llama2_inst_folds_the_system_message) {
  const tokenizer tok = load_fixture("llama2");
  const chat_template& t = tok.chat();
  EXPECT_EQ(t.format(), chat_format::llama2_inst);
  EXPECT_TRUE(t.includes_bos());
  EXPECT_EQ(
      t.render(messages{{"system", "S"}, {"user", "U1 "}, {"assistant", " A1"}, {"user", "U2"}},
               true),
      "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU1 [/INST] A1 </s><s>[INST] U2 [/INST]");
  EXPECT_EQ(t.render(messages{{"user", "hi"}}, true), "<s>[INST] hi [/INST]");
  const std::vector<uint32_t> ids = tok.encode("<s>[INST] hi [/INST]", false);
  EXPECT_EQ(ids[0], 1u);
  EXPECT_NE(ids[1], 1u);
}

TEST(tokenizer_chat, zephyr_and_plain) {
  const chat_template z =
      chat_template::recognise("{{ '<|user|>\n' + message['content'] }}", "<s>", "</s>");
  EXPECT_EQ(z.format(), chat_format::zephyr);
  EXPECT_EQ(z.render(messages{{"system", "S"}, {"user", "U"}}, true),
            "<|system|>\nS</s>\n<|user|>\nU</s>\n<|assistant|>\n");
  const tokenizer gpt2 = load_fixture("gpt2");  // its config has no chat_template
  EXPECT_EQ(gpt2.chat().format(), chat_format::plain);
  EXPECT_TRUE(gpt2.chat().encode_add_special());
  // The same text as actors/worker/chat_prompt.cpp's plain_chat_prompt.
  EXPECT_EQ(gpt2.chat().render(messages{{"system", "S"}, {"user", "hi"}}, true),
            "system: S\nuser: hi\nassistant:");
  EXPECT_EQ(chat_template::recognise("{{ messages }}", "", "").format(), chat_format::plain);
}

}  // namespace
}  // namespace agora::kernels
