// The decoder (decoder.hpp): each step rewrites the list of token strings, as the decoders of HF
// `tokenizers/src/decoders/` do.

#include "kernels/tokenizer/decoder.hpp"

#include <optional>

#include "core/assert.hpp"
#include "kernels/tokenizer/byte_level.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

std::string replace_all(const std::string& text, const std::string& pattern,
                        const std::string& with) {
  if (pattern.empty())
    return text;
  std::string out;
  size_t from = 0;
  for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, from)) {
    out.append(text, from, at - from);
    out.append(with);
    from = at + pattern.size();
  }
  out.append(text, from);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// The byte of a "<0xAB>" token, if `token` is one (HF ByteFallback reads two hex digits).
std::optional<uint8_t> byte_token(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>')
    return {};
  const int hi = hex_digit(token[3]);
  const int lo = hex_digit(token[4]);
  if (hi < 0 || lo < 0)
    return {};
  return static_cast<uint8_t>(hi * 16 + lo);
}

void byte_level(std::vector<std::string>& tokens) {
  std::string bytes;
  for (const std::string& t : tokens)
    if (!byte_level_decode(t, bytes))
      bytes += t;  // a character outside the alphabet: raw bytes
  tokens.assign(1, utf8_lossy(bytes));
}

// Runs of byte tokens become their UTF-8 text, or one U+FFFD per byte when invalid.
void byte_fallback(std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  std::string group;
  size_t group_tokens = 0;
  auto flush = [&] {
    if (group_tokens == 0)
      return;
    if (utf8_valid(group)) {
      out.push_back(group);
    } else {
      for (size_t i = 0; i < group_tokens; ++i)
        out.emplace_back("\xEF\xBF\xBD");
    }
    group.clear();
    group_tokens = 0;
  };
  for (std::string& t : tokens) {
    if (const std::optional<uint8_t> b = byte_token(t)) {
      group += static_cast<char>(*b);
      ++group_tokens;
      continue;
    }
    flush();
    out.push_back(std::move(t));
  }
  flush();
  tokens = std::move(out);
}

// Strips up to `start` leading and `stop` trailing copies of the character `c` from a token.
void strip(std::string& token, const std::string& c, uint32_t start, uint32_t stop) {
  if (c.empty())
    return;
  for (uint32_t i = 0; i < start && token.compare(0, c.size(), c) == 0; ++i)
    token.erase(0, c.size());
  for (uint32_t i = 0; i < stop && token.size() >= c.size() &&
                       token.compare(token.size() - c.size(), c.size(), c) == 0;
       ++i)
    token.erase(token.size() - c.size());
}

}  // namespace

result<decoder> decoder::from_json(const boost::json::value* value, const json_place& place) {
  decoder d;
  if (value == nullptr)
    return d;
  d.present_ = true;
  status s = walk_components(value, place, "decoders",
                             [&d](const std::string& type, const boost::json::object& object,
                                  const json_place& at) { return d.add_leaf(type, object, at); });
  if (!s)
    return s.error();
  return d;
}

status decoder::add_leaf(const std::string& type, const boost::json::object& object,
                         const json_place& place) {
  step s;
  if (type == "ByteLevel") {
    s.what = kind::byte_level;
  } else if (type == "ByteFallback") {
    s.what = kind::byte_fallback;
  } else if (type == "Fuse") {
    s.what = kind::fuse;
  } else if (type == "Replace") {
    s.what = kind::replace;
    auto pattern = json_as_object(json_member(object, "pattern"), place.field("pattern"));
    if (!pattern)
      return pattern.error();
    auto literal = json_string(**pattern, "String", place.field("pattern"));
    if (!literal)
      return place.field("pattern").fail(errc::unsupported, "only String patterns are supported");
    auto content = json_string(object, "content", place);
    if (!content)
      return content.error();
    s.pattern = *literal;
    s.content = *content;
  } else if (type == "Strip") {
    s.what = kind::strip;
    auto content = json_string(object, "content", place);
    auto start = json_u32(object, "start", 0, place);
    auto stop = json_u32(object, "stop", 0, place);
    if (!content)
      return content.error();
    if (!start)
      return start.error();
    if (!stop)
      return stop.error();
    s.content = *content;
    s.start = *start;
    s.stop = *stop;
  } else if (type == "Metaspace") {
    s.what = kind::metaspace;
    auto replacement = json_string(object, "replacement", place);
    if (!replacement)
      return replacement.error();
    s.pattern = *replacement;
    auto legacy = json_bool(object, "add_prefix_space", true, place);
    if (!legacy)
      return legacy.error();
    s.strip_first = *legacy;
    if (const boost::json::value* scheme = json_member(object, "prepend_scheme"))
      s.strip_first = !(scheme->is_string() && scheme->get_string() == "never");
  } else {
    return place.field("type").fail(errc::unsupported, "decoder \"" + type + "\" is not supported");
  }
  steps_.push_back(std::move(s));
  return {};
}

void decoder::run(const step& s, std::vector<std::string>& tokens) {
  switch (s.what) {
  case kind::byte_level: return byte_level(tokens);
  case kind::byte_fallback: return byte_fallback(tokens);
  case kind::fuse: {
    std::string all;
    for (const std::string& t : tokens)
      all += t;
    tokens.assign(1, std::move(all));
    return;
  }
  case kind::replace:
    for (std::string& t : tokens)
      t = replace_all(t, s.pattern, s.content);
    return;
  case kind::strip:
    for (std::string& t : tokens)
      strip(t, s.content, s.start, s.stop);
    return;
  case kind::metaspace:
    // As HF `decoders/metaspace.rs`: in the first token every replacement character is dropped
    // (unless the scheme is "never"); elsewhere each becomes a space.
    for (size_t i = 0; i < tokens.size(); ++i)
      tokens[i] = replace_all(tokens[i], s.pattern, i == 0 && s.strip_first ? "" : " ");
    return;
  }
}

std::string decoder::decode(std::vector<std::string> tokens) const {
  std::string out;
  if (!present_) {
    for (size_t i = 0; i < tokens.size(); ++i)
      out += (i == 0 ? "" : " ") + tokens[i];
    return out;
  }
  for (const step& s : steps_)
    run(s, tokens);
  for (const std::string& t : tokens)
    out += t;
  return out;
}

bool decoder::has_byte_fallback() const {
  for (const step& s : steps_)
    if (s.what == kind::byte_fallback)
      return true;
  return false;
}

}  // namespace agora::kernels
