// Reading fields of untrusted tokenizer JSON files (json_reader.hpp).

#include "kernels/tokenizer/json_reader.hpp"

#include "core/assert.hpp"

namespace agora::kernels {

json_place json_place::field(std::string_view key) const {
  return {file, path.empty() ? std::string(key) : path + "." + std::string(key)};
}

json_place json_place::index(size_t i) const {
  return {file, path + "[" + std::to_string(i) + "]"};
}

agora::error json_place::fail(errc code, std::string_view what) const {
  std::string message(file);
  if (!path.empty())
    message += ": " + path;
  message += ": ";
  message += what;
  return make_error(code, std::move(message));
}

const boost::json::value* json_member(const boost::json::object& object, std::string_view key) {
  const boost::json::value* v = object.if_contains(key);
  if (v == nullptr || v->is_null())
    return nullptr;
  return v;
}

result<const boost::json::object*> json_as_object(const boost::json::value* value,
                                                  const json_place& place) {
  if (value == nullptr)
    return place.fail(errc::malformed, "missing (an object is required)");
  if (!value->is_object())
    return place.fail(errc::malformed, "is not a JSON object");
  return &value->get_object();
}

result<const boost::json::array*> json_as_array(const boost::json::value* value,
                                                const json_place& place) {
  if (value == nullptr)
    return place.fail(errc::malformed, "missing (an array is required)");
  if (!value->is_array())
    return place.fail(errc::malformed, "is not a JSON array");
  return &value->get_array();
}

result<std::string> json_string(const boost::json::object& object, std::string_view key,
                                const json_place& place) {
  const boost::json::value* v = json_member(object, key);
  if (v == nullptr)
    return place.field(key).fail(errc::malformed, "missing (a string is required)");
  if (!v->is_string())
    return place.field(key).fail(errc::malformed, "is not a string");
  return std::string(v->get_string());
}

result<bool> json_bool(const boost::json::object& object, std::string_view key, bool fallback,
                       const json_place& place) {
  const boost::json::value* v = json_member(object, key);
  if (v == nullptr)
    return fallback;
  if (!v->is_bool())
    return place.field(key).fail(errc::malformed, "is not true or false");
  return v->get_bool();
}

result<uint32_t> json_u32(const boost::json::object& object, std::string_view key,
                          uint32_t fallback, const json_place& place) {
  const boost::json::value* v = json_member(object, key);
  if (v == nullptr)
    return fallback;
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= UINT32_MAX)
    return static_cast<uint32_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= UINT32_MAX)
    return static_cast<uint32_t>(v->get_uint64());
  return place.field(key).fail(errc::malformed, "is not an unsigned 32-bit integer");
}

result<uint32_t> json_id(const boost::json::value& value, const json_place& place) {
  if (value.is_int64() && value.get_int64() >= 0 && value.get_int64() < token_id_max)
    return static_cast<uint32_t>(value.get_int64());
  if (value.is_uint64() && value.get_uint64() < token_id_max)
    return static_cast<uint32_t>(value.get_uint64());
  return place.fail(errc::malformed, "is not a token id (an integer in [0, 2^24))");
}

result<boost::json::value> json_parse(std::string_view text, std::string_view file) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec)
    return make_error(errc::malformed, std::string(file) + ": invalid JSON: " + ec.message());
  return v;
}

namespace {

constexpr int component_nesting_max = 8;

status walk_at(const boost::json::value* value, const json_place& place,
               std::string_view list_field, const component_sink& leaf, int depth) {
  auto object = json_as_object(value, place);
  if (!object)
    return object.error();
  auto type = json_string(**object, "type", place);
  if (!type)
    return type.error();
  if (*type != "Sequence" || depth >= component_nesting_max)
    return leaf(*type, **object, place);
  const json_place list_place = place.field(list_field);
  auto list = json_as_array(json_member(**object, list_field), list_place);
  if (!list)
    return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i)
    if (status s = walk_at(&(**list)[i], list_place.index(i), list_field, leaf, depth + 1); !s)
      return s;
  return {};
}

}  // namespace

status walk_components(const boost::json::value* value, const json_place& place,
                       std::string_view list_field, const component_sink& leaf) {
  AGORA_ASSERT(leaf != nullptr);
  return walk_at(value, place, list_field, leaf, 0);
}

}  // namespace agora::kernels
