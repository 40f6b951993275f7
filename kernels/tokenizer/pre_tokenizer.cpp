// The pre-tokenizer (pre_tokenizer.hpp): each step maps every current piece to sub-pieces, as HF
// `PreTokenizedString::split` does.

#include "kernels/tokenizer/pre_tokenizer.hpp"

#include "core/assert.hpp"
#include "kernels/tokenizer/byte_level.hpp"

namespace agora::kernels {
namespace {

std::string replace_spaces(std::string_view text, std::string_view with) {
  std::string out;
  for (char c : text) {
    if (c == ' ')
      out += with;
    else
      out += c;
  }
  return out;
}

}  // namespace

result<pre_tokenizer> pre_tokenizer::from_json(const boost::json::value* value,
                                               const json_place& place) {
  pre_tokenizer p;
  if (value == nullptr)
    return p;
  status s = walk_components(value, place, "pretokenizers",
                             [&p](const std::string& type, const boost::json::object& object,
                                  const json_place& at) { return p.add_leaf(type, object, at); });
  if (!s)
    return s.error();
  return p;
}

status pre_tokenizer::add_leaf(const std::string& type, const boost::json::object& object,
                               const json_place& place) {
  if (type == "ByteLevel")
    return add_byte_level(object, place);
  if (type == "Split")
    return add_split(object, place);
  if (type == "Metaspace")
    return add_metaspace(object, place);
  return place.field("type").fail(errc::unsupported,
                                  "pre-tokenizer \"" + type + "\" is not supported");
}

status pre_tokenizer::add_byte_level(const boost::json::object& object, const json_place& place) {
  step s;
  auto prefix = json_bool(object, "add_prefix_space", true, place);
  auto regex = json_bool(object, "use_regex", true, place);
  if (!prefix)
    return prefix.error();
  if (!regex)
    return regex.error();
  s.add_prefix_space = *prefix;
  s.use_regex = *regex;
  steps_.push_back(s);
  return {};
}

status pre_tokenizer::add_split(const boost::json::object& object, const json_place& place) {
  auto pattern = json_as_object(json_member(object, "pattern"), place.field("pattern"));
  if (!pattern)
    return pattern.error();
  auto regex = json_string(**pattern, "Regex", place.field("pattern"));
  if (!regex)
    return place.field("pattern").fail(errc::unsupported, "only Regex patterns are supported");
  const std::optional<split_pattern> known = recognise_split_pattern(*regex);
  if (!known)
    return place.field("pattern").field("Regex").fail(
        errc::unsupported, "unknown split regex \"" + *regex +
                               "\" (supported: the GPT-2, Llama-3 and Qwen2 patterns)");
  auto behavior = json_string(object, "behavior", place);
  if (!behavior)
    return behavior.error();
  if (*behavior != "Isolated")
    return place.field("behavior")
        .fail(errc::unsupported,
              "split behavior \"" + *behavior + "\" is not supported (only Isolated)");
  auto invert = json_bool(object, "invert", false, place);
  if (!invert)
    return invert.error();
  if (*invert)
    return place.field("invert").fail(errc::unsupported, "inverted splits are not supported");
  step s;
  s.what = kind::split;
  s.pattern = *known;
  steps_.push_back(s);
  return {};
}

status pre_tokenizer::add_metaspace(const boost::json::object& object, const json_place& place) {
  step s;
  s.what = kind::metaspace;
  auto replacement = json_string(object, "replacement", place);
  if (!replacement)
    return replacement.error();
  if (replacement->empty())
    return place.field("replacement").fail(errc::malformed, "must not be empty");
  s.replacement = *replacement;
  auto split = json_bool(object, "split", true, place);
  auto legacy_prefix = json_bool(object, "add_prefix_space", true, place);  // before prepend_scheme
  if (!split)
    return split.error();
  if (!legacy_prefix)
    return legacy_prefix.error();
  s.split = *split;
  s.prepend = *legacy_prefix ? prepend_scheme::always : prepend_scheme::never;
  if (const boost::json::value* scheme = json_member(object, "prepend_scheme")) {
    const std::string_view name = scheme->is_string() ? std::string_view(scheme->get_string()) : "";
    if (name == "always")
      s.prepend = prepend_scheme::always;
    else if (name == "first")
      s.prepend = prepend_scheme::first;
    else if (name == "never")
      s.prepend = prepend_scheme::never;
    else
      return place.field("prepend_scheme").fail(errc::unsupported, "is not always, first or never");
  }
  steps_.push_back(s);
  return {};
}

void pre_tokenizer::run_metaspace(const step& s, const piece& in, std::vector<piece>& out) const {
  std::string text = replace_spaces(in.text, s.replacement);
  const bool starts = text.compare(0, s.replacement.size(), s.replacement) == 0;
  const bool prepend =
      s.prepend == prepend_scheme::always || (s.prepend == prepend_scheme::first && in.at_start);
  if (prepend && !starts)
    text.insert(0, s.replacement);
  if (!s.split) {
    out.push_back({std::move(text), in.at_start});
    return;
  }
  // MergedWithNext: every replacement character starts a new piece.
  size_t from = 0;
  for (size_t at = text.find(s.replacement, 1); at != std::string::npos;
       at = text.find(s.replacement, at + s.replacement.size())) {
    if (at == from)
      continue;
    out.push_back({text.substr(from, at - from), in.at_start && from == 0});
    from = at;
  }
  if (from < text.size())
    out.push_back({text.substr(from), in.at_start && from == 0});
}

void pre_tokenizer::run(const step& s, const piece& in, std::vector<piece>& out) const {
  if (s.what == kind::metaspace)
    return run_metaspace(s, in, out);
  std::vector<std::string_view> words;
  std::string text = in.text;
  if (s.what == kind::split) {
    split_words(s.pattern, text, words);
    for (size_t i = 0; i < words.size(); ++i)
      out.push_back({std::string(words[i]), in.at_start && i == 0});
    return;
  }
  AGORA_ASSERT(s.what == kind::byte_level);
  if (s.add_prefix_space && !text.empty() && text[0] != ' ')
    text.insert(0, " ");
  if (s.use_regex)
    split_words(split_pattern::gpt2, text, words);
  else
    words.push_back(text);
  for (size_t i = 0; i < words.size(); ++i) {
    piece p{"", in.at_start && i == 0};
    byte_level_encode(words[i], p.text);
    out.push_back(std::move(p));
  }
}

void pre_tokenizer::apply(std::string_view text, bool at_text_start,
                          std::vector<std::string>& words) const {
  std::vector<piece> pieces{{std::string(text), at_text_start}};
  for (const step& s : steps_) {
    std::vector<piece> next;
    for (const piece& p : pieces)
      run(s, p, next);
    pieces = std::move(next);
  }
  for (piece& p : pieces)
    if (!p.text.empty())
      words.push_back(std::move(p.text));
}

}  // namespace agora::kernels
