// seal/open: round trip of every kind, the kind table, refusal of tampered, mislabelled,
// oversize and unsigned frames, parse without the recovery, and the ErrorFrame helper
// (schemas/envelope.hpp).
#include "schemas/envelope.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "core/keccak.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::wire {
namespace {

using samples::sample_of;
using samples::test_key;
using ::testing::HasSubstr;

/// An Envelope built by hand, for frames seal() refuses to make.
bytes raw_envelope(message_kind kind, byte_view payload, byte_view signature) {
  flatbuffers::FlatBufferBuilder builder;
  const auto payload_offset = builder.CreateVector(payload.data(), payload.size());
  const auto signature_offset = builder.CreateVector(signature.data(), signature.size());
  builder.Finish(CreateEnvelope(builder, kind, payload_offset, signature_offset), envelope_id.text);
  return bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
}

/// Position of `needle` in `haystack`; fails the test when absent.
size_t find_bytes(const bytes& haystack, byte_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
  EXPECT_NE(it, haystack.end());
  return static_cast<size_t>(it - haystack.begin());
}

TEST(Envelope, EveryKindRoundTripsWithItsSigner) {
  const private_key key = test_key(1);
  size_t kinds = 0;
  samples::for_each_payload([&]<class T>(std::type_identity<T>) {
    SCOPED_TRACE(kind_name(kind_of<T>));
    const auto original = sample_of<T>(key);
    const bytes sealed = seal(original, key);
    result<opened_envelope> opened = open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    EXPECT_EQ(opened->kind(), kind_of<T>);
    EXPECT_EQ(opened->signer(), key.address());
    EXPECT_EQ(peek_kind(sealed), kind_of<T>);
    const bytes payload = pack(original);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), opened->payload().begin(),
                           opened->payload().end()));
    // EIP-191: the signature recovers over the bare payload bytes, as ethers/viem would.
    EXPECT_EQ(recover_personal(opened->signature(), payload).value(), key.address());
    std::unique_ptr<typename T::NativeTableType> back(opened->template as<T>()->UnPack());
    EXPECT_EQ(pack(*back), payload);  // every field read back as written
    ++kinds;
  });
  EXPECT_EQ(kinds, payload_entries::size);
}

TEST(Envelope, EveryMessageKindHasOneEntryAndIdentifier) {
  std::set<std::string> identifiers;
  for (message_kind kind : EnumValuesMessageKind()) {
    if (kind == message_kind::None) {
      EXPECT_EQ(find_payload_kind(kind), nullptr);
      continue;
    }
    const payload_kind_info* info = find_payload_kind(kind);
    ASSERT_NE(info, nullptr) << kind_name(kind);
    EXPECT_EQ(info->kind, kind);
    EXPECT_EQ(std::strlen(info->identifier), 4u);
    EXPECT_EQ(find_payload_identifier(info->identifier), info);
    identifiers.insert(info->identifier);
  }
  EXPECT_EQ(identifiers.size(), payload_kinds().size());
  EXPECT_EQ(kind_name(message_kind::Register), "Register");
  EXPECT_EQ(kind_name(static_cast<message_kind>(999)), "MessageKind(999)");
}

TEST(Envelope, SealIsDeterministic) {
  const private_key key = test_key(2);
  const auto heartbeat = sample_of<Heartbeat>(key);
  EXPECT_EQ(seal(heartbeat, key), seal(heartbeat, key));
  flatbuffers::FlatBufferBuilder builder;
  finish(builder, Heartbeat::Pack(builder, &heartbeat));
  EXPECT_EQ(seal(message_kind::Heartbeat, builder, key), seal(heartbeat, key));
}

// A changed payload byte that keeps the buffer valid changes the recovered signer, which then
// differs from the address the payload names: bad_signature.
TEST(Envelope, TamperedPayloadIsBadSignature) {
  const private_key key = test_key(3);
  bytes sealed = seal(sample_of<Register>(key), key);
  sealed[find_bytes(sealed, as_bytes("eu-west"))] = 'E';
  result<opened_envelope> opened = open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::bad_signature);
  EXPECT_THAT(opened.error().message, HasSubstr("Register names"));
}

TEST(Envelope, EveryPayloadByteIsCovered) {
  const private_key key = test_key(4);
  const bytes sealed = seal(sample_of<Heartbeat>(key), key);
  const bytes payload = pack(sample_of<Heartbeat>(key));
  const size_t start = find_bytes(sealed, payload);
  for (size_t i = start; i < start + payload.size(); ++i) {
    bytes tampered = sealed;
    tampered[i] ^= 0x01;
    result<opened_envelope> opened = open(tampered);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    const errc code = opened.error().code;
    EXPECT_TRUE(code == errc::bad_signature || code == errc::malformed || code == errc::wrong_kind)
        << "byte " << i << ": " << opened.error().to_string();
  }
}

TEST(Envelope, SignedPayloadUnderAnotherKindIsWrongKind) {
  const private_key key = test_key(5);
  const bytes payload = pack(sample_of<Heartbeat>(key));
  const signature sig = personal_sign(key, payload);
  result<opened_envelope> opened = open(raw_envelope(message_kind::Register, payload, sig));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::wrong_kind);
  EXPECT_THAT(opened.error().message, HasSubstr("envelope says Register"));
  EXPECT_THAT(opened.error().message, HasSubstr("a Heartbeat"));
}

TEST(Envelope, UnknownKindIsUnsupported) {
  const private_key key = test_key(6);
  const bytes payload = pack(sample_of<Heartbeat>(key));
  const signature sig = personal_sign(key, payload);
  result<opened_envelope> opened = open(raw_envelope(static_cast<message_kind>(999), payload, sig));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::unsupported);
  EXPECT_THAT(opened.error().message, HasSubstr("MessageKind(999)"));
}

TEST(Envelope, ShortSignatureIsBadSignature) {
  const private_key key = test_key(7);
  const bytes payload = pack(sample_of<Heartbeat>(key));
  const signature sig = personal_sign(key, payload);
  result<opened_envelope> opened =
      open(raw_envelope(message_kind::Heartbeat, payload, byte_view(sig).first(64)));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::bad_signature);
}

TEST(Envelope, SignatureByAnotherKeyIsBadSignature) {
  const private_key key = test_key(8);
  const private_key other = test_key(9);
  const bytes payload = pack(sample_of<Heartbeat>(key));  // names key's address
  result<opened_envelope> opened =
      open(raw_envelope(message_kind::Heartbeat, payload, personal_sign(other, payload)));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::bad_signature);
  EXPECT_THAT(opened.error().message, HasSubstr(other.address().to_string()));
}

TEST(Envelope, ParseChecksTheStructureButNotWhoSigned) {
  const private_key key = test_key(10);
  const private_key other = test_key(11);
  const bytes payload = pack(sample_of<ComputeProof>(key));  // names key's address
  const bytes forged =
      raw_envelope(message_kind::ComputeProof, payload, personal_sign(other, payload));
  result<parsed_envelope> parsed = parse(forged);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->kind, message_kind::ComputeProof);
  EXPECT_EQ(from_wire(*parsed->as<ComputeProof>()->provider()), key.address());  // a claim only
  EXPECT_EQ(open(forged).error().code, errc::bad_signature);
  // What open() refuses before the recovery, parse() refuses the same way.
  const bytes mislabelled =
      raw_envelope(message_kind::Register, payload, personal_sign(key, payload));
  EXPECT_EQ(parse(mislabelled).error().code, errc::wrong_kind);
  const bytes truncated(forged.begin(),
                        forged.begin() + static_cast<std::ptrdiff_t>(forged.size() / 2));
  EXPECT_EQ(parse(truncated).error().code, errc::malformed);
}

TEST(Envelope, PayloadTooShortForAnIdentifierIsMalformed) {
  const private_key key = test_key(10);
  const bytes payload{4, 0, 0, 0};
  result<opened_envelope> opened =
      open(raw_envelope(message_kind::Heartbeat, payload, personal_sign(key, payload)));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::malformed);
}

TEST(Envelope, OversizeFrameIsTooLarge) {
  const private_key key = test_key(11);
  const bytes sealed = seal(sample_of<Register>(key), key);
  EXPECT_TRUE(open(sealed, open_limits{sealed.size()}).ok());
  result<opened_envelope> opened = open(sealed, open_limits{sealed.size() - 1});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::too_large);
  const bytes huge(limits::frame_bytes_max + 1, 0);
  EXPECT_EQ(open(huge).error().code, errc::too_large);
}

TEST(Envelope, LargestPromptFitsTheDefaultFrame) {
  const private_key key = test_key(12);
  TaskRequestT request = sample_of<TaskRequest>(key);
  request.task_type = TaskType::Completion;
  request.messages.clear();
  request.prompt.assign(limits::prompt_bytes_max, 'a');
  const bytes sealed = seal(request, key);
  EXPECT_LE(sealed.size(), limits::frame_bytes_max);
  EXPECT_TRUE(open(sealed).ok());
  request.prompt.push_back('a');
  result<opened_envelope> opened = open(seal(request, key));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::limit_exceeded);
  EXPECT_THAT(opened.error().message, HasSubstr("TaskRequest.prompt"));
}

TEST(Envelope, OpensFramesAtAnyAlignment) {
  const private_key key = test_key(13);
  const bytes sealed = seal(sample_of<ComputeProof>(key), key);
  bytes shifted(sealed.size() + 3);
  std::copy(sealed.begin(), sealed.end(), shifted.begin() + 3);
  result<opened_envelope> opened = open(byte_view(shifted).subspan(3));
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_EQ(opened->as<ComputeProof>()->prompt_tokens(), 12u);
}

TEST(Envelope, NestedEnvelopesOpenOnTheirOwn) {
  const private_key key = test_key(14);
  result<opened_envelope> outer = open(seal(sample_of<TaskAssignment>(key), key));
  ASSERT_TRUE(outer.ok()) << outer.error().to_string();
  result<opened_envelope> inner = open(view(outer->as<TaskAssignment>()->request()));
  ASSERT_TRUE(inner.ok()) << inner.error().to_string();
  EXPECT_EQ(inner->kind(), message_kind::TaskRequest);
  EXPECT_EQ(inner->signer(), key.address());
}

TEST(Envelope, ErrorFrameNamesTheRefusedFrame) {
  const private_key relay = test_key(15);
  const private_key provider = test_key(16);
  const bytes refused = seal(sample_of<Heartbeat>(provider), provider);
  const error stale = make_error(errc::stale, "timestamp 75 s from the relay's clock");
  result<opened_envelope> reply = open(seal_error_frame(stale, refused, samples::now_s, relay));
  ASSERT_TRUE(reply.ok()) << reply.error().to_string();
  EXPECT_EQ(reply->signer(), relay.address());
  const ErrorFrame* frame = reply->as<ErrorFrame>();
  EXPECT_EQ(frame->code(), static_cast<uint16_t>(errc::stale));
  EXPECT_EQ(view(frame->message()), stale.message);
  EXPECT_EQ(frame->refused_kind(), message_kind::Heartbeat);
  EXPECT_EQ(from_wire(*frame->refused_frame_hash()), keccak256(refused));

  const bytes garbage{1, 2, 3};
  reply = open(seal_error_frame(open(garbage).error(), garbage, samples::now_s, relay));
  ASSERT_TRUE(reply.ok()) << reply.error().to_string();
  EXPECT_EQ(reply->as<ErrorFrame>()->code(), static_cast<uint16_t>(errc::malformed));
  EXPECT_EQ(reply->as<ErrorFrame>()->refused_kind(), message_kind::None);
}

}  // namespace
}  // namespace agora::wire
