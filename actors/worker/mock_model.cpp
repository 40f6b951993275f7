// mock-model: the documented deterministic function of mock_model.hpp.

#include "actors/worker/mock_model.hpp"

#include <algorithm>
#include <cmath>

#include "actors/worker/chat_prompt.hpp"
#include "core/keccak.hpp"

namespace agora::actors {

namespace {

void append_be(bytes& out, uint64_t value, int width) {
  for (int shift = 8 * (width - 1); shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(value >> shift));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

uint32_t count_words(std::string_view text) {
  uint32_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (!is_space(c) && !in_word)
      ++words;
    in_word = !is_space(c);
  }
  return words;
}

/// The prompt text: the prompt, or the chat messages in the plain template.
std::string prompt_text(const generation_request& request) {
  return request.messages.empty() ? request.prompt : plain_chat_prompt(request.messages);
}

/// P ‖ be64(S): the part of every candidate's hash input that does not depend on i.
bytes candidate_prefix(const generation_request& request) {
  bytes out;
  const std::string prompt = prompt_text(request);
  const byte_view text = as_bytes(prompt);
  out.assign(text.begin(), text.end());
  for (uint32_t id : request.prompt_token_ids)
    append_be(out, id, 4);
  const bool greedy = request.sampling.temperature == 0.0f;
  append_be(out, greedy ? 0 : request.sampling.seed, 8);
  return out;
}

/// d = keccak256(P ‖ be64(S) ‖ be32(i)): candidate i's token and log-probabilities.
hash256 candidate_digest(bytes prefix, uint32_t index) {
  append_be(prefix, index, 4);
  return keccak256(prefix);
}

uint32_t token_of_digest(const hash256& d) {
  uint32_t id = 0;
  for (int j = 0; j < 4; ++j)
    id = id * 26 + d[j] % 26;
  AGORA_ASSERT(id < mock_model::vocab_size);
  return id;
}

uint32_t candidate_from_prefix(const bytes& prefix, uint32_t index) {
  return token_of_digest(candidate_digest(prefix, index));
}

/// The text candidate `index` adds for token `id`: its word, after a space but for the first.
std::string piece_of(uint32_t id, uint32_t index) {
  return index == 0 ? mock_model::word_of(id) : " " + mock_model::word_of(id);
}

/// Candidate `index`'s log-probabilities from its digest (mock_model.hpp).
token_logprobs logprobs_of_digest(const hash256& d, uint32_t index, uint32_t top) {
  AGORA_ASSERT(top <= mock_model::top_logprobs_max);
  const uint32_t id = token_of_digest(d);
  const float logprob = -(64.0f + static_cast<float>(d[4])) / 256.0f;
  token_logprobs out{{piece_of(id, index), logprob}, {}};
  for (uint32_t k = 0; k < top; ++k) {
    const uint32_t alternative = (id + mock_model::alternative_stride * k) % mock_model::vocab_size;
    out.top.push_back({piece_of(alternative, index), logprob - 2.0f * static_cast<float>(k)});
  }
  AGORA_ASSERT(out.top.empty() || out.top[0].token == out.chosen.token);
  return out;
}

status check_request(const generation_request& request) {
  if (request.model != mock_model_id)
    return make_error(errc::not_found, "model '" + request.model + "' is not served");
  if (request.kind == request_kind::embed) {
    if (!request.messages.empty())
      return make_error(errc::invalid_argument, "an embed request takes no chat messages");
    if (request.prompt.empty() == request.prompt_token_ids.empty())
      return make_error(errc::invalid_argument,
                        "exactly one of prompt and prompt_token_ids must be set");
    return {};
  }
  const int inputs =
      !request.prompt.empty() + !request.prompt_token_ids.empty() + !request.messages.empty();
  if (inputs != 1)
    return make_error(errc::invalid_argument,
                      "exactly one of prompt, prompt_token_ids and messages must be set");
  if (request.sampling.max_tokens == 0)
    return make_error(errc::invalid_argument, "max_tokens must be at least 1");
  return {};
}

/// P: the input bytes, the same for completions and embeddings.
bytes input_bytes(const generation_request& request) {
  bytes out = candidate_prefix(request);
  out.resize(out.size() - 8);  // without be64(S)
  return out;
}

/// An embed request's generation: the embedding, prompt_tokens, nothing else.
generation embed(const generation_request& request, uint32_t prompt_tokens) {
  generation out;
  out.request_id = request.id;
  out.prompt_tokens = prompt_tokens;
  out.finish_reason = wire::FinishReason::Stop;
  out.embedding = mock_model::embedding_of(request);
  AGORA_ASSERT(out.embedding.size() == mock_model::embedding_dims);
  AGORA_ASSERT(out.completion_tokens == 0 && out.chunks.empty());
  return out;
}

}  // namespace

std::vector<model_info> mock_model::models() const {
  return {model_info{std::string(mock_model_id), max_context, "none", weights_hash(), identity()}};
}

engine_identity mock_model::identity() {
  return engine_identity{wire::Backend::Mock, "cpu", 0, "agora-mock 1", true};
}

hash256 mock_model::weights_hash() {
  return keccak256(as_bytes(mock_model_id));
}

result<uint32_t> mock_model::prompt_tokens(const generation_request& request) {
  if (auto s = check_request(request); !s)
    return s.error();
  const size_t count = request.prompt_token_ids.empty() ? count_words(prompt_text(request))
                                                        : request.prompt_token_ids.size();
  if (count > max_context)
    return make_error(errc::limit_exceeded, "prompt has " + std::to_string(count) +
                                                " tokens, the context holds " +
                                                std::to_string(max_context));
  return static_cast<uint32_t>(count);
}

uint32_t mock_model::candidate(const generation_request& request, uint32_t index) {
  return candidate_from_prefix(candidate_prefix(request), index);
}

token_logprobs mock_model::logprobs(const generation_request& request, uint32_t index,
                                    uint32_t top) {
  return logprobs_of_digest(candidate_digest(candidate_prefix(request), index), index, top);
}

std::string mock_model::word_of(uint32_t id) {
  AGORA_ASSERT(id < vocab_size);
  std::string word(4, 'a');
  for (int j = 3; j >= 0; --j, id /= 26)
    word[j] = static_cast<char>('a' + id % 26);
  return word;
}

std::vector<float> mock_model::embedding_of(const generation_request& request) {
  const bytes prefix = input_bytes(request);
  std::vector<double> x(embedding_dims);
  double sum = 0;
  for (uint32_t j = 0; j < embedding_dims; ++j) {
    bytes in = prefix;
    const byte_view tag = as_bytes(std::string_view("embed"));
    in.insert(in.end(), tag.begin(), tag.end());
    append_be(in, j, 4);
    const hash256 d = keccak256(in);
    const uint32_t u = uint32_t{d[0]} << 24 | uint32_t{d[1]} << 16 | uint32_t{d[2]} << 8 | d[3];
    x[j] = static_cast<double>(u) / 2147483648.0 - 1.0;
    sum += x[j] * x[j];
  }
  AGORA_ASSERT(sum > 0);  // 64 hashes all mapping to exactly 0 does not happen
  const double norm = std::sqrt(sum);
  std::vector<float> out(embedding_dims);
  for (uint32_t j = 0; j < embedding_dims; ++j)
    out[j] = static_cast<float>(x[j] / norm);
  AGORA_ASSERT(out.size() == embedding_dims);
  return out;
}

result<generation> mock_model::generate(const generation_request& request) {
  auto prompt = prompt_tokens(request);
  if (!prompt)
    return prompt.error();
  if (request.kind == request_kind::embed)
    return embed(request, *prompt);
  generation out;
  out.request_id = request.id;
  out.prompt_tokens = *prompt;
  const bytes prefix = candidate_prefix(request);
  const sampling_params& sampling = request.sampling;
  const auto& stop = sampling.stop;
  for (uint32_t i = 0;; ++i) {
    out.finish_reason = i == natural_length ? wire::FinishReason::Stop : wire::FinishReason::Length;
    if (i == natural_length || i == sampling.max_tokens)
      break;
    const hash256 d = candidate_digest(prefix, i);
    const uint32_t id = token_of_digest(d);
    if (std::find(stop.begin(), stop.end(), word_of(id)) != stop.end()) {
      out.finish_reason = wire::FinishReason::Stop;
      break;
    }
    std::string piece = piece_of(id, i);
    out.token_ids.push_back(id);
    out.text += piece;
    out.chunks.push_back(generation_chunk{request.id, i, {id}, std::move(piece), {}});
    if (sampling.logprobs || sampling.top_logprobs > 0)
      out.chunks.back().logprobs.push_back(logprobs_of_digest(d, i, sampling.top_logprobs));
  }
  out.completion_tokens = static_cast<uint32_t>(out.token_ids.size());
  AGORA_ASSERT(out.completion_tokens <= natural_length);
  AGORA_ASSERT(out.chunks.size() == out.token_ids.size());
  return out;
}

}  // namespace agora::actors
