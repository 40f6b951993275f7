// The normalizer of a tokenizer.json ("normalizer"): the steps HF `tokenizers` runs on text before
// pre-tokenization. Supported: Sequence, Prepend, Replace (string patterns), NFC, NFD, NFKC, NFKD,
// Lowercase; anything else is refused at load with an error naming it.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/json_reader.hpp"

namespace agora::kernels {

class normalizer {
 public:
  /// `value` may be nullptr (JSON null): the identity.
  static result<normalizer> from_json(const boost::json::value* value, const json_place& place);

  /// The normalized text. Prepend applies only to non-empty text, as in HF.
  std::string apply(std::string_view text) const;
  bool identity() const { return steps_.empty(); }

 private:
  enum class kind { prepend, replace, nfc, nfd, nfkc, nfkd, lowercase };
  struct step {
    kind what = kind::prepend;
    std::string pattern;  // replace: the text to find; prepend: the prefix
    std::string content;  // replace: the replacement
  };
  status add_leaf(const std::string& type, const boost::json::object& object,
                  const json_place& place);

  std::vector<step> steps_;
};

}  // namespace agora::kernels
