// scheduler: continuous batching — admission, chunked prefill, one forward_batch per step.
#include "kernels/engine/scheduler.hpp"

#include <algorithm>
#include <string>

namespace agora::kernels {

scheduler_limits one_request_limits(const model_config& config) {
  AGORA_ASSERT(config.max_positions >= 1);
  scheduler_limits limits;
  limits.batch_max = 1;
  limits.step_tokens_max = config.max_positions;
  limits.prefill_chunk_max = config.max_positions;
  limits.requests_max = 1;
  return limits;
}

scheduler::scheduler(backend& model, const tokenizer& tokens, scheduler_limits limits)
    : model_(&model), tokens_(&tokens), limits_(limits) {
  AGORA_ASSERT(limits_.batch_max >= 1);
  AGORA_ASSERT(limits_.prefill_chunk_max >= 1);
  // Every running request can decode at every step: no decode ever waits for budget.
  AGORA_ASSERT(limits_.step_tokens_max >= limits_.batch_max);
  AGORA_ASSERT(limits_.requests_max >= limits_.batch_max);
  AGORA_ASSERT(model_->config().vocab_size >= 1);
  logits_.resize(size_t{limits_.batch_max} * model_->config().vocab_size);
  batch_.reserve(limits_.batch_max);
  batch_owner_.reserve(limits_.batch_max);
  running_.reserve(limits_.batch_max);
}

status scheduler::submit(uint64_t id, std::span<const uint32_t> prompt_ids,
                         generate_options options, request_callbacks callbacks) {
  AGORA_ASSERT(callbacks.on_done != nullptr);
  const model_config& config = model_->config();  // immutable once loaded: safe off-thread
  if (auto st = request_state::check(config, prompt_ids, options); !st)
    return st.error();
  auto r = std::make_unique<request>(
      request{id,
              request_state(config, *tokens_, prompt_ids, std::move(options), callbacks.on_text,
                            std::move(callbacks.on_token)),
              std::move(callbacks.on_done)});
  std::lock_guard lock(mutex_);
  if (live_.contains(id)) {
    return make_error(errc::already_exists,
                      "request " + std::to_string(id) + " is already queued or running");
  }
  if (live_.size() >= limits_.requests_max) {
    return make_error(errc::limit_exceeded, "the engine already holds " +
                                                std::to_string(limits_.requests_max) + " requests");
  }
  live_.insert(id);
  incoming_.push_back(std::move(r));
  AGORA_ASSERT(incoming_.size() <= live_.size());
  return {};
}

bool scheduler::cancel(uint64_t id) {
  std::lock_guard lock(mutex_);
  if (!live_.contains(id))
    return false;
  if (std::find(cancels_.begin(), cancels_.end(), id) == cancels_.end())
    cancels_.push_back(id);
  AGORA_ASSERT(cancels_.size() <= live_.size());
  return true;
}

bool scheduler::step() {
  AGORA_ASSERT(!stepping_);  // not re-entered from a callback
  stepping_ = true;
  take_incoming();
  admit();
  if (!running_.empty()) {
    build_batch();
    AGORA_ASSERT(!batch_.empty());
    AGORA_ASSERT(batch_.size() <= limits_.batch_max);
    model_->forward_batch(batch_);
    absorb_batch();
  }
  stepping_ = false;
  return has_work();
}

void scheduler::run_until_idle() {
  while (step()) {
  }
  AGORA_ASSERT(running_.empty());
  AGORA_ASSERT(waiting_.empty());
}

// ------------------------------------------------------------------------------------------
// The phases of a step

void scheduler::take_incoming() {
  std::vector<uint64_t> cancels;
  {
    std::lock_guard lock(mutex_);
    while (!incoming_.empty()) {
      waiting_.push_back(std::move(incoming_.front()));
      incoming_.pop_front();
    }
    cancels.swap(cancels_);
  }
  AGORA_ASSERT(waiting_.size() <= limits_.requests_max);
  apply_cancels(cancels);
}

void scheduler::apply_cancels(const std::vector<uint64_t>& ids) {
  auto cancelled = [&](const request_ptr& r) {
    if (std::find(ids.begin(), ids.end(), r->id) == ids.end())
      return false;
    std::string tokens = std::to_string(r->state.completion_size());
    (void)r->state.finish();  // releases the text held back, as at any end
    end(*r, make_error(errc::stale, "request " + std::to_string(r->id) + " cancelled after " +
                                        tokens + " tokens"));
    return true;
  };
  size_t before = running_.size() + waiting_.size();
  std::erase_if(running_, cancelled);
  std::erase_if(waiting_, cancelled);
  AGORA_ASSERT(running_.size() + waiting_.size() + ids.size() >= before);
}

void scheduler::admit() {
  while (running_.size() < limits_.batch_max && !waiting_.empty()) {
    request& next = *waiting_.front();
    auto sequence = model_->open_sequence(next.state.capacity());
    if (!sequence && sequence.error().code == errc::limit_exceeded && !running_.empty())
      return;  // no memory now: wait until a running request ends and frees its sequence
    request_ptr r = std::move(waiting_.front());
    waiting_.pop_front();
    if (!sequence) {
      end(*r, sequence.error());
      continue;
    }
    r->state.attach(std::move(*sequence));
    running_.push_back(std::move(r));
  }
  AGORA_ASSERT(running_.size() <= limits_.batch_max);
}

// Decode rows first (one token each: they all fit, as step_tokens_max ≥ batch_max), then the
// prompt chunks of the requests still prefilling, in admission order, within what is left.
void scheduler::build_batch() {
  const uint32_t vocab = model_->config().vocab_size;
  uint32_t budget = limits_.step_tokens_max;
  batch_.clear();
  batch_owner_.clear();
  auto add = [&](request& r, uint32_t chunk_max) {
    std::span<const uint32_t> tokens = r.state.next_tokens(chunk_max);
    r.fed = static_cast<uint32_t>(tokens.size());
    budget -= r.fed;
    std::span<float> logits(logits_.data() + batch_.size() * size_t{vocab}, vocab);
    batch_.push_back(batch_entry{r.state.sequence(), tokens, logits, {}});
    batch_owner_.push_back(&r);
  };
  for (request_ptr& r : running_) {
    r->fed = 0;
    if (!r->state.prefilling())
      add(*r, 1);
  }
  for (request_ptr& r : running_) {
    if (r->state.prefilling() && budget > 0)
      add(*r, std::min(budget, limits_.prefill_chunk_max));
  }
  AGORA_ASSERT(budget <= limits_.step_tokens_max);
  AGORA_ASSERT(batch_.size() == batch_owner_.size());
}

// Each entry's outcome concerns its request alone: a failed entry ends that request only.
void scheduler::absorb_batch() {
  AGORA_ASSERT(batch_.size() == batch_owner_.size());
  for (size_t i = 0; i < batch_.size(); ++i) {
    request& r = *batch_owner_[i];
    AGORA_ASSERT(r.fed == batch_[i].tokens.size());
    if (!batch_[i].outcome) {
      end(r, batch_[i].outcome.error());
    } else if (r.state.accept(r.fed, batch_[i].logits)) {
      end(r, r.state.finish());
    }
  }
  batch_.clear();
  batch_owner_.clear();
  std::erase_if(running_, [](const request_ptr& r) { return r->on_done == nullptr; });
  AGORA_ASSERT(running_.size() <= limits_.batch_max);
}

void scheduler::end(request& r, result<generated> outcome) {
  AGORA_ASSERT(r.on_done != nullptr);
  r.state.release_sequence();
  {
    std::lock_guard lock(mutex_);
    AGORA_ASSERT(live_.contains(r.id));
    live_.erase(r.id);
    std::erase(cancels_, r.id);  // a cancel that came too late must not hit a reused id
  }
  done_sink on_done = std::move(r.on_done);
  r.on_done = nullptr;  // marks the request ended
  on_done(std::move(outcome));
}

bool scheduler::has_work() {
  if (!running_.empty() || !waiting_.empty())
    return true;
  std::lock_guard lock(mutex_);
  return !incoming_.empty();
}

}  // namespace agora::kernels
