// Ids derived from what they name (derived_id.hpp).
#include "schemas/derived_id.hpp"

#include <algorithm>

#include "core/keccak.hpp"

namespace agora::wire {

id128 derived_id(std::string_view tag, const address& party, byte_view subject) {
  bytes input(tag.begin(), tag.end());
  input.insert(input.end(), party.raw().begin(), party.raw().end());
  input.insert(input.end(), subject.begin(), subject.end());
  const hash256 digest = keccak256(input);
  id128 id{};
  static_assert(id.size() <= digest.size());
  std::copy_n(digest.begin(), id.size(), id.begin());
  return id;
}

}  // namespace agora::wire
