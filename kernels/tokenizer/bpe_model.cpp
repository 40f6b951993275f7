// The BPE model (bpe_model.hpp). Merging follows HF `models/bpe/word.rs`: a heap of candidate
// pairs ordered by (rank, position), so the lowest-ranked pair merges first and ties go to the
// leftmost; stale candidates are skipped. Whole-word results are cached, bounded.

#include "kernels/tokenizer/bpe_model.hpp"

#include <cstdio>
#include <mutex>
#include <queue>

#include "core/assert.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {

// ------------------------------------------------------------------------------------------------
// Cache of whole-word results

struct bpe_model::word_cache {
  static constexpr size_t entries_max = 16384;
  static constexpr size_t word_bytes_max = 64;  // longer words are rare and not worth keeping
  std::mutex mutex;
  string_map<std::vector<uint32_t>> words;  // GUARDED_BY(mutex)
};

bpe_model::bpe_model() : cache_(std::make_shared<word_cache>()) {}

// ------------------------------------------------------------------------------------------------
// Loading

result<bpe_model> bpe_model::from_json(const boost::json::object& model, const json_place& place) {
  const boost::json::value* type = json_member(model, "type");
  if (type != nullptr && !(type->is_string() && type->get_string() == "BPE")) {
    const std::string shown = type->is_string() ? std::string(type->get_string()) : "non-string";
    return place.field("type").fail(errc::unsupported,
                                    "model type \"" + shown + "\" is not supported (only BPE)");
  }
  for (std::string_view key : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (const auto* v = json_member(model, key);
        v != nullptr && !(v->is_string() && v->get_string().empty()))
      return place.field(key).fail(errc::unsupported, "subword affixes are not supported");
  if (const auto* v = json_member(model, "dropout");
      v != nullptr && !(v->is_number() && v->to_number<double>() == 0))
    return place.field("dropout").fail(errc::unsupported, "BPE dropout is not supported");
  bpe_model m;
  if (status s = m.read_vocab(model, place); !s)
    return s.error();
  if (status s = m.read_merges(model, place); !s)
    return s.error();
  auto fuse = json_bool(model, "fuse_unk", false, place);
  auto fallback = json_bool(model, "byte_fallback", false, place);
  auto ignore = json_bool(model, "ignore_merges", false, place);
  if (!fuse)
    return fuse.error();
  if (!fallback)
    return fallback.error();
  if (!ignore)
    return ignore.error();
  m.fuse_unk_ = *fuse;
  m.byte_fallback_ = *fallback;
  m.ignore_merges_ = *ignore;
  if (const auto* unk = json_member(model, "unk_token")) {
    if (!unk->is_string())
      return place.field("unk_token").fail(errc::malformed, "is not a string");
    m.unk_id_ = m.token_to_id(std::string(unk->get_string()));
    if (!m.unk_id_)
      return place.field("unk_token").fail(errc::malformed, "names a token missing from vocab");
  }
  return m;
}

status bpe_model::read_vocab(const boost::json::object& model, const json_place& place) {
  auto vocab = json_as_object(json_member(model, "vocab"), place.field("vocab"));
  if (!vocab)
    return vocab.error();
  for (const auto& [token, value] : **vocab) {
    auto id = json_id(value, place.field("vocab").field(std::string(token)));
    if (!id)
      return id.error();
    if (*id >= tokens_.size()) {
      tokens_.resize(*id + 1);
      present_.resize(*id + 1, false);
    }
    vocab_[std::string(token)] = *id;
    tokens_[*id] = std::string(token);
    present_[*id] = true;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_ids_[b] = token_to_id(name);
  }
  AGORA_ASSERT(tokens_.size() == present_.size());
  return {};
}

status bpe_model::read_merges(const boost::json::object& model, const json_place& place) {
  const boost::json::value* merges = json_member(model, "merges");
  if (merges == nullptr)
    return {};  // a vocabulary without merges is valid BPE
  auto array = json_as_array(merges, place.field("merges"));
  if (!array)
    return array.error();
  for (size_t i = 0; i < (*array)->size(); ++i) {
    const boost::json::value& entry = (**array)[i];
    const json_place at = place.field("merges").index(i);
    if (entry.is_string()) {  // "a b"
      std::string_view text = entry.get_string();
      const size_t space = text.find(' ');
      if (space == std::string_view::npos)
        return at.fail(errc::malformed, "a merge string must be two tokens separated by a space");
      if (status s = add_merge(text.substr(0, space), text.substr(space + 1), i, at); !s)
        return s;
    } else if (entry.is_array() && entry.get_array().size() == 2 &&
               entry.get_array()[0].is_string() && entry.get_array()[1].is_string()) {  // [a, b]
      const auto& pair = entry.get_array();
      if (status s = add_merge(pair[0].get_string(), pair[1].get_string(), i, at); !s)
        return s;
    } else {
      return at.fail(errc::malformed, "a merge must be \"a b\" or [\"a\", \"b\"]");
    }
  }
  return {};
}

status bpe_model::add_merge(std::string_view a, std::string_view b, uint32_t rank,
                            const json_place& place) {
  const std::optional<uint32_t> a_id = token_to_id(a);
  const std::optional<uint32_t> b_id = token_to_id(b);
  const std::optional<uint32_t> merged = token_to_id(std::string(a) + std::string(b));
  for (auto [id, name] : {std::pair{a_id, a}, std::pair{b_id, b}})
    if (!id)
      return place.fail(errc::malformed,
                        "merge token \"" + std::string(name) + "\" is missing from vocab");
  if (!merged)
    return place.fail(errc::malformed, "merged token \"" + std::string(a) + std::string(b) +
                                           "\" is missing from vocab");
  merges_[pair_key(*a_id, *b_id)] = merge{rank, *merged};  // a later duplicate wins, as in HF
  return {};
}

// ------------------------------------------------------------------------------------------------
// Tokenizing

std::optional<uint32_t> bpe_model::token_to_id(std::string_view token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end())
    return std::nullopt;
  return it->second;
}

const std::string* bpe_model::id_to_token(uint32_t id) const {
  if (id >= tokens_.size() || !present_[id])
    return nullptr;
  return &tokens_[id];
}

// One symbol per character: the character's id, else its <0xAB> byte tokens (byte_fallback),
// else the unknown token (consecutive ones fused with fuse_unk), else nothing.
void bpe_model::initial_symbols(std::string_view word, std::vector<uint32_t>& symbols) const {
  bool unk_pending = false;
  size_t pos = 0;
  while (pos < word.size()) {
    const size_t length = utf8_next(word, pos).length;
    const std::string_view ch = word.substr(pos, length);
    pos += length;
    if (const auto id = token_to_id(ch)) {
      if (unk_pending)
        symbols.push_back(*unk_id_);
      unk_pending = false;
      symbols.push_back(*id);
      continue;
    }
    bool bytes_known = byte_fallback_;
    for (char c : ch)
      bytes_known = bytes_known && byte_ids_[static_cast<uint8_t>(c)].has_value();
    if (bytes_known) {
      if (unk_pending)
        symbols.push_back(*unk_id_);
      unk_pending = false;
      for (char c : ch)
        symbols.push_back(*byte_ids_[static_cast<uint8_t>(c)]);
      continue;
    }
    if (!unk_id_)
      continue;
    if (unk_pending && !fuse_unk_)
      symbols.push_back(*unk_id_);
    unk_pending = true;
  }
  if (unk_pending)
    symbols.push_back(*unk_id_);
}

void bpe_model::merge_symbols(std::vector<uint32_t>& ids) const {
  if (ids.size() < 2)
    return;
  constexpr size_t none = SIZE_MAX;
  struct candidate {
    uint32_t rank, merged;
    size_t pos;
    uint32_t left, right;
    bool operator>(const candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<candidate, std::vector<candidate>, std::greater<>> heap;
  std::vector<size_t> prev(ids.size()), next(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    prev[i] = i == 0 ? none : i - 1;
    next[i] = i + 1 == ids.size() ? none : i + 1;
  }
  std::vector<bool> alive(ids.size(), true);
  auto offer = [&](size_t left) {
    if (left == none || next[left] == none)
      return;
    const auto it = merges_.find(pair_key(ids[left], ids[next[left]]));
    if (it != merges_.end())
      heap.push({it->second.rank, it->second.merged_id, left, ids[left], ids[next[left]]});
  };
  for (size_t i = 0; i + 1 < ids.size(); ++i)
    offer(i);
  while (!heap.empty()) {
    const candidate c = heap.top();
    heap.pop();
    const size_t right = next[c.pos];
    if (!alive[c.pos] || ids[c.pos] != c.left || right == none || ids[right] != c.right)
      continue;
    ids[c.pos] = c.merged;
    alive[right] = false;
    next[c.pos] = next[right];
    if (next[right] != none)
      prev[next[right]] = c.pos;
    offer(prev[c.pos]);
    offer(c.pos);
  }
  size_t kept = 0;
  for (size_t i = 0; i < ids.size(); ++i)
    if (alive[i])
      ids[kept++] = ids[i];
  AGORA_ASSERT(alive[0]);  // merges keep the left symbol, so the first one always survives
  AGORA_ASSERT(kept >= 1 && kept <= ids.size());
  ids.resize(kept);
}

void bpe_model::tokenize(std::string_view word, std::vector<uint32_t>& out) const {
  if (word.empty())
    return;
  if (ignore_merges_) {
    if (const auto id = token_to_id(word)) {
      out.push_back(*id);
      return;
    }
  }
  const bool cacheable = word.size() <= word_cache::word_bytes_max;
  if (cacheable) {
    std::lock_guard lock(cache_->mutex);
    if (const auto it = cache_->words.find(word); it != cache_->words.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<uint32_t> ids;
  initial_symbols(word, ids);
  merge_symbols(ids);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) {
    std::lock_guard lock(cache_->mutex);
    if (cache_->words.size() >= word_cache::entries_max)
      cache_->words.clear();
    cache_->words.emplace(std::string(word), std::move(ids));
  }
}

}  // namespace agora::kernels
