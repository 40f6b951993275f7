// Stored records (records.fbs, DESIGN §7): storage writes pack(record) (envelope.hpp) and reads
// back through read_record, which verifies the buffer and its record identifier before use.
#pragma once

#include <string>
#include <utility>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/limits.hpp"
#include "schemas/message_kind.hpp"

namespace agora::wire {

template <record_table T>
class stored_record;

/// Copies `data` (any alignment) and verifies it as a T record; corrupt if it does not verify or
/// carries another identifier.
template <record_table T>
result<stored_record<T>> read_record(byte_view data);

/// A record buffer that read_record verified, owned and aligned.
template <record_table T>
class stored_record {
 public:
  const T* root() const { return flatbuffers::GetRoot<T>(data_.data()); }
  byte_view data() const { return data_; }

 private:
  friend result<stored_record<T>> read_record<T>(byte_view data);
  explicit stored_record(bytes verified) : data_(std::move(verified)) {
    AGORA_ASSERT(data_.size() >= 8);
  }

  bytes data_;
};

template <record_table T>
result<stored_record<T>> read_record(byte_view data) {
  if (data.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return make_error(errc::corrupt, "stored record of " + std::to_string(data.size()) + " bytes");
  bytes copy(data.begin(), data.end());
  flatbuffers::Verifier verifier(copy.data(), copy.size(), verifier_options());
  if (!verifier.VerifyBuffer<T>(identifier_of<T>()))
    return make_error(errc::corrupt,
                      std::string("stored record does not verify as ") + identifier_of<T>());
  return stored_record<T>(std::move(copy));
}

}  // namespace agora::wire
