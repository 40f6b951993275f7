// Operating errors as values (style §4): one closed enum with stable numbers, an error value that
// carries the code and a one-line human message, and result<T> for functions that may fail.
// Programmer errors are not errors: they crash through AGORA_ASSERT (core/assert.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/assert.hpp"

namespace agora {

/// Every operating error Agora reports. The numbers reach logs, error frames and the wire:
/// DO NOT CHANGE them; add new codes at the end.
enum class errc : uint16_t {
  ok = 0,
  invalid_argument = 1,    // a caller-supplied value is out of its domain
  malformed = 2,           // bytes or text do not parse (hex, JSON, FlatBuffer, amount)
  bad_signature = 3,       // a signature does not parse, recover or match
  too_large = 4,           // a frame or field exceeds its size limit
  limit_exceeded = 5,      // a count or rate limit was hit
  not_found = 6,           // the named thing does not exist
  already_exists = 7,      // refusing to overwrite or redo
  io_error = 8,            // the OS or the database failed
  corrupt = 9,             // stored data failed verification
  overflow = 10,           // checked arithmetic would wrap
  insecure_key_file = 11,  // a key file readable by group or others
  unsupported = 12,        // a feature or variant this build does not handle
  replayed = 13,           // a single-use value was seen before
  stale = 14,              // a timestamp outside the accepted window
  wrong_kind = 15,         // a message of one kind where another was expected
  insufficient_funds = 16,
};

/// The stable one-line description of a code.
std::string_view describe(errc code);

/// An operating error: a code and a message for people. The message never contains secrets.
struct error {
  errc code = errc::ok;
  std::string message;

  /// "<description>: <message>", the form used in logs and CLI output.
  std::string to_string() const;
};

inline error make_error(errc code, std::string message) {
  AGORA_ASSERT(code != errc::ok);
  return error{code, std::move(message)};
}

/// A value or an error. Check it on the next line: `if (!r) return r.error();`.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  result(agora::error err) : state_(std::move(err)) {  // NOLINT: implicit by design
    AGORA_ASSERT(std::get<agora::error>(state_).code != errc::ok);
  }

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    AGORA_ASSERT(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    AGORA_ASSERT(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    AGORA_ASSERT(ok());
    return std::get<T>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const agora::error& error() const {
    AGORA_ASSERT(!ok());
    return std::get<agora::error>(state_);
  }

 private:
  std::variant<T, agora::error> state_;
};

/// result<void>: success or an error.
class [[nodiscard]] status {
 public:
  status() = default;
  status(agora::error err) : err_(std::move(err)) {  // NOLINT: implicit by design
    AGORA_ASSERT(err_.code != errc::ok);
  }

  bool ok() const { return err_.code == errc::ok; }
  explicit operator bool() const { return ok(); }
  const agora::error& error() const {
    AGORA_ASSERT(!ok());
    return err_;
  }

 private:
  agora::error err_;
};

}  // namespace agora
