// Chat templates: the formats of the Jinja `chat_template` strings in tokenizer_config.json that
// the engine reproduces without a Jinja interpreter. The format is recognised by its markers and
// rendered in C++ to exactly the text the Jinja template gives for system/user/assistant turns.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace agora::kernels {

enum class chat_format {
  chatml,       // <|im_start|>role\ncontent<|im_end|>\n (Qwen, many fine-tunes)
  llama3,       // <|begin_of_text|><|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>
                // (3.1+: a system turn with "Cutting Knowledge Date" always comes first)
  llama2_inst,  // <s>[INST] <<SYS>>\nsys\n<</SYS>>\n\nuser [/INST] answer </s> (Llama-2 chat)
  zephyr,       // <|user|>\ncontent</s>\n (TinyLlama-Chat, Zephyr)
  plain,        // "role: content\n" ... "assistant:" (actors/worker/chat_prompt.cpp)
};

class chat_template {
 public:
  /// The plain template.
  chat_template() = default;

  /// Recognises `jinja` (tokenizer_config.json `chat_template`) by its markers: <|im_start|> →
  /// chatml, <|start_header_id|> → llama3, [INST] → llama2_inst, <|user|> → zephyr, else plain.
  /// `bos_token`/`eos_token` are the texts the template's bos_token/eos_token stand for ("" →
  /// the format's usual ones).
  static chat_template recognise(std::string_view jinja, std::string bos_token,
                                 std::string eos_token);

  /// The prompt for `messages` (role, content) as the Jinja template renders it, ending with the
  /// assistant header when `add_generation_prompt`. Unknown roles are rendered by chatml, llama3
  /// and plain, and skipped by llama2_inst and zephyr, as their templates do; llama2_inst does not
  /// check that roles alternate (its template raises an exception there).
  std::string render(std::span<const std::pair<std::string, std::string>> messages,
                     bool add_generation_prompt) const;

  chat_format format() const { return format_; }

  /// Whether the rendered text already starts with the BOS token text (llama3, llama2_inst).
  bool includes_bos() const;

  /// How to encode the rendered text: HF `apply_chat_template` encodes with
  /// add_special_tokens=False, since the template writes every special token itself; only the
  /// plain fallback, which writes none, asks for the post-processor's (BOS) tokens.
  bool encode_add_special() const { return format_ == chat_format::plain; }

  /// Llama-3.1+ templates: the date their system turn states ("26 Jul 2024", the template's
  /// literal default; we never read the clock, so templates that would print today's date
  /// through strftime_now get this literal too). Empty for Llama-3.0 templates.
  const std::string& date_string() const { return date_string_; }

  /// ChatML's default system message, inserted when the first message is not a system message
  /// (Qwen2: "You are a helpful assistant."); empty when the template has none.
  const std::string& default_system() const { return default_system_; }

 private:
  std::string render_chatml(std::span<const std::pair<std::string, std::string>> messages,
                            bool add_generation_prompt) const;
  std::string render_llama3(std::span<const std::pair<std::string, std::string>> messages,
                            bool add_generation_prompt) const;
  std::string render_llama31(std::span<const std::pair<std::string, std::string>> messages,
                             bool add_generation_prompt) const;
  std::string render_llama2(std::span<const std::pair<std::string, std::string>> messages) const;
  std::string render_zephyr(std::span<const std::pair<std::string, std::string>> messages,
                            bool add_generation_prompt) const;

  chat_format format_ = chat_format::plain;
  std::string bos_;
  std::string eos_;
  std::string default_system_;
  std::string date_string_;
};

}  // namespace agora::kernels
