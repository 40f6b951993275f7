// Test fixture for the arbiter: the escrow fixture's keys and frames, a mock-model arbiter, a
// sealed mock-model TaskRequest with the provider's honest answer, and Dispute makers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "actors/arbiter/arbiter.hpp"
#include "tests/actors/common/market_samples.hpp"
#include "tests/actors/escrow/escrow_actor_fixture.hpp"

namespace agora::actors::testing {

class arbiter_test : public escrow_actor_test {
 protected:
  arbiter_inbox spawn_arbiter_actor() {
    auto a =
        spawn_arbiter(sys, arbiter_options{arbiter_key_, std::make_shared<mock_model>(), clock_});
    actors_.push_back(caf::actor_cast<caf::actor>(a));
    run();
    return a;
  }

  /// The honest proof for request_, at price_, optionally with a wrong output hash.
  bytes proof(bool tampered = false) const {
    wire::ComputeProofT m = honest_proof(provider_key_, request_, answer_, price_);
    if (tampered)
      m.output_hash = wire::to_wire(wire::output_hash_text(answer_.text + " and more"));
    return wire::seal(m, provider_key_);
  }

  /// The renter's Dispute of `contested` (a sealed proof), carrying `request`.
  wire::frame dispute(const bytes& contested, const bytes& request) const {
    auto m = wire::samples::sample(std::type_identity<wire::Dispute>{}, renter_key_);
    m.task_id = wire::to_wire(task_id_);
    m.provider = wire::to_wire(provider_key_.address());
    m.proof = contested;
    m.request = request;
    return frame_of(m, renter_key_);
  }

  /// Asks `a` to arbitrate `f`; the opened Verdict, or the error it answered.
  result<wire::opened_envelope> arbitrate(const arbiter_inbox& a, const wire::frame& f) {
    std::optional<result<wire::opened_envelope>> out;
    auto client = sys.spawn([&out, a, f](caf::event_based_actor* self) {
      self->request(a, std::chrono::seconds(60), arbitrate_atom_v, f)
          .then([&out](const wire::frame& verdict) { out = wire::open(verdict.data); },
                [&out](const caf::error& err) { out = from_caf_error(err); });
    });
    run();
    EXPECT_TRUE(out.has_value()) << "the arbiter did not answer";
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  wire::id128 task_id_ = wire::samples::make_id(0x21);
  wire::id128 hold_id_ = wire::samples::make_id(0x22);
  int64_t price_ = 150'000'000;  // 150 per million tokens: mock-model's 8 tokens cost 1,200
  bytes request_ = wire::seal(mock_request(renter_key_, task_id_, hold_id_), renter_key_);
  generation answer_ = mock_answer(request_);
};

}  // namespace agora::actors::testing
