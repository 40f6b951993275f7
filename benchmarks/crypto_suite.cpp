// The crypto suite of agora-bench: secp256k1 signing, recovery and verification through the
// functions every signed message and payment goes through (core/signature.hpp, DESIGN §4), and
// Keccak-256 over 200-byte payloads, each on one thread for about opts.seconds.
#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "core/assert.hpp"
#include "core/keccak.hpp"
#include "core/random.hpp"
#include "core/signature.hpp"

namespace agora::bench {
namespace {

constexpr size_t payload_bytes = 200;        // about one signed envelope header
constexpr size_t inputs_count = 64;          // distinct inputs cycled through
constexpr uint64_t ops_between_reads = 64;   // clock reads per batch of operations
constexpr uint64_t ops_max = 1'000'000'000;  // a bound on the loop, far above any rate seen
constexpr const char* secp_reference =
    "libsecp256k1 maintainers: ~26k signs/s, ~21k verifies/s per desktop core";

// Runs op(i) for i = 0, 1, … until `seconds` have passed; returns operations per second.
template <class Op>
double ops_per_second(double seconds, Op&& op) {
  AGORA_ASSERT(seconds > 0);
  stopwatch watch;
  double elapsed = 0;
  uint64_t ops = 0;
  while (ops < ops_max && elapsed < seconds) {
    for (uint64_t end = ops + ops_between_reads; ops < end; ++ops)
      op(ops % inputs_count);
    elapsed = watch.seconds();
  }
  AGORA_ASSERT(ops > 0);
  return static_cast<double>(ops) / std::max(elapsed, 1e-9);
}

// Messages, their digests and signatures by one key, prepared outside the timed loops.
struct inputs {
  private_key key;
  std::vector<bytes> messages;
  std::vector<hash256> digests;
  std::vector<signature> signatures;
};

inputs make_inputs(random_source& rng) {
  inputs in{private_key::generate(rng), {}, {}, {}};
  for (size_t i = 0; i < inputs_count; ++i) {
    bytes message(payload_bytes);
    rng.fill(message);
    in.digests.push_back(personal_message_digest(message));
    in.signatures.push_back(sign_digest(in.key, in.digests.back()));
    in.messages.push_back(std::move(message));
  }
  AGORA_ASSERT(in.signatures.size() == inputs_count);
  return in;
}

}  // namespace

report run_crypto_suite(const options& opts) {
  AGORA_ASSERT(opts.seconds > 0);
  report out("crypto");
  seeded_random rng(1);
  const inputs in = make_inputs(rng);
  const address signer = in.key.address();
  out.note("payload", std::to_string(payload_bytes) + " bytes, " + std::to_string(inputs_count) +
                          " distinct inputs, one thread");
  out.note("libraries", "libsecp256k1 (recovery module), Crypto++ Keccak-256");

  uint8_t sink = 0;  // folds outputs in, so no call is optimised away
  auto sign_message = [&](size_t i) { sink ^= personal_sign(in.key, in.messages[i])[0]; };
  auto sign_hash = [&](size_t i) { sink ^= sign_digest(in.key, in.digests[i])[0]; };
  auto recover = [&](size_t i) {
    auto recovered = recover_digest(in.signatures[i], in.digests[i]);
    AGORA_ASSERT(recovered.ok());
    AGORA_ASSERT(*recovered == signer);
  };
  auto verify = [&](size_t i) {
    status st = verify_personal(in.signatures[i], in.messages[i], signer);
    AGORA_ASSERT(st.ok());
  };
  auto hash = [&](size_t i) { sink ^= keccak256(in.messages[i])[0]; };

  const double s = opts.seconds;
  out.add({"personal_sign (EIP-191 hash + sign)", ops_per_second(s, sign_message), "ops/s",
           secp_reference});
  out.add({"sign_digest", ops_per_second(s, sign_hash), "ops/s", secp_reference});
  out.add({"recover_digest", ops_per_second(s, recover), "ops/s", secp_reference});
  out.add(
      {"verify_personal (recover + compare)", ops_per_second(s, verify), "ops/s", secp_reference});
  out.add({"keccak256 of 200 bytes", ops_per_second(s, hash), "ops/s",
           "no published figure; bounds the hashing share of personal_sign"});
  out.note("checksum", std::to_string(sink));
  AGORA_ASSERT(out.figures().size() == 5);
  return out;
}

}  // namespace agora::bench
