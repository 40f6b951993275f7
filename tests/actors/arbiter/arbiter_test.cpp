// The arbiter (actors/arbiter/arbiter.hpp): re-execution with the same model, parameters and
// seed decides ProviderCorrect, ProviderWrong or Inconclusive, in a Verdict it signs.
#include <gtest/gtest.h>

#include "tests/actors/arbiter/arbiter_fixture.hpp"

namespace agora::actors::testing {
namespace {

class arbiter_verdict_test : public arbiter_test {
 protected:
  /// The Verdict the arbiter signs for dispute(contested, request).
  const wire::Verdict* verdict_of(const bytes& contested, const bytes& request) {
    auto opened = arbitrate(spawn_arbiter_actor(), dispute(contested, request));
    EXPECT_TRUE(opened) << opened.error().to_string();
    if (!opened)
      return nullptr;
    EXPECT_EQ(opened->signer(), arbiter_key_.address());
    EXPECT_EQ(opened->kind(), wire::message_kind::Verdict);
    verdict_.emplace(std::move(*opened));
    const wire::Verdict* v = verdict_->as<wire::Verdict>();
    EXPECT_EQ(wire::from_wire(*v->task_id()), task_id_);
    EXPECT_EQ(wire::from_wire(*v->provider()), provider_key_.address());
    EXPECT_EQ(v->slash_micros(), 0);
    return v;
  }

  std::optional<wire::opened_envelope> verdict_;
};

TEST_F(arbiter_verdict_test, correct_proof_is_provider_correct) {
  const wire::Verdict* v = verdict_of(proof(), request_);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::ProviderCorrect);
  EXPECT_EQ(wire::from_wire(*v->recomputed_output_hash()), wire::output_hash_text(answer_.text));
  EXPECT_EQ(v->decided_unix_s(), epoch_unix_s);
}

TEST_F(arbiter_verdict_test, tampered_output_is_provider_wrong) {
  const wire::Verdict* v = verdict_of(proof(true), request_);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::ProviderWrong);
  EXPECT_EQ(wire::from_wire(*v->recomputed_output_hash()), wire::output_hash_text(answer_.text));
}

TEST_F(arbiter_verdict_test, embeddings_compare_the_hash_of_their_values) {
  auto embedding = mock_request(renter_key_, task_id_, hold_id_);
  embedding.task_type = wire::TaskType::Embedding;
  embedding.sampling->max_tokens = 0;
  request_ = wire::seal(embedding, renter_key_);
  const generation answer = mock_answer(request_);
  ASSERT_EQ(answer.embedding.size(), mock_model::embedding_dims);
  wire::ComputeProofT honest = honest_proof(provider_key_, request_, answer, price_);
  honest.output_hash = wire::to_wire(wire::output_hash_embedding(answer.embedding));
  const wire::Verdict* v = verdict_of(wire::seal(honest, provider_key_), request_);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::ProviderCorrect);
  EXPECT_EQ(wire::from_wire(*v->recomputed_output_hash()),
            wire::output_hash_embedding(answer.embedding));
  std::vector<float> wrong = answer.embedding;
  wrong[0] = -wrong[0];
  honest.output_hash = wire::to_wire(wire::output_hash_embedding(wrong));
  v = verdict_of(wire::seal(honest, provider_key_), request_);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::ProviderWrong);
}

TEST_F(arbiter_verdict_test, mismatched_request_is_inconclusive) {
  auto other = mock_request(renter_key_, task_id_, hold_id_);
  other.sampling->seed = 100;  // same task, another input: its hash is not the proof's
  const wire::Verdict* v = verdict_of(proof(), wire::seal(other, renter_key_));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::Inconclusive);
  EXPECT_EQ(wire::from_wire(*v->recomputed_output_hash()), hash256{});
}

TEST_F(arbiter_verdict_test, missing_request_is_inconclusive) {
  const wire::Verdict* v = verdict_of(proof(), bytes{});
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->outcome(), wire::VerdictOutcome::Inconclusive);
}

TEST_F(arbiter_verdict_test, proof_by_another_provider_is_refused) {
  auto a = spawn_arbiter_actor();
  const bytes forged =
      wire::seal(honest_proof(stranger_key_, request_, answer_, price_), stranger_key_);
  auto refused = arbitrate(a, dispute(forged, request_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::bad_signature);
  auto not_dispute = arbitrate(a, deposit(renter_key_, 1, 0x01));
  ASSERT_FALSE(not_dispute);
  EXPECT_EQ(not_dispute.error().code, errc::wrong_kind);
}

}  // namespace
}  // namespace agora::actors::testing
