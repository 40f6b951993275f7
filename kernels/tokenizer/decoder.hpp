// The decoder of a tokenizer.json ("decoder"): how token strings become text. Supported:
// ByteLevel, Replace (string patterns), ByteFallback, Fuse, Strip, Metaspace and Sequence of
// these; without a decoder tokens are joined with spaces, as HF does.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/json_reader.hpp"

namespace agora::kernels {

class decoder {
 public:
  /// `value` may be nullptr (JSON null): no decoder.
  static result<decoder> from_json(const boost::json::value* value, const json_place& place);

  /// The text of `tokens` (HF `decode_chain` through every step, then concatenation). Invalid
  /// UTF-8 becomes U+FFFD: per maximal subpart after ByteLevel, per byte token after ByteFallback.
  std::string decode(std::vector<std::string> tokens) const;

  /// Whether <0xAB> tokens are grouped (ByteFallback): a stream must wait for a group to end.
  bool has_byte_fallback() const;

 private:
  enum class kind { byte_level, replace, byte_fallback, fuse, strip, metaspace };
  struct step {
    kind what = kind::fuse;
    std::string pattern;      // replace: text to find; metaspace: the replacement character
    std::string content;      // replace: the replacement; strip: the character to strip
    uint32_t start = 0;       // strip: characters to strip at the start
    uint32_t stop = 0;        // strip: characters to strip at the end
    bool strip_first = true;  // metaspace: drop the first token's leading space
  };
  status add_leaf(const std::string& type, const boost::json::object& object,
                  const json_place& place);
  static void run(const step& s, std::vector<std::string>& tokens);

  std::vector<step> steps_;
  bool present_ = false;
};

}  // namespace agora::kernels
