// TaskRequest → generation_request (task_request.hpp).
#include "actors/worker/task_request.hpp"

#include <string>

#include "core/assert.hpp"
#include "schemas/proof_hash.hpp"
#include "schemas/wire_types.hpp"

namespace agora::actors {

namespace {

std::string role_name(wire::ChatRole role) {
  switch (role) {
  case wire::ChatRole::System: return "system";
  case wire::ChatRole::User: return "user";
  case wire::ChatRole::Assistant: return "assistant";
  case wire::ChatRole::Tool: return "tool";
  }
  return "role " + std::to_string(static_cast<int>(role));  // a newer peer's role: kept visible
}

}  // namespace

generation_request generation_request_of(const wire::TaskRequest& request) {
  AGORA_ASSERT(request.sampling() != nullptr);  // wire::open checked the field is present
  generation_request out;
  out.model = std::string(wire::view(request.model()));
  if (request.task_type() == wire::TaskType::Embedding)
    out.kind = request_kind::embed;
  out.prompt = std::string(wire::view(request.prompt()));
  if (request.prompt_token_ids() != nullptr)
    out.prompt_token_ids.assign(request.prompt_token_ids()->begin(),
                                request.prompt_token_ids()->end());
  if (request.messages() != nullptr)
    for (const wire::ChatMessage* m : *request.messages())
      out.messages.push_back(
          chat_message{role_name(m->role()), std::string(wire::view(m->content()))});
  const wire::SamplingParams& s = *request.sampling();
  out.sampling.max_tokens = s.max_tokens();
  out.sampling.temperature = s.temperature();
  out.sampling.top_p = s.top_p();
  out.sampling.top_k = s.top_k();
  out.sampling.seed = s.seed();
  if (s.stop() != nullptr)
    for (const auto* stop : *s.stop())
      out.sampling.stop.emplace_back(wire::view(stop));
  out.sampling.logprobs = s.with_logprobs() || s.logprobs() > 0;
  out.sampling.top_logprobs = s.logprobs();
  AGORA_ASSERT(out.id == 0);
  return out;
}

hash256 output_hash_of(request_kind kind, const generation& g) {
  if (kind == request_kind::embed)
    return wire::output_hash_embedding(g.embedding);
  AGORA_ASSERT(g.embedding.empty());
  return wire::output_hash_text(g.text);
}

wire_logprob_list wire_logprobs(std::span<const token_logprobs> entries) {
  wire_logprob_list out;
  for (const token_logprobs& entry : entries) {
    auto m = std::make_unique<wire::TokenLogprobT>();
    m->token = entry.chosen.token;
    m->logprob = entry.chosen.logprob;
    for (const token_choice& top : entry.top) {
      auto t = std::make_unique<wire::TopLogprobT>();
      t->token = top.token;
      t->logprob = top.logprob;
      m->top.push_back(std::move(t));
    }
    out.push_back(std::move(m));
  }
  AGORA_ASSERT(out.size() == entries.size());
  return out;
}

std::vector<token_logprobs>
logprobs_of(const flatbuffers::Vector<flatbuffers::Offset<wire::TokenLogprob>>* entries) {
  std::vector<token_logprobs> out;
  if (entries == nullptr)
    return out;
  for (const wire::TokenLogprob* entry : *entries) {
    token_logprobs e{{std::string(wire::view(entry->token())), entry->logprob()}, {}};
    if (entry->top() != nullptr)
      for (const wire::TopLogprob* top : *entry->top())
        e.top.push_back({std::string(wire::view(top->token())), top->logprob()});
    out.push_back(std::move(e));
  }
  AGORA_ASSERT(out.size() == entries->size());
  return out;
}

}  // namespace agora::actors
