// Typed, ordered RocksDB keys (DESIGN §7). A key is a concatenation of fields whose encodings
// sort bytewise in the same order as their values, so a composite key (account, time, seq)
// sorts by account, then time, then seq, and a prefix of fields selects a contiguous range.
//
// Encodings (DO NOT CHANGE: they are on disk):
//   u8      1 byte
//   u64     8 bytes big-endian
//   i64     8 bytes big-endian with the sign bit flipped (negatives sort before positives)
//   fixed   the raw bytes; every key must use the same size at the same position
//   str     the bytes with 0x00 escaped as 0x00 0xFF, then the terminator 0x00 0x01; this keeps
//           lexicographic order ("a" < "a\0" < "ab") and no string is a prefix of a longer one
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "storage/limits.hpp"

namespace agora::storage {

/// Appends typed fields to a key. Fields are read back in the same order by key_reader.
class key_builder {
 public:
  key_builder& u8(uint8_t v);
  key_builder& u64(uint64_t v);
  key_builder& i64(int64_t v);
  /// REQUIRES: every key of this kind has a field of the same size here (addresses, hashes).
  key_builder& fixed(byte_view v);
  /// REQUIRES: the encoded key stays within key_bytes_max (callers bound untrusted text).
  key_builder& str(std::string_view v);

  byte_view view() const { return out_; }
  size_t size() const { return out_.size(); }
  /// Moves the key out; the builder is empty afterwards.
  bytes take();

 private:
  void append(byte_view v);
  bytes out_;
};

/// Reads typed fields from the front of a key. A key that does not decode is errc::corrupt:
/// keys come from disk, and one that does not match its layout is damaged data.
class key_reader {
 public:
  explicit key_reader(byte_view key) : key_(key) {}

  result<uint8_t> u8();
  result<uint64_t> u64();
  result<int64_t> i64();
  /// Fills `out` with the next out.size() bytes.
  status fixed(std::span<uint8_t> out);
  template <size_t N>
  result<std::array<uint8_t, N>> fixed() {
    std::array<uint8_t, N> out{};
    if (auto s = fixed(std::span<uint8_t>(out)); !s)
      return s.error();
    return out;
  }
  result<std::string> str();

  size_t remaining() const { return key_.size() - pos_; }
  bool done() const { return remaining() == 0; }

 private:
  result<byte_view> take(size_t n);
  byte_view key_;
  size_t pos_ = 0;
};

/// The smallest key greater than every key that starts with `prefix`, the exclusive end of a
/// prefix range. nullopt when no such key exists (empty prefix or all 0xFF): the range is open.
std::optional<bytes> prefix_end(byte_view prefix);

}  // namespace agora::storage
