// Typed, ordered key encoding and decoding; the layout is documented in storage/keys.hpp.
#include "storage/keys.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace agora::storage {
namespace {

constexpr uint64_t sign_bit = uint64_t{1} << 63;
constexpr uint8_t str_escape = 0x00;  // introduces an escaped zero or the terminator
constexpr uint8_t str_escaped_zero = 0xFF;
constexpr uint8_t str_terminator = 0x01;

std::array<uint8_t, 8> encode_be(uint64_t v) {
  std::array<uint8_t, 8> out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(v >> (8 * (7 - i)));
  return out;
}

uint64_t decode_be(byte_view in) {
  AGORA_ASSERT(in.size() == 8);
  uint64_t v = 0;
  for (uint8_t b : in)
    v = (v << 8) | b;
  return v;
}

error truncated(size_t pos, size_t wanted, size_t have) {
  return make_error(errc::corrupt, "key field at byte " + std::to_string(pos) + " needs " +
                                       std::to_string(wanted) + " bytes, " + std::to_string(have) +
                                       " left");
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// key_builder

void key_builder::append(byte_view v) {
  AGORA_ASSERT(v.size() <= key_bytes_max);
  AGORA_ASSERT(out_.size() + v.size() <= key_bytes_max);
  out_.insert(out_.end(), v.begin(), v.end());
}

key_builder& key_builder::u8(uint8_t v) {
  append(byte_view(&v, 1));
  return *this;
}

key_builder& key_builder::u64(uint64_t v) {
  append(encode_be(v));
  return *this;
}

key_builder& key_builder::i64(int64_t v) {
  append(encode_be(static_cast<uint64_t>(v) ^ sign_bit));
  return *this;
}

key_builder& key_builder::fixed(byte_view v) {
  AGORA_ASSERT(!v.empty());  // an empty fixed field is a layout mistake
  append(v);
  return *this;
}

key_builder& key_builder::str(std::string_view v) {
  size_t zeros = static_cast<size_t>(std::count(v.begin(), v.end(), '\0'));
  size_t encoded = v.size() + zeros + 2;
  AGORA_ASSERT(v.size() <= key_bytes_max);
  AGORA_ASSERT(out_.size() + encoded <= key_bytes_max);
  out_.reserve(out_.size() + encoded);
  for (char c : v) {
    out_.push_back(static_cast<uint8_t>(c));
    if (c == '\0')
      out_.push_back(str_escaped_zero);
  }
  out_.push_back(str_escape);
  out_.push_back(str_terminator);
  return *this;
}

bytes key_builder::take() {
  bytes out = std::move(out_);
  out_.clear();
  AGORA_ASSERT(out_.empty());
  return out;
}

// ------------------------------------------------------------------------------------------------
// key_reader

result<byte_view> key_reader::take(size_t n) {
  AGORA_ASSERT(n > 0);
  AGORA_ASSERT(pos_ <= key_.size());
  if (remaining() < n)
    return truncated(pos_, n, remaining());
  byte_view out = key_.subspan(pos_, n);
  pos_ += n;
  return out;
}

result<uint8_t> key_reader::u8() {
  auto raw = take(1);
  if (!raw)
    return raw.error();
  return (*raw)[0];
}

result<uint64_t> key_reader::u64() {
  auto raw = take(8);
  if (!raw)
    return raw.error();
  return decode_be(*raw);
}

result<int64_t> key_reader::i64() {
  auto raw = take(8);
  if (!raw)
    return raw.error();
  return static_cast<int64_t>(decode_be(*raw) ^ sign_bit);
}

status key_reader::fixed(std::span<uint8_t> out) {
  AGORA_ASSERT(!out.empty());
  auto raw = take(out.size());
  if (!raw)
    return raw.error();
  AGORA_ASSERT(raw->size() == out.size());
  std::copy(raw->begin(), raw->end(), out.begin());
  return {};
}

result<std::string> key_reader::str() {
  AGORA_ASSERT(pos_ <= key_.size());
  size_t start = pos_;
  std::string out;
  while (pos_ < key_.size()) {
    uint8_t b = key_[pos_++];
    if (b != str_escape) {
      out.push_back(static_cast<char>(b));
      continue;
    }
    if (pos_ == key_.size())
      break;
    uint8_t next = key_[pos_++];
    if (next == str_terminator)
      return out;
    if (next != str_escaped_zero)
      return make_error(errc::corrupt,
                        "bad escape in key string at byte " + std::to_string(pos_ - 1));
    out.push_back('\0');
  }
  AGORA_ASSERT(pos_ == key_.size());
  return make_error(errc::corrupt,
                    "unterminated key string starting at byte " + std::to_string(start));
}

// ------------------------------------------------------------------------------------------------
// ranges

std::optional<bytes> prefix_end(byte_view prefix) {
  AGORA_ASSERT(prefix.size() <= key_bytes_max);
  bytes end(prefix.begin(), prefix.end());
  while (!end.empty() && end.back() == 0xFF)
    end.pop_back();
  if (end.empty())
    return std::nullopt;
  end.back() = static_cast<uint8_t>(end.back() + 1);
  AGORA_ASSERT(end.size() <= prefix.size());
  return end;
}

}  // namespace agora::storage
