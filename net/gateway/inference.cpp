// The prompt-token bound a Hold is sized by, and cancelling an inference (inference.hpp).
#include "net/gateway/inference.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "core/amount.hpp"

namespace agora::net::gateway {

namespace {

/// Tokens a chat template may add per message (role name, separators) and once at the end.
constexpr uint64_t template_tokens_per_message = 8;
constexpr uint64_t template_tokens_fixed = 16;

}  // namespace

uint64_t prompt_tokens_bound(const inference_spec& spec) {
  if (!spec.prompt_token_ids.empty())
    return spec.prompt_token_ids.size();
  if (spec.type != wire::TaskType::Chat)
    return spec.prompt.size() + 1;  // a tokenizer may add a begin-of-sequence token
  uint64_t bound = template_tokens_fixed;
  for (const chat_turn& turn : spec.messages)
    bound += turn.content.size() + template_tokens_per_message;
  AGORA_ASSERT(bound >= template_tokens_fixed);
  return bound;
}

result<int64_t> worst_case_micros(int64_t price_per_million_micros, const inference_spec& spec) {
  const uint64_t tokens = prompt_tokens_bound(spec) + spec.max_tokens;
  AGORA_ASSERT(tokens >= spec.max_tokens);
  AGORA_ASSERT(spec.type != wire::TaskType::Embedding || spec.max_tokens == 0);
  auto cost =
      cost_of_tokens(amount::from_micros(price_per_million_micros), static_cast<int64_t>(tokens));
  if (!cost)
    return cost.error();
  return std::max<int64_t>(cost->micros(), 1);
}

void inference_cancel::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (task_)
    caf::anon_send(task_, cancel_task_atom_v);
}

void inference_cancel::attach(const caf::actor& task) {
  AGORA_ASSERT(task);
  std::lock_guard lock(mutex_);
  AGORA_ASSERT(!task_);
  task_ = task;
  if (cancelled_)
    caf::anon_send(task_, cancel_task_atom_v);
}

}  // namespace agora::net::gateway
