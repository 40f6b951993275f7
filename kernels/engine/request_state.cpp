// request_state: one request's prefill chunks, then sampling, stopping and streaming per step.
#include "kernels/engine/request_state.hpp"

#include <algorithm>
#include <cmath>

namespace agora::kernels {
namespace {

status check_options(const generate_options& options) {
  const auto& s = options.sampling;
  if (options.max_tokens == 0)
    return make_error(errc::invalid_argument, "max_tokens must be ≥ 1");
  if (!(s.temperature >= 0.0f) || !std::isfinite(s.temperature)) {
    return make_error(errc::invalid_argument, "temperature must be a finite number ≥ 0");
  }
  if (!(s.top_p > 0.0f && s.top_p <= 1.0f)) {
    return make_error(errc::invalid_argument, "top_p must be in (0, 1]");
  }
  if (options.top_logprobs > top_logprobs_max) {
    return make_error(errc::invalid_argument, "at most 20 top logprobs");
  }
  for (const auto& stop : options.stop) {
    if (stop.empty())
      return make_error(errc::invalid_argument, "a stop sequence is empty");
  }
  return {};
}

bool ends_text(const model_config& config, const tokenizer& tokens, uint32_t id) {
  const auto& eos = config.eos_token_ids;
  return std::find(eos.begin(), eos.end(), id) != eos.end() || tokens.eos_id() == id;
}

}  // namespace

status request_state::check(const model_config& config, std::span<const uint32_t> prompt_ids,
                            const generate_options& options) {
  if (auto st = check_options(options); !st)
    return st.error();
  if (prompt_ids.empty())
    return make_error(errc::invalid_argument, "the prompt has no tokens");
  if (prompt_ids.size() >= config.max_positions) {
    return make_error(errc::limit_exceeded,
                      "a prompt of " + std::to_string(prompt_ids.size()) +
                          " tokens leaves no room in the model's context of " +
                          std::to_string(config.max_positions));
  }
  return {};
}

request_state::request_state(const model_config& config, const tokenizer& tokens,
                             std::span<const uint32_t> prompt_ids, generate_options options,
                             text_sink on_text, token_sink on_token)
    : config_(&config), tokens_(&tokens), options_(std::move(options)),
      on_text_(std::move(on_text)), on_token_(std::move(on_token)),
      decoder_(tokens, /*skip_special=*/true), stops_(options_.stop) {
  AGORA_ASSERT(!prompt_ids.empty());
  AGORA_ASSERT(prompt_ids.size() < config.max_positions);
  AGORA_ASSERT(options_.max_tokens >= 1);
  uint64_t wanted = prompt_ids.size() + uint64_t{options_.max_tokens};
  capacity_ = static_cast<uint32_t>(std::min<uint64_t>(wanted, config.max_positions));
  out_.prompt_ids.assign(prompt_ids.begin(), prompt_ids.end());
}

void request_state::attach(std::unique_ptr<kv_sequence> sequence) {
  AGORA_ASSERT(sequence_ == nullptr);
  AGORA_ASSERT(sequence != nullptr);
  AGORA_ASSERT(sequence->capacity() >= capacity_);  // a paged backend may round up
  AGORA_ASSERT(sequence->length() == 0);
  sequence_ = std::move(sequence);
}

std::span<const uint32_t> request_state::next_tokens(uint32_t chunk_max) const {
  AGORA_ASSERT(sequence_ != nullptr);
  AGORA_ASSERT(!ended_);
  AGORA_ASSERT(chunk_max >= 1);
  if (prefilling()) {
    std::span<const uint32_t> rest = std::span(out_.prompt_ids).subspan(prefilled_);
    return rest.first(std::min<size_t>(rest.size(), chunk_max));
  }
  AGORA_ASSERT(!out_.completion_ids.empty());
  return std::span<const uint32_t>(&out_.completion_ids.back(), 1);
}

bool request_state::accept(uint32_t fed, std::span<const float> logits) {
  AGORA_ASSERT(!ended_);
  AGORA_ASSERT(fed >= 1);
  AGORA_ASSERT(logits.size() == config_->vocab_size);
  if (prefilling()) {
    AGORA_ASSERT(prefilled_ + fed <= out_.prompt_ids.size());
    prefilled_ += fed;
    if (prefilling())
      return false;  // more of the prompt to run: these logits are not needed
  } else {
    AGORA_ASSERT(fed == 1);
  }
  AGORA_ASSERT(sequence_->length() == out_.prompt_ids.size() + out_.completion_ids.size());
  ended_ = decode(logits);
  return ended_;
}

bool request_state::decode(std::span<const float> logits) {
  uint64_t step = out_.completion_ids.size();
  out_.steps.push_back(sample_token(logits, options_.sampling, step, options_.top_logprobs));
  uint32_t id = out_.steps.back().token_id;
  out_.completion_ids.push_back(id);
  out_.pieces.emplace_back();
  if (ends_text(*config_, *tokens_, id)) {
    out_.reason = stop_reason::end_of_text;
    return true;
  }
  release(stops_.push(decoder_.push(id)));
  if (stops_.matched()) {
    out_.reason = stop_reason::stop_sequence;
    return true;
  }
  if (out_.completion_ids.size() == options_.max_tokens) {
    out_.reason = stop_reason::max_tokens;
    return true;
  }
  if (sequence_->length() == capacity_) {
    out_.reason = stop_reason::context_full;
    return true;
  }
  token_final();  // not the last token: nothing more is added to its piece
  return false;
}

void request_state::release(std::string piece) {
  AGORA_ASSERT(!out_.pieces.empty());
  if (on_text_)
    on_text_(piece);
  out_.text += piece;
  out_.pieces.back() += piece;
}

void request_state::token_final() {
  AGORA_ASSERT(!out_.completion_ids.empty());
  AGORA_ASSERT(out_.pieces.size() == out_.completion_ids.size());
  if (on_token_)
    on_token_(out_.completion_ids.back(), out_.pieces.back());
}

generated request_state::finish() {
  AGORA_ASSERT(!finished_);
  finished_ = true;
  // The decoder's last bytes may still complete a stop sequence. A request cut short before
  // its first token has nothing held back.
  if (!stops_.matched() && !out_.completion_ids.empty()) {
    std::string tail = stops_.push(decoder_.finish());
    if (stops_.matched())
      out_.reason = stop_reason::stop_sequence;
    release(tail + stops_.finish());
  }
  if (ended_)
    token_final();  // the last token's piece holds the released tail too
  AGORA_ASSERT(out_.pieces.size() == out_.completion_ids.size());
  AGORA_ASSERT(out_.steps.size() == out_.completion_ids.size());
  return std::move(out_);
}

}  // namespace agora::kernels
