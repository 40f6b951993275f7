// The input checks every backend shares (backend.hpp), so the CPU and CUDA backends refuse the
// same requests with the same messages.
#include "kernels/backend.hpp"

#include <cmath>
#include <string>

namespace agora::kernels {

status check_token_ids(const model_config& config, std::span<const uint32_t> tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] >= config.vocab_size) {
      return make_error(errc::invalid_argument, "token " + std::to_string(tokens[i]) +
                                                    " at index " + std::to_string(i) +
                                                    " is not below the vocabulary size " +
                                                    std::to_string(config.vocab_size));
    }
  }
  return {};
}

status check_room(const kv_sequence& sequence, size_t count) {
  AGORA_ASSERT(sequence.length() <= sequence.capacity());
  if (count <= sequence.capacity() - sequence.length())
    return {};
  return make_error(errc::limit_exceeded,
                    std::to_string(count) + " tokens after " + std::to_string(sequence.length()) +
                        " run past the sequence's capacity " + std::to_string(sequence.capacity()));
}

status check_embed_input(const model_config& config, std::span<const uint32_t> tokens) {
  if (tokens.empty())
    return make_error(errc::invalid_argument, "embed needs at least one token");
  if (tokens.size() > config.max_positions)
    return make_error(errc::limit_exceeded,
                      std::to_string(tokens.size()) + " tokens are over the model's " +
                          std::to_string(config.max_positions) + " positions");
  return check_token_ids(config, tokens);
}

std::vector<float> unit_mean(std::vector<double> sums, size_t count) {
  AGORA_ASSERT(count >= 1);
  double norm = 0;
  for (double& v : sums) {
    v /= static_cast<double>(count);
    norm += v * v;
  }
  norm = std::sqrt(norm);
  std::vector<float> out(sums.size());
  for (size_t c = 0; c < sums.size(); ++c)
    out[c] = static_cast<float>(norm > 0 ? sums[c] / norm : 0.0);
  return out;
}

}  // namespace agora::kernels
