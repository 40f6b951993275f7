// The tokenizer (tokenizer.hpp): loading both files, and the encode/decode pipelines of HF
// `tokenizers/src/tokenizer/mod.rs` (extract added tokens, normalize, extract normalized added
// tokens, pre-tokenize, BPE per word, post-process).

#include "kernels/tokenizer/tokenizer.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/assert.hpp"

namespace agora::kernels {
namespace {

// The text of `path`, not_found when it does not exist.
result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::not_found, path.string() + ": " + ec.message());
  if (size > tokenizer_file_bytes_max)
    return make_error(errc::too_large, path.string() + ": " + std::to_string(size) +
                                           " bytes is more than a tokenizer file may have");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    return make_error(errc::io_error, path.string() + ": could not be read");
  return text.str();
}

// A bos_token/eos_token entry: a string, or an AddedToken object with "content"; "" when JSON
// null (the model has none), nullopt when the key is absent (the caller guesses).
result<std::optional<std::string>> config_token(const boost::json::object& config,
                                                std::string_view key, const json_place& place) {
  const boost::json::value* v = config.if_contains(key);
  if (v == nullptr)
    return std::optional<std::string>();
  if (v->is_null())
    return std::optional<std::string>("");
  if (v->is_string())
    return std::optional<std::string>(std::string(v->get_string()));
  if (!v->is_object())
    return place.field(key).fail(errc::malformed, "is neither a string nor a token object");
  auto content = json_string(v->get_object(), "content", place.field(key));
  if (!content)
    return content.error();
  return std::optional<std::string>(*content);
}

// chat_template: a string, or a list of {"name", "template"} (the one named "default").
result<std::string> config_template(const boost::json::object& config, const json_place& place) {
  const boost::json::value* v = json_member(config, "chat_template");
  if (v == nullptr)
    return std::string();
  if (v->is_string())
    return std::string(v->get_string());
  auto list = json_as_array(v, place.field("chat_template"));
  if (!list)
    return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto entry = json_as_object(&(**list)[i], place.field("chat_template").index(i));
    if (!entry)
      return entry.error();
    auto name = json_string(**entry, "name", place.field("chat_template").index(i));
    if (!name)
      return name.error();
    if (*name == "default")
      return json_string(**entry, "template", place.field("chat_template").index(i));
  }
  return std::string();
}

}  // namespace

result<tokenizer> tokenizer::load(const std::filesystem::path& folder) {
  auto json = read_file(folder / "tokenizer.json");
  if (!json)
    return json.error();
  std::string config;
  const std::filesystem::path config_path = folder / "tokenizer_config.json";
  std::error_code ec;
  if (std::filesystem::exists(config_path, ec)) {
    auto text = read_file(config_path);
    if (!text)
      return text.error();
    config = std::move(*text);
  }
  return from_json(*json, config, (folder / "tokenizer.json").string());
}

result<tokenizer> tokenizer::from_json(std::string_view tokenizer_json,
                                       std::string_view tokenizer_config_json,
                                       std::string_view where) {
  auto parsed = json_parse(tokenizer_json, where);
  if (!parsed)
    return parsed.error();
  const json_place root{where, ""};
  auto top = json_as_object(&*parsed, root);
  if (!top)
    return top.error();
  const boost::json::object& o = **top;
  tokenizer t;
  auto model = json_as_object(json_member(o, "model"), root.field("model"));
  if (!model)
    return model.error();
  auto bpe = bpe_model::from_json(**model, root.field("model"));
  if (!bpe)
    return bpe.error();
  t.model_ = std::move(*bpe);
  auto norm = normalizer::from_json(json_member(o, "normalizer"), root.field("normalizer"));
  if (!norm)
    return norm.error();
  t.normalizer_ = std::move(*norm);
  auto pre = pre_tokenizer::from_json(json_member(o, "pre_tokenizer"), root.field("pre_tokenizer"));
  if (!pre)
    return pre.error();
  t.pre_tokenizer_ = std::move(*pre);
  auto post =
      post_processor::from_json(json_member(o, "post_processor"), root.field("post_processor"));
  if (!post)
    return post.error();
  t.post_processor_ = std::move(*post);
  auto dec = decoder::from_json(json_member(o, "decoder"), root.field("decoder"));
  if (!dec)
    return dec.error();
  t.decoder_ = std::move(*dec);
  auto added = added_vocabulary::from_json(json_member(o, "added_tokens"), t.normalizer_,
                                           root.field("added_tokens"));
  if (!added)
    return added.error();
  t.added_ = std::move(*added);
  for (const auto* side : {&t.post_processor_.prefix(), &t.post_processor_.suffix()})
    for (uint32_t id : *side)
      if (id >= t.vocab_size())
        return root.field("post_processor")
            .fail(errc::malformed,
                  "special token id " + std::to_string(id) + " is outside the vocabulary");
  if (status s = t.read_config(tokenizer_config_json); !s)
    return s.error();
  return t;
}

namespace {

// What tokenizer_config.json says; every field may be absent.
struct config_fields {
  std::optional<std::string> bos;
  std::optional<std::string> eos;
  bool add_bos = false;
  std::string jinja;
};

result<config_fields> read_config_fields(std::string_view config_json) {
  config_fields fields;
  if (config_json.empty())
    return fields;
  constexpr std::string_view file = "tokenizer_config.json";
  auto parsed = json_parse(config_json, file);
  if (!parsed)
    return parsed.error();
  const json_place root{file, ""};
  auto top = json_as_object(&*parsed, root);
  if (!top)
    return top.error();
  auto bos = config_token(**top, "bos_token", root);
  auto eos = config_token(**top, "eos_token", root);
  auto add_bos = json_bool(**top, "add_bos_token", false, root);
  auto jinja = config_template(**top, root);
  if (!bos)
    return bos.error();
  if (!eos)
    return eos.error();
  if (!add_bos)
    return add_bos.error();
  if (!jinja)
    return jinja.error();
  return config_fields{*bos, *eos, *add_bos, *jinja};
}

}  // namespace

status tokenizer::read_config(std::string_view config_json) {
  auto fields = read_config_fields(config_json);
  if (!fields)
    return fields.error();
  for (auto [name, key] : {std::pair{&fields->bos, "bos_token"}, {&fields->eos, "eos_token"}})
    if (*name && !(*name)->empty() && !token_id(**name))
      return make_error(errc::malformed, "tokenizer_config.json: " + std::string(key) + ": \"" +
                                             **name + "\" is not a token of tokenizer.json");
  auto first_present = [this](std::initializer_list<std::string_view> names) -> std::string {
    for (std::string_view n : names)
      if (token_id(n))
        return std::string(n);
    return "";
  };
  const std::string bos =
      fields->bos ? *fields->bos : first_present({"<s>", "<|begin_of_text|>", "<|endoftext|>"});
  const std::string eos =
      fields->eos ? *fields->eos : first_present({"</s>", "<|end_of_text|>", "<|endoftext|>"});
  if (!bos.empty())
    bos_id_ = token_id(bos);
  if (!eos.empty())
    eos_id_ = token_id(eos);
  add_bos_token_ = fields->add_bos;
  chat_ =
      fields->jinja.empty() ? chat_template() : chat_template::recognise(fields->jinja, bos, eos);
  AGORA_ASSERT(bos.empty() || bos_id_.has_value());
  AGORA_ASSERT(eos.empty() || eos_id_.has_value());
  return {};
}

void tokenizer::encode_text(std::string_view text, bool at_text_start,
                            std::vector<uint32_t>& ids) const {
  const std::string normalized = normalizer_.apply(text);
  std::vector<added_vocabulary::segment> segments;
  added_.split(normalized, true, segments);
  std::vector<std::string> words;
  for (const auto& seg : segments) {
    if (seg.id) {
      ids.push_back(*seg.id);
      continue;
    }
    words.clear();
    pre_tokenizer_.apply(seg.text, at_text_start && seg.offset == 0, words);
    for (const std::string& w : words)
      model_.tokenize(w, ids);
  }
}

std::vector<uint32_t> tokenizer::encode(std::string_view text, bool add_special) const {
  std::vector<added_vocabulary::segment> segments;
  added_.split(text, false, segments);
  std::vector<uint32_t> ids;
  for (const auto& seg : segments) {
    if (seg.id)
      ids.push_back(*seg.id);
    else
      encode_text(seg.text, seg.offset == 0, ids);
  }
  for (uint32_t id : ids)
    AGORA_ASSERT(id < vocab_size());  // every id comes from the vocabulary or the added tokens
  if (!add_special)
    return ids;
  return post_processor_.apply(std::move(ids));
}

std::string tokenizer::decode(std::span<const uint32_t> ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (uint32_t id : ids) {
    if (const added_token* t = added_.by_id(id)) {
      if (!(skip_special && t->special))
        tokens.push_back(t->content);
    } else if (const std::string* text = model_.id_to_token(id)) {
      tokens.push_back(*text);
    }
  }
  return decoder_.decode(std::move(tokens));
}

uint32_t tokenizer::vocab_size() const {
  return std::max(model_.id_end(), added_.id_end());
}

std::optional<uint32_t> tokenizer::token_id(std::string_view token) const {
  if (const added_token* t = added_.by_content(token))
    return t->id;
  return model_.token_to_id(token);
}

std::optional<std::string> tokenizer::token_text(uint32_t id) const {
  if (const added_token* t = added_.by_id(id))
    return t->content;
  if (const std::string* text = model_.id_to_token(id))
    return *text;
  return std::nullopt;
}

bool tokenizer::is_special(uint32_t id) const {
  const added_token* t = added_.by_id(id);
  return t != nullptr && t->special;
}

bool tokenizer::is_grouped_byte(uint32_t id) const {
  if (!decoder_.has_byte_fallback() || added_.by_id(id) != nullptr)
    return false;
  const std::string* text = model_.id_to_token(id);
  return text != nullptr && text->size() == 6 && text->compare(0, 3, "<0x") == 0 &&
         (*text)[5] == '>';
}

}  // namespace agora::kernels
