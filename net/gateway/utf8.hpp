// UTF-8 checks for the gateway (RFC 3629): request bodies must be valid UTF-8 (400 otherwise),
// and streamed text goes out only in whole characters, since a provider's TokenChunk may end
// inside a multi-byte sequence (schemas/task.fbs) and JSON text cannot carry half of one.
#pragma once

#include <cstddef>
#include <string_view>

namespace agora::net {

/// Whether `text` is well-formed UTF-8: no overlong forms, no surrogates, nothing over U+10FFFF.
bool valid_utf8(std::string_view text);

/// The length of the longest prefix of `text` that does not end inside a multi-byte sequence:
/// text.size() unless `text` ends with the first 1–3 bytes of a sequence that more bytes could
/// still complete. Bytes that can never be valid are not held back.
size_t utf8_complete_prefix(std::string_view text);

}  // namespace agora::net
