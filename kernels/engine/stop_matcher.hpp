// Stop sequences over streamed text (DESIGN §8, OpenAI's `stop`): text is released only once it
// can no longer be the start of a stop sequence, and generation ends before the first stop
// sequence, which is never part of the output. So a streaming client and a non-streaming one see
// the same text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agora::kernels {

class stop_matcher {
 public:
  /// REQUIRES: no stop sequence is empty.
  explicit stop_matcher(std::vector<std::string> stops);

  /// Adds generated text; returns what is now safe to release. After a match it returns the
  /// text before the stop sequence and matched() turns true; later pushes are not allowed.
  std::string push(std::string_view text);
  /// The text still held back (generation ended without a match).
  std::string finish();
  bool matched() const { return matched_; }

 private:
  // Length of the longest suffix of pending_ that is a proper prefix of some stop sequence.
  size_t held_suffix() const;

  std::vector<std::string> stops_;
  std::string pending_;
  bool matched_ = false;
};

}  // namespace agora::kernels
