// secp256k1 private keys: generation, parsing, the PRIVATE_KEY variable, key files (read only when
// private to the owner, written with mode 0600), public key and address derivation.
#include "core/key.hpp"

#include "core/secp256k1_detail.hpp"

#include <fcntl.h>
#include <secp256k1.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace agora {
namespace {

constexpr size_t key_hex_digits = 2 * private_key::size;
constexpr size_t key_file_bytes_max = 4096;  // hex text plus generous whitespace
constexpr int generate_attempts_max = 64;    // a draw is out of range with probability ~2^-128

// Holds secret text and wipes it when it goes out of scope.
struct wiped_string {
  std::string text;
  ~wiped_string() { secure_wipe(text.data(), text.size()); }
};

std::string_view trim_space(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Reads the whole of a small file from `fd` into `out`.
status read_bounded(int fd, const std::string& name, std::string& out) {
  out.resize(key_file_bytes_max + 1);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return make_error(errc::io_error,
                        "cannot read key file '" + name + "': " + errno_text(errno));
    if (n == 0)
      break;
    done += static_cast<size_t>(n);
  }
  if (done > key_file_bytes_max)
    return make_error(errc::too_large, "key file '" + name + "' is larger than a key");
  out.resize(done);
  return {};
}

// Refuses key files other users can reach, with the message ssh gives for the same mistake.
status check_private(const struct stat& info, const std::string& name) {
  if (!S_ISREG(info.st_mode))
    return make_error(errc::invalid_argument, "key file '" + name + "' is not a regular file");
  if ((info.st_mode & 077) != 0)
    return make_error(errc::insecure_key_file,
                      "permissions " + mode_text(info.st_mode) + " for '" + name +
                          "' are too open; a key file must not be accessible by others "
                          "(chmod 600 '" +
                          name + "')");
  return {};
}

status write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return make_error(errc::io_error, errno_text(errno));
    text.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

private_key::~private_key() {
  secure_wipe(secret_.data(), secret_.size());
}

private_key private_key::generate(random_source& rng) {
  private_key key;
  for (int attempt = 0; attempt < generate_attempts_max; ++attempt) {
    rng.fill(key.secret_);
    if (secp256k1_ec_seckey_verify(detail::secp256k1_shared_context(), key.secret_.data()) == 1)
      return key;
  }
  // 64 out-of-range draws in a row means the source is broken, not unlucky.
  AGORA_ASSERT(false && "random source keeps yielding invalid secp256k1 keys");
  return key;
}

result<private_key> private_key::from_bytes(byte_view raw) {
  if (raw.size() != size)
    return make_error(errc::invalid_argument,
                      "a private key is 32 bytes, got " + std::to_string(raw.size()));
  private_key key;
  std::copy(raw.begin(), raw.end(), key.secret_.begin());
  if (secp256k1_ec_seckey_verify(detail::secp256k1_shared_context(), key.secret_.data()) != 1)
    return make_error(errc::invalid_argument, "private key is zero or not below the curve order");
  return key;
}

result<private_key> private_key::from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.size() != key_hex_digits)
    return make_error(errc::malformed, "a private key is 64 hex digits (with or without 0x)");
  auto raw = agora::from_hex(text);
  if (!raw)
    return make_error(errc::malformed, "private key: " + raw.error().message);
  auto key = from_bytes(*raw);
  secure_wipe(raw->data(), raw->size());
  return key;
}

result<private_key> private_key::from_env(const char* variable) {
  AGORA_ASSERT(variable != nullptr);
  const char* value = std::getenv(variable);
  if (value == nullptr)
    return make_error(errc::not_found,
                      std::string{"environment variable "} + variable + " is not set");
  auto key = from_hex(trim_space(value));
  if (!key)
    return make_error(key.error().code, std::string{variable} + ": " + key.error().message);
  return key;
}

result<private_key> private_key::load(const std::filesystem::path& file) {
  const std::string name = file.string();
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(errno == ENOENT ? errc::not_found : errc::io_error,
                      "cannot open key file '" + name + "': " + errno_text(errno));
  struct stat info {};
  status st = ::fstat(fd, &info) == 0
                  ? check_private(info, name)
                  : status{make_error(errc::io_error, "cannot stat '" + name + "'")};
  wiped_string content;
  if (st)
    st = read_bounded(fd, name, content.text);
  ::close(fd);
  if (!st)
    return st.error();
  auto key = from_hex(trim_space(content.text));
  if (!key)
    return make_error(key.error().code, "key file '" + name + "': " + key.error().message);
  return key;
}

status private_key::save(const std::filesystem::path& file) const {
  const std::string name = file.string();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    return make_error(errc::already_exists, "refusing to overwrite key file '" + name + "'");
  if (fd < 0)
    return make_error(errc::io_error,
                      "cannot create key file '" + name + "': " + errno_text(errno));
  wiped_string text{to_hex(secret_) + "\n"};
  status st = write_all(fd, text.text);
  if (st && ::fsync(fd) != 0)
    st = make_error(errc::io_error, errno_text(errno));
  if (::close(fd) != 0 && st)
    st = make_error(errc::io_error, errno_text(errno));
  if (!st) {
    ::unlink(file.c_str());
    return make_error(errc::io_error,
                      "cannot write key file '" + name + "': " + st.error().message);
  }
  return {};
}

std::array<uint8_t, 64> private_key::public_key() const {
  secp256k1_pubkey pubkey;
  int created =
      secp256k1_ec_pubkey_create(detail::secp256k1_shared_context(), &pubkey, secret_.data());
  AGORA_ASSERT(created == 1);  // every private_key passed secp256k1_ec_seckey_verify
  return detail::public_key_xy(pubkey);
}

agora::address private_key::address() const {
  return agora::address::from_public_key(public_key());
}

}  // namespace agora
