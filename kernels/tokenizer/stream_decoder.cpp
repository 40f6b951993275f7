// Incremental decode for streaming (stream_decoder in tokenizer.hpp). Each push decodes a short
// window that starts one emitted step back, so that decoder effects tied to the first token
// (Strip, Metaspace) and to neighbours (ByteLevel bytes, ByteFallback groups) are the same as in
// a whole decode; text is emitted only when it cannot change: it must not end in U+FFFD (an
// unfinished character) nor in a byte token whose group may still grow.

#include "kernels/tokenizer/tokenizer.hpp"

#include "core/assert.hpp"

namespace agora::kernels {
namespace {

constexpr std::string_view replacement_utf8 = "\xEF\xBF\xBD";

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

stream_decoder::stream_decoder(const tokenizer& tok, bool skip_special)
    : tok_(&tok), skip_special_(skip_special) {}

std::string stream_decoder::push(uint32_t id) {
  ids_.push_back(id);
  const std::span<const uint32_t> all(ids_);
  const std::string before = tok_->decode(all.subspan(prefix_, read_ - prefix_), skip_special_);
  const std::string after = tok_->decode(all.subspan(prefix_), skip_special_);
  if (tok_->token_text(id) && !(skip_special_ && tok_->is_special(id)))
    group_open_ = tok_->is_grouped_byte(id);  // ids that decode to nothing leave a group open
  if (after.size() <= before.size() || after.compare(0, before.size(), before) != 0)
    return "";
  if (ends_with(after, replacement_utf8) || group_open_)
    return "";
  // Only the last emitted step stays as context, so memory does not grow with the stream.
  ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(read_));
  prefix_ = 0;
  read_ = ids_.size();
  AGORA_ASSERT(read_ > 0);
  return after.substr(before.size());
}

std::string stream_decoder::finish() {
  const std::span<const uint32_t> all(ids_);
  const std::string before = tok_->decode(all.subspan(prefix_, read_ - prefix_), skip_special_);
  const std::string after = tok_->decode(all.subspan(prefix_), skip_special_);
  prefix_ = read_ = ids_.size();
  if (after.compare(0, before.size(), before) != 0)
    return "";
  return after.substr(before.size());
}

}  // namespace agora::kernels
