// Reading fields of untrusted tokenizer JSON files: every failure becomes an error value whose
// message names the file and the field path ("tokenizer.json: model.merges[3]: ..."), never an
// exception or an abort. Private to kernels/tokenizer/.
#pragma once

#include <boost/json.hpp>
#include <functional>

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora::kernels {

/// Where a JSON value sits: the file and the field path inside it.
struct json_place {
  std::string_view file;
  std::string path;

  json_place field(std::string_view key) const;
  json_place index(size_t i) const;
  /// "<file>: <path>: <what>" as an error of `code`.
  agora::error fail(errc code, std::string_view what) const;
};

/// The member `key` of `object`, or nullptr when it is absent or JSON null.
const boost::json::value* json_member(const boost::json::object& object, std::string_view key);

/// The object at `value`, or a malformed error at `place`.
result<const boost::json::object*> json_as_object(const boost::json::value* value,
                                                  const json_place& place);
/// The array at `value`, or a malformed error at `place`.
result<const boost::json::array*> json_as_array(const boost::json::value* value,
                                                const json_place& place);
/// Required string member `key` of `object`.
result<std::string> json_string(const boost::json::object& object, std::string_view key,
                                const json_place& place);
/// Optional boolean member `key` of `object` (`fallback` when absent).
result<bool> json_bool(const boost::json::object& object, std::string_view key, bool fallback,
                       const json_place& place);
/// Optional unsigned 32-bit member `key` of `object` (`fallback` when absent).
result<uint32_t> json_u32(const boost::json::object& object, std::string_view key,
                          uint32_t fallback, const json_place& place);
/// A token id at `value` (an integer in [0, token_id_max)), or a malformed error.
result<uint32_t> json_id(const boost::json::value& value, const json_place& place);

/// Token ids are below this bound (2^24): vocabularies are far smaller, and a hostile file must
/// not make us allocate per-id tables of billions of entries.
inline constexpr uint32_t token_id_max = uint32_t{1} << 24;

/// The leaf handler of walk_components: one component of the given type.
using component_sink = std::function<status(
    const std::string& type, const boost::json::object& object, const json_place& place)>;

/// Walks a pipeline component of tokenizer.json (normalizer, pre_tokenizer, post_processor,
/// decoder): a {"type": "Sequence", <list_field>: […]} is flattened in order, nested up to 8
/// deep; every other component goes to `leaf`. Errors name the field.
status walk_components(const boost::json::value* value, const json_place& place,
                       std::string_view list_field, const component_sink& leaf);

/// Parses `text` as JSON; a malformed error naming `file` and the parser's reason otherwise.
result<boost::json::value> json_parse(std::string_view text, std::string_view file);

}  // namespace agora::kernels
