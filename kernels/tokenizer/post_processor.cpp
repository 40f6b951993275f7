// The post-processor (post_processor.hpp). Only the single-sequence form matters to generation:
// the items before "$A" form the prefix, those after it the suffix.

#include "kernels/tokenizer/post_processor.hpp"

#include "core/assert.hpp"

namespace agora::kernels {
namespace {

// The ids of special token `name` in a TemplateProcessing "special_tokens" map.
result<std::vector<uint32_t>> special_ids(const boost::json::object& specials,
                                          const std::string& name, const json_place& place) {
  const boost::json::value* entry = json_member(specials, name);
  if (entry == nullptr)
    return place.fail(errc::malformed, "special token \"" + name + "\" is not in special_tokens");
  auto object = json_as_object(entry, place.field(name));
  if (!object)
    return object.error();
  auto ids = json_as_array(json_member(**object, "ids"), place.field(name).field("ids"));
  if (!ids)
    return ids.error();
  std::vector<uint32_t> out;
  for (size_t i = 0; i < (*ids)->size(); ++i) {
    auto id = json_id((**ids)[i], place.field(name).field("ids").index(i));
    if (!id)
      return id.error();
    out.push_back(*id);
  }
  return out;
}

}  // namespace

result<post_processor> post_processor::from_json(const boost::json::value* value,
                                                 const json_place& place) {
  post_processor p;
  if (value == nullptr)
    return p;
  status s = walk_components(value, place, "processors",
                             [&p](const std::string& type, const boost::json::object& object,
                                  const json_place& at) { return p.add_leaf(type, object, at); });
  if (!s)
    return s.error();
  return p;
}

status post_processor::add_leaf(const std::string& type, const boost::json::object& object,
                                const json_place& place) {
  if (type == "ByteLevel")
    return {};  // it only trims offsets
  if (type == "TemplateProcessing")
    return add_template(object, place);
  if (type == "RobertaProcessing" || type == "BertProcessing")
    return add_pair_style(object, place);
  return place.field("type").fail(errc::unsupported,
                                  "post-processor \"" + type + "\" is not supported");
}

status post_processor::add_template(const boost::json::object& object, const json_place& place) {
  if (has_template_)
    return place.fail(errc::unsupported, "more than one template");
  has_template_ = true;
  auto single = json_as_array(json_member(object, "single"), place.field("single"));
  if (!single)
    return single.error();
  auto specials =
      json_as_object(json_member(object, "special_tokens"), place.field("special_tokens"));
  if (!specials)
    return specials.error();
  bool seen_sequence = false;
  for (size_t i = 0; i < (*single)->size(); ++i) {
    const json_place at = place.field("single").index(i);
    auto item = json_as_object(&(**single)[i], at);
    if (!item)
      return item.error();
    if (json_member(**item, "Sequence") != nullptr) {
      seen_sequence = true;
      continue;
    }
    auto special = json_as_object(json_member(**item, "SpecialToken"), at.field("SpecialToken"));
    if (!special)
      return at.fail(errc::malformed, "is neither a Sequence nor a SpecialToken");
    auto name = json_string(**special, "id", at.field("SpecialToken"));
    if (!name)
      return name.error();
    auto ids = special_ids(**specials, *name, place.field("special_tokens"));
    if (!ids)
      return ids.error();
    std::vector<uint32_t>& side = seen_sequence ? suffix_ : prefix_;
    side.insert(side.end(), ids->begin(), ids->end());
  }
  if (!seen_sequence)
    return place.field("single").fail(errc::malformed, "has no Sequence item");
  return {};
}

status post_processor::add_pair_style(const boost::json::object& object, const json_place& place) {
  if (has_template_)
    return place.fail(errc::unsupported, "more than one template");
  has_template_ = true;
  for (std::string_view key : {"cls", "sep"}) {
    auto pair = json_as_array(json_member(object, key), place.field(key));
    if (!pair)
      return pair.error();
    if ((*pair)->size() != 2)
      return place.field(key).fail(errc::malformed, "is not [token, id]");
    auto id = json_id((**pair)[1], place.field(key).index(1));
    if (!id)
      return id.error();
    (key == "cls" ? prefix_ : suffix_).push_back(*id);
  }
  return {};
}

std::vector<uint32_t> post_processor::apply(std::vector<uint32_t> ids) const {
  if (!has_template_)
    return ids;
  std::vector<uint32_t> out = prefix_;
  out.insert(out.end(), ids.begin(), ids.end());
  out.insert(out.end(), suffix_.begin(), suffix_.end());
  AGORA_ASSERT(out.size() == ids.size() + prefix_.size() + suffix_.size());
  return out;
}

}  // namespace agora::kernels
