// The pre-tokenizer of a tokenizer.json ("pre_tokenizer"): cuts normalized text into words for
// the BPE model. Supported: ByteLevel (add_prefix_space, use_regex), Split with a recognised
// regex and the Isolated behaviour, Metaspace (prepend_scheme always/first/never, split) and
// Sequence of these; anything else is refused at load with an error naming it.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/json_reader.hpp"
#include "kernels/tokenizer/word_splitter.hpp"

namespace agora::kernels {

class pre_tokenizer {
 public:
  /// `value` may be nullptr (JSON null): the whole text is one word.
  static result<pre_tokenizer> from_json(const boost::json::value* value, const json_place& place);

  /// Appends the words of `text` to `words`. `at_text_start` says whether `text` begins at the
  /// start of the input (Metaspace's "first" scheme prepends only there).
  void apply(std::string_view text, bool at_text_start, std::vector<std::string>& words) const;

 private:
  enum class kind { byte_level, split, metaspace };
  enum class prepend_scheme { always, first, never };
  struct step {
    kind what = kind::byte_level;
    bool add_prefix_space = false;                    // byte_level
    bool use_regex = true;                            // byte_level
    split_pattern pattern = split_pattern::gpt2;      // split
    std::string replacement;                          // metaspace
    prepend_scheme prepend = prepend_scheme::always;  // metaspace
    bool split = true;                                // metaspace
  };
  struct piece {
    std::string text;
    bool at_start = false;
  };
  status add_leaf(const std::string& type, const boost::json::object& object,
                  const json_place& place);
  status add_byte_level(const boost::json::object& object, const json_place& place);
  status add_split(const boost::json::object& object, const json_place& place);
  status add_metaspace(const boost::json::object& object, const json_place& place);
  void run(const step& s, const piece& in, std::vector<piece>& out) const;
  void run_metaspace(const step& s, const piece& in, std::vector<piece>& out) const;

  std::vector<step> steps_;
};

}  // namespace agora::kernels
