// EIP-712 typed structured data hashing with eth_signTypedData_v4 semantics: encodeType with the
// dependencies sorted after the primary type, encodeData for atomic, dynamic, struct and array
// fields, the domain-separated digest, and EIP-3009 TransferWithAuthorization. Spec: EIP-712.
#include "core/eip712.hpp"

#include <boost/json/parse.hpp>
#include <map>
#include <optional>
#include <vector>

#include "core/keccak.hpp"

namespace agora::eip712 {
namespace json = boost::json;
namespace {

using word = std::array<uint8_t, 32>;  // one 32-byte slot of encodeData
constexpr size_t nesting_max = 32;     // struct and array depth a value may have
constexpr size_t word_bits = 256;

std::string str(std::string_view text) {
  return std::string{text};
}

void append(bytes& out, const word& w) {
  out.insert(out.end(), w.begin(), w.end());
}

// ---------------------------------------------------------------------------------------------
// Type names

struct field {
  std::string_view name;
  std::string_view type;
};
using struct_map = std::map<std::string, std::vector<field>, std::less<>>;

// An array type "T[]" (no length) or "T[n]", split into its element type and length.
struct array_type {
  std::string_view element;
  std::optional<size_t> length;
};

bool is_array(std::string_view type) {
  return type.ends_with(']');
}

result<array_type> split_array(std::string_view type) {
  AGORA_ASSERT(is_array(type));
  size_t open = type.rfind('[');
  if (open == std::string_view::npos || open == 0)
    return make_error(errc::malformed, "bad array type '" + str(type) + "'");
  std::string_view digits = type.substr(open + 1, type.size() - open - 2);
  array_type out{type.substr(0, open), std::nullopt};
  if (digits.empty())
    return out;
  size_t length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || length > 1'000'000)
      return make_error(errc::malformed, "bad array length in type '" + str(type) + "'");
    length = length * 10 + static_cast<size_t>(c - '0');
  }
  out.length = length;
  return out;
}

// N of "uintN", "intN" or "bytesN" when `digits` is a multiple of `step` in [step, max]; else 0.
unsigned parse_width(std::string_view digits, unsigned step, unsigned max) {
  if (digits.empty() || digits.size() > 3 || digits[0] == '0')
    return 0;
  unsigned width = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return 0;
    width = width * 10 + static_cast<unsigned>(c - '0');
  }
  return (width <= max && width % step == 0) ? width : 0;
}

unsigned bytes_width(std::string_view type) {
  return type.starts_with("bytes") ? parse_width(type.substr(5), 1, 32) : 0;
}
unsigned uint_width(std::string_view type) {
  return type.starts_with("uint") ? parse_width(type.substr(4), 8, 256) : 0;
}
unsigned int_width(std::string_view type) {
  return type.starts_with("int") ? parse_width(type.substr(3), 8, 256) : 0;
}

bool is_atomic(std::string_view type) {
  return type == "address" || type == "bool" || type == "string" || type == "bytes" ||
         bytes_width(type) != 0 || uint_width(type) != 0 || int_width(type) != 0;
}

result<std::vector<field>> fields_of(const json::object& types, std::string_view type) {
  const json::value* list = types.if_contains(type);
  if (list == nullptr)
    return make_error(errc::malformed, "unknown struct type '" + str(type) + "'");
  if (!list->is_array())
    return make_error(errc::malformed, "types." + str(type) + " is not an array of fields");
  std::vector<field> out;
  for (const json::value& entry : list->get_array()) {
    const json::value* name = entry.is_object() ? entry.get_object().if_contains("name") : nullptr;
    const json::value* kind = entry.is_object() ? entry.get_object().if_contains("type") : nullptr;
    if (name == nullptr || kind == nullptr || !name->is_string() || !kind->is_string())
      return make_error(errc::malformed,
                        "types." + str(type) + " has an entry without string name and type");
    out.push_back(field{name->get_string(), kind->get_string()});
  }
  return out;
}

// Checks a field's type (array suffixes included) and returns its base name: a struct or atomic.
result<std::string_view> base_type(const json::object& types, std::string_view type,
                                   const std::string& where) {
  std::string_view base = type;
  while (is_array(base)) {
    auto arr = split_array(base);
    if (!arr)
      return make_error(errc::malformed, where + ": " + arr.error().message);
    base = arr->element;
  }
  if (!types.contains(base) && !is_atomic(base))
    return make_error(errc::malformed, where + ": unknown type '" + str(type) + "'");
  return base;
}

// Adds `type` and every struct it reaches to `found`, checking each field's type on the way.
status collect_structs(const json::object& types, std::string_view type, struct_map& found) {
  if (found.contains(type))
    return {};
  auto fields = fields_of(types, type);
  if (!fields)
    return fields.error();
  const std::vector<field>& list = found.emplace(str(type), std::move(*fields)).first->second;
  for (const field& f : list) {
    auto base = base_type(types, f.type, "field " + str(type) + "." + str(f.name));
    if (!base)
      return base.error();
    if (!types.contains(*base))
      continue;
    if (status st = collect_structs(types, *base, found); !st)
      return st;
  }
  return {};
}

std::string describe_struct(std::string_view name, const std::vector<field>& fields) {
  std::string out = str(name) + "(";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i != 0)
      out += ',';
    out.append(fields[i].type).append(" ").append(fields[i].name);
  }
  return out + ")";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Integers: 256-bit big-endian words parsed from JSON numbers, decimal or 0x-hex text

result<hash256> uint256_from_decimal(std::string_view digits) {
  if (digits.empty())
    return make_error(errc::malformed, "empty decimal number");
  word out{};
  for (char c : digits) {
    if (c < '0' || c > '9')
      return make_error(errc::malformed, "not a decimal digit in an integer");
    unsigned carry = static_cast<unsigned>(c - '0');
    for (size_t i = out.size(); i-- > 0;) {  // out = out * 10 + digit
      unsigned v = out[i] * 10u + carry;
      out[i] = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    if (carry != 0)
      return make_error(errc::overflow, "integer does not fit in 256 bits");
  }
  return out;
}

namespace {

result<word> uint256_from_hex(std::string_view digits) {
  if (digits.empty())
    return make_error(errc::malformed, "no digits after 0x in an integer");
  digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.size() > 2 * sizeof(word))
    return make_error(errc::overflow, "integer does not fit in 256 bits");
  std::string even_digits(digits.size() % 2, '0');  // pad an odd count to whole bytes
  even_digits.append(digits);
  auto raw = from_hex(even_digits);
  if (!raw)
    return raw.error();
  word out{};
  std::copy(raw->begin(), raw->end(), out.end() - static_cast<std::ptrdiff_t>(raw->size()));
  return out;
}

// An integer value before encoding: its magnitude and sign.
struct big_integer {
  word magnitude{};
  bool negative = false;
};

word from_u64(uint64_t v) {
  word out{};
  for (size_t i = 0; i < sizeof v; ++i)
    out[out.size() - 1 - i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

result<big_integer> integer_from_json(const json::value& value) {
  if (value.is_int64()) {
    int64_t v = value.get_int64();
    uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return big_integer{from_u64(magnitude), v < 0};
  }
  if (value.is_uint64())
    return big_integer{from_u64(value.get_uint64()), false};
  if (value.is_double())
    return make_error(errc::malformed, "JSON number is not an exact integer; pass large values "
                                       "as decimal or 0x text");
  if (!value.is_string())
    return make_error(errc::malformed, "expected an integer (JSON integer, decimal or 0x text)");
  std::string_view text = value.get_string();
  big_integer out;
  out.negative = text.starts_with('-');
  text.remove_prefix(out.negative ? 1 : 0);
  bool hex = text.starts_with("0x") || text.starts_with("0X");
  auto magnitude = hex ? uint256_from_hex(text.substr(2)) : uint256_from_decimal(text);
  if (!magnitude)
    return magnitude.error();
  out.magnitude = *magnitude;
  return out;
}

bool bit(const word& w, size_t index) {
  return (w[w.size() - 1 - index / 8] >> (index % 8)) & 1;
}

bool is_zero(const word& w) {
  return std::all_of(w.begin(), w.end(), [](uint8_t b) { return b == 0; });
}

// Two's complement over 256 bits: ~w + 1.
word negate(word w) {
  unsigned carry = 1;
  for (size_t i = w.size(); i-- > 0;) {
    unsigned v = static_cast<uint8_t>(~w[i]) + carry;
    w[i] = static_cast<uint8_t>(v & 0xff);
    carry = v >> 8;
  }
  return w;
}

// True when bits [from, 256) of `w` all equal `one`: the value is the sign extension of a
// narrower integer, i.e. it fits.
bool top_bits_are(const word& w, size_t from, bool one) {
  for (size_t i = from; i < word_bits; ++i) {
    if (bit(w, i) != one)
      return false;
  }
  return true;
}

// The encodeData word of an intN/uintN value, range-checked for N bits.
result<word> encode_integer(const json::value& value, bool is_signed, unsigned bits) {
  AGORA_ASSERT(bits >= 8 && bits <= word_bits);
  AGORA_ASSERT(bits % 8 == 0);
  auto parsed = integer_from_json(value);
  if (!parsed)
    return parsed.error();
  const bool negative = parsed->negative && !is_zero(parsed->magnitude);
  const std::string range = (is_signed ? "int" : "uint") + std::to_string(bits);
  if (negative && !is_signed)
    return make_error(errc::invalid_argument, "negative value for " + range);
  word encoded = negative ? negate(parsed->magnitude) : parsed->magnitude;
  if (!top_bits_are(encoded, is_signed ? bits - 1 : bits, negative))
    return make_error(errc::invalid_argument, "value out of range for " + range);
  return encoded;
}

// ---------------------------------------------------------------------------------------------
// Atomic and dynamic values

result<bytes> hex_value(const json::value& value) {
  if (!value.is_string() || !value.get_string().starts_with("0x"))
    return make_error(errc::malformed, "expected 0x-prefixed hex text");
  return from_hex(value.get_string());
}

result<word> encode_address(const json::value& value) {
  if (!value.is_string())
    return make_error(errc::malformed, "expected an address string");
  auto parsed = address::parse(value.get_string());
  if (!parsed)
    return parsed.error();
  word out{};
  std::copy(parsed->raw().begin(), parsed->raw().end(), out.end() - address::size);
  return out;
}

result<word> encode_fixed_bytes(const json::value& value, unsigned width) {
  auto raw = hex_value(value);
  if (!raw)
    return raw.error();
  if (raw->size() != width)
    return make_error(errc::malformed, "expected " + std::to_string(width) + " bytes, got " +
                                           std::to_string(raw->size()));
  word out{};  // bytesN is left-aligned, zero-padded on the right
  std::copy(raw->begin(), raw->end(), out.begin());
  return out;
}

result<word> encode_atomic_value(std::string_view type, const json::value& value) {
  if (type == "address")
    return encode_address(value);
  if (type == "bool") {
    if (!value.is_bool())
      return make_error(errc::malformed, "expected true or false");
    return from_u64(value.get_bool() ? 1 : 0);
  }
  if (type == "string") {
    if (!value.is_string())
      return make_error(errc::malformed, "expected a string");
    return keccak256(as_bytes(value.get_string()));
  }
  if (type == "bytes") {
    auto raw = hex_value(value);
    return raw ? result<word>{keccak256(*raw)} : result<word>{raw.error()};
  }
  if (unsigned width = bytes_width(type); width != 0)
    return encode_fixed_bytes(value, width);
  if (unsigned width = uint_width(type); width != 0)
    return encode_integer(value, false, width);
  if (unsigned width = int_width(type); width != 0)
    return encode_integer(value, true, width);
  return make_error(errc::malformed, "unknown type '" + str(type) + "'");
}

// Prefixes an atomic value's error with the field path and type it was found at.
result<word> encode_atomic(std::string_view type, const json::value& value,
                           const std::string& path) {
  auto encoded = encode_atomic_value(type, value);
  if (!encoded)
    return make_error(encoded.error().code,
                      path + " (" + str(type) + "): " + encoded.error().message);
  return encoded;
}

// ---------------------------------------------------------------------------------------------
// Structs and arrays

// encodeData over one `types` table. Paths name where a value sits ("Mail.to[1].wallet") so an
// error points at the offending field.
class encoder {
 public:
  explicit encoder(const json::object& types) : types_(types) {}

  result<hash256> hash_struct(std::string_view type, const json::value& value,
                              const std::string& path, size_t depth) const {
    if (depth > nesting_max)
      return make_error(errc::too_large,
                        path + ": nested deeper than " + std::to_string(nesting_max) + " levels");
    auto type_text = encode_type(types_, type);
    if (!type_text)
      return type_text.error();
    if (!value.is_object())
      return make_error(errc::malformed, path + " (" + str(type) + "): expected an object");
    auto fields = fields_of(types_, type);
    AGORA_ASSERT(fields.ok());  // encode_type has checked every struct it reaches
    bytes data;
    data.reserve(sizeof(word) * (1 + fields->size()));
    append(data, keccak256(as_bytes(*type_text)));
    for (const field& f : *fields) {
      const std::string field_path = path + "." + str(f.name);
      const json::value* member = value.get_object().if_contains(f.name);
      if (member == nullptr && !types_.contains(f.type))
        return make_error(errc::malformed,
                          "missing field " + field_path + " (" + str(f.type) + ")");
      static const json::value absent;  // null: a missing struct-typed field, as v4 treats it
      auto encoded = encode_field(f.type, member ? *member : absent, field_path, depth + 1);
      if (!encoded)
        return encoded.error();
      append(data, *encoded);
    }
    AGORA_ASSERT(data.size() == sizeof(word) * (1 + fields->size()));
    return keccak256(data);
  }

 private:
  result<word> encode_field(std::string_view type, const json::value& value,
                            const std::string& path, size_t depth) const {
    if (is_array(type)) {
      auto arr = split_array(type);
      if (!arr)
        return make_error(errc::malformed, path + ": " + arr.error().message);
      return encode_array(*arr, value, path, depth);
    }
    if (types_.contains(type) && value.is_null())
      return word{};  // v4: a null struct is 32 zero bytes, which is how recursive types end
    if (types_.contains(type))
      return hash_struct(type, value, path, depth);
    return encode_atomic(type, value, path);
  }

  // An array encodes as keccak256 of its elements' encodings, concatenated.
  result<word> encode_array(const array_type& arr, const json::value& value,
                            const std::string& path, size_t depth) const {
    if (depth > nesting_max)
      return make_error(errc::too_large, path + ": nested too deep");
    if (!value.is_array())
      return make_error(errc::malformed, path + ": expected an array of " + str(arr.element));
    const json::array& items = value.get_array();
    if (arr.length && items.size() != *arr.length)
      return make_error(errc::malformed, path + ": expected " + std::to_string(*arr.length) +
                                             " elements, got " + std::to_string(items.size()));
    bytes data;
    data.reserve(sizeof(word) * items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      auto encoded =
          encode_field(arr.element, items[i], path + "[" + std::to_string(i) + "]", depth + 1);
      if (!encoded)
        return encoded.error();
      append(data, *encoded);
    }
    return keccak256(data);
  }

  const json::object& types_;
};

// The EIP-3009 types, exactly as token contracts (USDC's FiatTokenV2) declare them.
const json::object& transfer_types() {
  static const json::object types = json::parse(R"({
    "EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "version", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}],
    "TransferWithAuthorization": [
      {"name": "from", "type": "address"},
      {"name": "to", "type": "address"},
      {"name": "value", "type": "uint256"},
      {"name": "validAfter", "type": "uint256"},
      {"name": "validBefore", "type": "uint256"},
      {"name": "nonce", "type": "bytes32"}]
  })")
                                        .as_object();
  return types;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

result<std::string> encode_type(const json::object& types, std::string_view primary) {
  struct_map found;
  if (status st = collect_structs(types, primary, found); !st)
    return st.error();
  AGORA_ASSERT(found.contains(primary));
  std::string out = describe_struct(primary, found.find(primary)->second);
  for (const auto& [name, fields] : found) {
    if (name != primary)
      out += describe_struct(name, fields);
  }
  return out;
}

result<hash256> type_hash(const json::object& types, std::string_view primary) {
  auto text = encode_type(types, primary);
  if (!text)
    return text.error();
  return keccak256(as_bytes(*text));
}

result<hash256> hash_struct(const json::object& types, std::string_view primary,
                            const json::value& value) {
  return encoder{types}.hash_struct(primary, value, str(primary), 0);
}

result<hash256> typed_data_digest(const json::object& types, const json::value& domain,
                                  std::string_view primary, const json::value& message) {
  auto domain_separator = hash_struct(types, "EIP712Domain", domain);
  if (!domain_separator)
    return domain_separator.error();
  bytes data = {0x19, 0x01};
  append(data, *domain_separator);
  // As in eth_signTypedData_v4, signing the domain itself hashes no message.
  if (primary != "EIP712Domain") {
    auto message_hash = hash_struct(types, primary, message);
    if (!message_hash)
      return message_hash.error();
    append(data, *message_hash);
  }
  return keccak256(data);
}

result<hash256> transfer_with_authorization_digest(const token_domain& domain,
                                                   const transfer_with_authorization& auth) {
  json::object domain_value{{"name", domain.name},
                            {"version", domain.version},
                            {"chainId", domain.chain_id},
                            {"verifyingContract", domain.verifying_contract.to_string()}};
  json::object message{{"from", auth.from.to_string()},
                       {"to", auth.to.to_string()},
                       {"value", auth.value},
                       {"validAfter", auth.valid_after},
                       {"validBefore", auth.valid_before},
                       {"nonce", to_hex0x(auth.nonce)}};
  return typed_data_digest(transfer_types(), domain_value, "TransferWithAuthorization", message);
}

}  // namespace agora::eip712
