// Fuzz-style robustness of open() with seeded randomness: random byte strings, every truncation
// and every single-bit flip of valid frames, and random or mutated payloads sealed with valid
// signatures (which reach the payload Verifier and the limits). open() never crashes and always
// answers with a typed refusal, or, where a flip hit bytes outside the signed payload that the
// Verifier tolerates (padding), with the very same kind, payload and signer.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/random.hpp"
#include "schemas/envelope.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::wire {
namespace {

bool is_refusal(errc code) {
  switch (code) {
  case errc::too_large:
  case errc::malformed:
  case errc::unsupported:
  case errc::bad_signature:
  case errc::wrong_kind:
  case errc::limit_exceeded:
  case errc::invalid_argument: return true;
  default: return false;
  }
}

/// Reads every field of an opened payload through UnPack, so the sanitizers see each access.
void unpack_all(const opened_envelope& opened) {
  size_t unpacked = 0;
  samples::for_each_payload([&]<class T>(std::type_identity<T>) {
    if (opened.kind() != kind_of<T>)
      return;
    std::unique_ptr<typename T::NativeTableType> native(opened.template as<T>()->UnPack());
    unpacked += native != nullptr;
  });
  EXPECT_EQ(unpacked, 1u);
}

std::vector<bytes> frame_of_every_kind(const private_key& key) {
  std::vector<bytes> frames;
  samples::for_each_payload([&]<class T>(std::type_identity<T>) {
    frames.push_back(seal(samples::sample_of<T>(key), key));
  });
  return frames;
}

TEST(Fuzz, RandomBytesAreRefused) {
  seeded_random rng(0x5eed0001);
  for (int i = 0; i < 5000; ++i) {
    bytes data(rng.uniform(600));
    rng.fill(data);
    if (i % 2 == 1 && data.size() >= 8)
      std::memcpy(data.data() + 4, envelope_id.text, 4);  // past the identifier check
    result<opened_envelope> opened = open(data);
    ASSERT_FALSE(opened.ok()) << "case " << i;
    EXPECT_TRUE(is_refusal(opened.error().code)) << opened.error().to_string();
  }
}

TEST(Fuzz, EveryTruncationIsRefused) {
  const private_key key = samples::test_key(31);
  for (const bytes& frame : frame_of_every_kind(key)) {
    for (size_t length = 0; length < frame.size(); ++length) {
      result<opened_envelope> opened = open(byte_view(frame).first(length));
      ASSERT_FALSE(opened.ok()) << "length " << length << " of " << frame.size();
      EXPECT_TRUE(is_refusal(opened.error().code)) << opened.error().to_string();
    }
  }
}

void flip_every_bit(const bytes& frame) {
  result<opened_envelope> original = open(frame);
  ASSERT_TRUE(original.ok()) << original.error().to_string();
  size_t accepted = 0;
  for (size_t bit = 0; bit < frame.size() * 8; ++bit) {
    bytes flipped = frame;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    result<opened_envelope> opened = open(flipped);
    if (!opened.ok()) {
      EXPECT_TRUE(is_refusal(opened.error().code)) << opened.error().to_string();
      continue;
    }
    ++accepted;  // only bytes outside the signed payload, which the Verifier tolerates
    EXPECT_EQ(opened->kind(), original->kind()) << "bit " << bit;
    EXPECT_EQ(opened->signer(), original->signer()) << "bit " << bit;
    EXPECT_TRUE(std::equal(opened->payload().begin(), opened->payload().end(),
                           original->payload().begin(), original->payload().end()))
        << "bit " << bit;
  }
  EXPECT_LT(accepted, frame.size());  // most flips are refused
}

TEST(Fuzz, EverySingleBitFlipIsRefusedOrHarmless) {
  const private_key key = samples::test_key(32);
  flip_every_bit(seal(samples::sample_of<Heartbeat>(key), key));
  flip_every_bit(seal(samples::sample_of<Register>(key), key));
  flip_every_bit(seal(samples::sample_of<ComputeProof>(key), key));
  flip_every_bit(seal(samples::sample_of<Settle>(key), key));
}

TEST(Fuzz, RandomSignedPayloadsOfEveryKindAreRefused) {
  const private_key key = samples::test_key(33);
  seeded_random rng(0x5eed0003);
  for (const payload_kind_info& info : payload_kinds()) {
    for (int i = 0; i < 100; ++i) {
      bytes payload(8 + rng.uniform(300));
      rng.fill(payload);
      std::memcpy(payload.data() + 4, info.identifier, 4);
      result<opened_envelope> opened = open(seal(info.kind, payload, key));
      if (opened.ok()) {  // possible in principle; then it must be whole and ours
        EXPECT_EQ(opened->signer(), key.address());
        unpack_all(*opened);
        continue;
      }
      EXPECT_TRUE(is_refusal(opened.error().code)) << opened.error().to_string();
    }
  }
}

// Valid payloads with a few random bytes changed, signed again: they reach the payload Verifier,
// the signer binding and the limits with nearly valid input.
TEST(Fuzz, MutatedSignedPayloadsAreRefusedOrWhole) {
  const private_key key = samples::test_key(34);
  seeded_random rng(0x5eed0004);
  size_t accepted = 0;
  for (const bytes& frame : frame_of_every_kind(key)) {
    result<opened_envelope> valid = open(frame);
    ASSERT_TRUE(valid.ok()) << valid.error().to_string();
    for (int i = 0; i < 150; ++i) {
      bytes payload(valid->payload().begin(), valid->payload().end());
      for (uint64_t n = 1 + rng.uniform(4); n > 0; --n)
        payload[8 + rng.uniform(payload.size() - 8)] = static_cast<uint8_t>(rng.next());
      result<opened_envelope> opened = open(seal(valid->kind(), payload, key));
      if (!opened.ok()) {
        EXPECT_TRUE(is_refusal(opened.error().code)) << opened.error().to_string();
        continue;
      }
      ++accepted;
      EXPECT_EQ(opened->signer(), key.address());
      unpack_all(*opened);
    }
  }
  EXPECT_GT(accepted, 0u);  // some mutations only change values, which then read back
}

}  // namespace
}  // namespace agora::wire
