// The added tokens (added_vocabulary.hpp). Matching scans positions left to right and, at each,
// tries the tokens starting with that byte from the longest down: the leftmost-longest rule of
// the Aho-Corasick automaton HF builds.

#include "kernels/tokenizer/added_vocabulary.hpp"

#include <unicode/uchar.h>

#include <algorithm>

#include "core/assert.hpp"
#include "kernels/tokenizer/normalizer.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

// The code point that ends just before byte `end` of `text`, stepping back over continuations.
size_t previous_start(std::string_view text, size_t end) {
  AGORA_ASSERT(end > 0);
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80)
    --start;
  return start;
}

bool is_space(std::string_view text, size_t pos) {
  const utf8_step s = utf8_next(text, pos);
  return s.valid && u_isUWhiteSpace(static_cast<UChar32>(s.code_point));
}

bool is_word_char(std::string_view text, size_t pos) {
  const utf8_step s = utf8_next(text, pos);
  return s.valid && (s.code_point == '_' ||
                     u_hasBinaryProperty(static_cast<UChar32>(s.code_point), UCHAR_POSIX_ALNUM));
}

result<added_token> read_token(const boost::json::value& value, const json_place& place) {
  auto object = json_as_object(&value, place);
  if (!object)
    return object.error();
  added_token t;
  auto id_value = json_member(**object, "id");
  if (id_value == nullptr)
    return place.field("id").fail(errc::malformed, "missing");
  auto id = json_id(*id_value, place.field("id"));
  auto content = json_string(**object, "content", place);
  if (!id)
    return id.error();
  if (!content)
    return content.error();
  if (content->empty())
    return place.field("content").fail(errc::malformed, "is empty");
  t.id = *id;
  t.content = *content;
  for (auto [key, flag] : {std::pair{"special", &t.special},
                           {"lstrip", &t.lstrip},
                           {"rstrip", &t.rstrip},
                           {"single_word", &t.single_word}}) {
    auto v = json_bool(**object, key, false, place);
    if (!v)
      return v.error();
    *flag = *v;
  }
  auto normalized = json_bool(**object, "normalized", !t.special, place);
  if (!normalized)
    return normalized.error();
  t.normalized = *normalized;
  return t;
}

}  // namespace

result<added_vocabulary> added_vocabulary::from_json(const boost::json::value* value,
                                                     const normalizer& norm,
                                                     const json_place& place) {
  added_vocabulary v;
  if (value == nullptr)
    return v;
  auto list = json_as_array(value, place);
  if (!list)
    return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto token = read_token((**list)[i], place.index(i));
    if (!token)
      return token.error();
    v.index_by_id_[token->id] = v.tokens_.size();
    v.index_by_content_[token->content] = v.tokens_.size();
    v.id_end_ = std::max(v.id_end_, token->id + 1);
    v.patterns_.push_back(token->normalized ? norm.apply(token->content) : token->content);
    v.tokens_.push_back(std::move(*token));
  }
  for (size_t i = 0; i < v.tokens_.size(); ++i)
    if (!v.patterns_[i].empty())
      v.by_first_byte_[static_cast<uint8_t>(v.patterns_[i][0])].push_back(i);
  for (auto& bucket : v.by_first_byte_)
    std::stable_sort(bucket.begin(), bucket.end(), [&v](size_t a, size_t b) {
      return v.patterns_[a].size() > v.patterns_[b].size();
    });
  return v;
}

std::optional<added_vocabulary::match> added_vocabulary::find(std::string_view text, size_t from,
                                                              bool normalized_pass) const {
  for (size_t i = from; i < text.size(); ++i) {
    for (size_t index : by_first_byte_[static_cast<uint8_t>(text[i])]) {
      const added_token& t = tokens_[index];
      if (t.normalized != normalized_pass)
        continue;
      if (text.compare(i, patterns_[index].size(), patterns_[index]) == 0)
        return match{i, i + patterns_[index].size(), &t};
    }
  }
  return std::nullopt;
}

// single_word: the match must not touch a word character on either side.
bool added_vocabulary::accept(std::string_view text, const match& m) const {
  if (!m.token->single_word)
    return true;
  const bool start_ok = m.start == 0 || !is_word_char(text, previous_start(text, m.start));
  const bool stop_ok = m.stop == text.size() || !is_word_char(text, m.stop);
  return start_ok && stop_ok;
}

void added_vocabulary::split(std::string_view text, bool normalized_pass,
                             std::vector<segment>& out) const {
  size_t done = 0;  // end of the previous match: text before it is already placed
  size_t from = 0;
  while (std::optional<match> m = find(text, from, normalized_pass)) {
    from = m->stop;
    if (!accept(text, *m))
      continue;
    size_t start = m->start;
    size_t stop = m->stop;
    if (m->token->lstrip)
      while (start > done && is_space(text, previous_start(text, start)))
        start = previous_start(text, start);
    if (m->token->rstrip)
      while (stop < text.size() && is_space(text, stop))
        stop += utf8_next(text, stop).length;
    if (done < start)
      out.push_back({text.substr(done, start - done), std::nullopt, done});
    out.push_back({text.substr(start, stop - start), m->token->id, start});
    done = stop;
    from = std::max(from, stop);
  }
  if (done < text.size())
    out.push_back({text.substr(done), std::nullopt, done});
  AGORA_ASSERT(done <= text.size());
  AGORA_ASSERT(out.empty() || out.back().offset + out.back().text.size() == text.size());
}

const added_token* added_vocabulary::by_id(uint32_t id) const {
  const auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? nullptr : &tokens_[it->second];
}

const added_token* added_vocabulary::by_content(std::string_view content) const {
  const auto it = index_by_content_.find(content);
  return it == index_by_content_.end() ? nullptr : &tokens_[it->second];
}

}  // namespace agora::kernels
