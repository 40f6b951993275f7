// `agora key …`: create a key, show its address, sign a message with EIP-191 personal_sign and
// verify such a signature (DESIGN §4). Keys come from PRIVATE_KEY or --key-file; `key new`
// without --out is the only command that prints a key, because the user asked for one.
#include <cstdio>
#include <string>

#include "bin/agora/commands.hpp"
#include "core/key.hpp"
#include "core/signature.hpp"

namespace agora::cli {
namespace {

// Exit codes, as `agora key verify` documents them.
constexpr int exit_valid = 0;
constexpr int exit_invalid = 1;  // well-formed, but not signed by the given address
constexpr int exit_error = 2;    // malformed input, missing key, I/O failure

struct key_options {
  std::string out;        // key new --out
  std::string key_file;   // key address/sign --key-file
  std::string message;    // key sign/verify --message
  std::string signature;  // key verify --signature
  std::string address;    // key verify --address
};

int fail(const error& err) {
  std::fprintf(stderr, "agora key: %s\n", err.to_string().c_str());
  return exit_error;
}

// The key from --key-file when given, else from PRIVATE_KEY.
result<private_key> load_key(const key_options& opts) {
  if (!opts.key_file.empty())
    return private_key::load(opts.key_file);
  auto key = private_key::from_env();
  if (!key && key.error().code == errc::not_found)
    return make_error(errc::not_found, "no key: set PRIVATE_KEY or pass --key-file FILE");
  return key;
}

int run_new(const key_options& opts) {
  os_random rng;
  const private_key key = private_key::generate(rng);
  const std::string address = key.address().to_string();
  if (!opts.out.empty()) {
    if (status st = key.save(opts.out); !st)
      return fail(st.error());
    std::printf("key file: %s (mode 0600)\naddress:  %s\n", opts.out.c_str(), address.c_str());
    return exit_valid;
  }
  std::string secret = to_hex0x(key.secret());
  std::printf("address:     %s\nprivate key: %s\n", address.c_str(), secret.c_str());
  std::fprintf(stderr, "agora key: keep the private key secret; anyone holding it controls the "
                       "address. Use --out FILE to write it to a 0600 file instead.\n");
  secure_wipe(secret.data(), secret.size());
  return exit_valid;
}

int run_address(const key_options& opts) {
  auto key = load_key(opts);
  if (!key)
    return fail(key.error());
  std::printf("%s\n", key->address().to_string().c_str());
  return exit_valid;
}

int run_sign(const key_options& opts) {
  auto key = load_key(opts);
  if (!key)
    return fail(key.error());
  std::printf("%s\n", to_hex0x(personal_sign(*key, as_bytes(opts.message))).c_str());
  return exit_valid;
}

int run_verify(const key_options& opts) {
  auto sig = parse_signature(opts.signature);
  if (!sig)
    return fail(sig.error());
  auto expected = address::parse(opts.address);
  if (!expected)
    return fail(expected.error());
  status st = verify_personal(*sig, as_bytes(opts.message), *expected);
  if (!st) {
    std::fprintf(stderr, "invalid: %s\n", st.error().message.c_str());
    return exit_invalid;
  }
  std::printf("valid: signed by %s\n", expected->to_string().c_str());
  return exit_valid;
}

// Registers one `key` subcommand whose action runs `body` over the shared options.
CLI::App* add_action(CLI::App& key, const char* name, const char* help, action& run,
                     int (*body)(const key_options&), const key_options& opts) {
  CLI::App* cmd = key.add_subcommand(name, help);
  cmd->callback([&run, body, &opts] { run = [body, &opts] { return body(opts); }; });
  return cmd;
}

}  // namespace

void add_key_commands(CLI::App& app, action& run) {
  static key_options opts;
  CLI::App* key = app.add_subcommand("key", "Create a key, show its address, sign and verify");
  key->require_subcommand(1);

  CLI::App* create =
      add_action(*key, "new", "Generate a key (prints it unless --out)", run, run_new, opts);
  create->add_option("--out", opts.out, "Write the key to this new file (mode 0600)");

  CLI::App* show =
      add_action(*key, "address", "Print the key's EIP-55 address", run, run_address, opts);
  CLI::App* sign =
      add_action(*key, "sign", "personal_sign a message (EIP-191)", run, run_sign, opts);
  for (CLI::App* cmd : {show, sign})
    cmd->add_option("--key-file", opts.key_file, "Key file (mode 0600); default: $PRIVATE_KEY");
  sign->add_option("--message", opts.message, "Message text to sign")->required();

  CLI::App* verify = add_action(*key, "verify",
                                "Check a personal_sign signature: exit 0 valid, 1 invalid, "
                                "2 malformed",
                                run, run_verify, opts);
  verify->add_option("--message", opts.message, "Message text that was signed")->required();
  verify->add_option("--signature", opts.signature, "0x + 130 hex digits")->required();
  verify->add_option("--address", opts.address, "Expected signer (0x…)")->required();
}

}  // namespace agora::cli
