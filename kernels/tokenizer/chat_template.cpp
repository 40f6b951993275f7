// Chat templates (chat_template.hpp). Each render function mirrors one family's Jinja template
// as published in its tokenizer_config.json; comments quote the parts whose effect is subtle.

#include "kernels/tokenizer/chat_template.hpp"

#include <unicode/uchar.h>

#include "core/assert.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

bool is_python_space(char32_t cp) {
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) || (cp >= 0x1C && cp <= 0x1F);
}

// Python's str.strip() (Jinja's `trim` filter and `.strip()` on strings).
std::string strip(std::string_view text) {
  size_t begin = 0;
  size_t end = 0;  // one past the last non-space code point
  size_t pos = 0;
  bool seen = false;
  while (pos < text.size()) {
    const utf8_step s = utf8_next(text, pos);
    if (!(s.valid && is_python_space(s.code_point))) {
      if (!seen)
        begin = pos;
      seen = true;
      end = pos + s.length;
    }
    pos += s.length;
  }
  return seen ? std::string(text.substr(begin, end - begin)) : std::string();
}

// ChatML templates that open with a default system turn ("<|im_start|>system\n...<|im_end|>"
// written as a Jinja literal when messages[0] is not a system message): that default text.
std::string chatml_default_system(std::string_view jinja) {
  if (jinja.find("!= 'system'") == std::string_view::npos &&
      jinja.find("!= \"system\"") == std::string_view::npos)
    return "";
  for (std::string_view opener : {"<|im_start|>system\n", "<|im_start|>system\\n"}) {
    const size_t at = jinja.find(opener);
    if (at == std::string_view::npos)
      continue;
    const size_t from = at + opener.size();
    const size_t end = jinja.find("<|im_end|>", from);
    if (end == std::string_view::npos)
      return "";
    const std::string_view text = jinja.substr(from, end - from);
    if (text.find_first_of("{}'\"") != std::string_view::npos)
      return "";  // not a plain literal
    return std::string(text);
  }
  return "";
}

// Llama-3.1+ templates: the literal of `set date_string = "..."`, "26 Jul 2024" if none is found.
std::string llama31_date(std::string_view jinja) {
  if (jinja.find("Cutting Knowledge Date") == std::string_view::npos)
    return "";
  constexpr std::string_view marker = "set date_string = \"";
  const size_t at = jinja.find(marker);
  const size_t end = at == std::string_view::npos ? at : jinja.find('"', at + marker.size());
  if (end == std::string_view::npos)
    return "26 Jul 2024";
  return std::string(jinja.substr(at + marker.size(), end - at - marker.size()));
}

}  // namespace

chat_template chat_template::recognise(std::string_view jinja, std::string bos_token,
                                       std::string eos_token) {
  chat_template t;
  if (jinja.find("<|im_start|>") != std::string_view::npos) {
    t.format_ = chat_format::chatml;
    t.default_system_ = chatml_default_system(jinja);
  } else if (jinja.find("<|start_header_id|>") != std::string_view::npos) {
    t.format_ = chat_format::llama3;
    t.date_string_ = llama31_date(jinja);
  } else if (jinja.find("[INST]") != std::string_view::npos) {
    t.format_ = chat_format::llama2_inst;
  } else if (jinja.find("<|user|>") != std::string_view::npos) {
    t.format_ = chat_format::zephyr;
  }
  const bool llama3 = t.format_ == chat_format::llama3;
  t.bos_ = !bos_token.empty() ? std::move(bos_token) : llama3 ? "<|begin_of_text|>" : "<s>";
  t.eos_ = !eos_token.empty() ? std::move(eos_token) : llama3 ? "<|eot_id|>" : "</s>";
  return t;
}

bool chat_template::includes_bos() const {
  return format_ == chat_format::llama3 || format_ == chat_format::llama2_inst;
}

std::string chat_template::render(std::span<const std::pair<std::string, std::string>> messages,
                                  bool add_generation_prompt) const {
  switch (format_) {
  case chat_format::chatml: return render_chatml(messages, add_generation_prompt);
  case chat_format::llama3:
    if (!date_string_.empty())
      return render_llama31(messages, add_generation_prompt);
    return render_llama3(messages, add_generation_prompt);
  case chat_format::llama2_inst:
    return render_llama2(messages);  // the Llama-2 template ignores add_generation_prompt
  case chat_format::zephyr: return render_zephyr(messages, add_generation_prompt);
  case chat_format::plain: break;
  }
  // The same text as agora::actors::plain_chat_prompt (actors/worker/chat_prompt.cpp), which
  // always asks for the reply: "<role>: <content>\n" per message, then "assistant:".
  std::string out;
  for (const auto& [role, content] : messages)
    out += role + ": " + content + "\n";
  if (add_generation_prompt)
    out += "assistant:";
  return out;
}

// {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}
// {{ default system turn }}{% endif %}{{'<|im_start|>' + role + '\n' + content + '<|im_end|>'
// + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}
std::string
chat_template::render_chatml(std::span<const std::pair<std::string, std::string>> messages,
                             bool add_generation_prompt) const {
  std::string out;
  if (!default_system_.empty() && !messages.empty() && messages[0].first != "system")
    out += "<|im_start|>system\n" + default_system_ + "<|im_end|>\n";
  for (const auto& [role, content] : messages)
    out += "<|im_start|>" + role + "\n" + content + "<|im_end|>\n";
  if (add_generation_prompt)
    out += "<|im_start|>assistant\n";
  return out;
}

// Each turn: '<|start_header_id|>' + role + '<|end_header_id|>\n\n' + content | trim +
// '<|eot_id|>', the first one prefixed by bos_token.
std::string
chat_template::render_llama3(std::span<const std::pair<std::string, std::string>> messages,
                             bool add_generation_prompt) const {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i == 0)
      out += bos_;
    out += "<|start_header_id|>" + messages[i].first + "<|end_header_id|>\n\n" +
           strip(messages[i].second) + "<|eot_id|>";
  }
  if (add_generation_prompt)
    out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

// Llama-3.1+ (without tools): bos_token, then always a system turn "Cutting Knowledge Date:
// December 2023\nToday Date: " + date_string + "\n\n" + the trimmed system message (or ""), then
// the other turns as in Llama-3.
std::string
chat_template::render_llama31(std::span<const std::pair<std::string, std::string>> messages,
                              bool add_generation_prompt) const {
  const bool has_system = !messages.empty() && messages[0].first == "system";
  std::string out = bos_ + "<|start_header_id|>system<|end_header_id|>\n\n";
  out += "Cutting Knowledge Date: December 2023\nToday Date: " + date_string_ + "\n\n";
  out += (has_system ? strip(messages[0].second) : std::string()) + "<|eot_id|>";
  for (size_t i = has_system ? 1 : 0; i < messages.size(); ++i)
    out += "<|start_header_id|>" + messages[i].first + "<|end_header_id|>\n\n" +
           strip(messages[i].second) + "<|eot_id|>";
  if (add_generation_prompt)
    out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

// A leading system message folds into the first turn as '<<SYS>>\n' + system + '\n<</SYS>>\n\n';
// user turns: bos_token + '[INST] ' + content.strip() + ' [/INST]'; assistant turns:
// ' ' + content.strip() + ' ' + eos_token. Other roles print nothing.
std::string
chat_template::render_llama2(std::span<const std::pair<std::string, std::string>> messages) const {
  const bool has_system = !messages.empty() && messages[0].first == "system";
  std::string out;
  for (size_t i = has_system ? 1 : 0; i < messages.size(); ++i) {
    const auto& [role, text] = messages[i];
    std::string content = text;
    if (has_system && i == 1)
      content = "<<SYS>>\n" + messages[0].second + "\n<</SYS>>\n\n" + text;
    if (role == "user")
      out += bos_ + "[INST] " + strip(content) + " [/INST]";
    if (role == "assistant")
      out += " " + strip(content) + " " + eos_;
  }
  return out;
}

// '<|' + role + '|>\n' + content + eos_token, then a newline (the template's text after '}}'
// survives trim_blocks); the generation prompt '<|assistant|>\n' follows the last message.
std::string
chat_template::render_zephyr(std::span<const std::pair<std::string, std::string>> messages,
                             bool add_generation_prompt) const {
  std::string out;
  for (const auto& [role, content] : messages)
    if (role == "user" || role == "system" || role == "assistant")
      out += "<|" + role + "|>\n" + content + eos_ + "\n";
  if (add_generation_prompt && !messages.empty())
    out += "<|assistant|>\n";
  return out;
}

}  // namespace agora::kernels
