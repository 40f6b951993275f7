// The post-processor of a tokenizer.json ("post_processor"): the special tokens HF `encode`
// wraps a single sequence in when add_special_tokens is true. Supported: TemplateProcessing
// (its "single" template), ByteLevel (adds nothing), RobertaProcessing and BertProcessing
// (cls A sep) and Sequence of these.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/json_reader.hpp"

namespace agora::kernels {

class post_processor {
 public:
  /// `value` may be nullptr (JSON null): nothing is added.
  static result<post_processor> from_json(const boost::json::value* value, const json_place& place);

  /// `ids` wrapped in the single-sequence template.
  std::vector<uint32_t> apply(std::vector<uint32_t> ids) const;

  /// The ids placed before the sequence (e.g. Llama's <s>).
  const std::vector<uint32_t>& prefix() const { return prefix_; }
  /// The ids placed after the sequence (e.g. BERT's [SEP]).
  const std::vector<uint32_t>& suffix() const { return suffix_; }

 private:
  status add_leaf(const std::string& type, const boost::json::object& object,
                  const json_place& place);
  status add_template(const boost::json::object& object, const json_place& place);
  status add_pair_style(const boost::json::object& object, const json_place& place);

  std::vector<uint32_t> prefix_;
  std::vector<uint32_t> suffix_;
  bool has_template_ = false;
};

}  // namespace agora::kernels
